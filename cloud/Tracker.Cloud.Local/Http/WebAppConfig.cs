using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Core.Cars;
using Tracker.Cloud.Local.Broker;
using Tracker.Cloud.Local.Options;

namespace Tracker.Cloud.Local.Http;

/// <summary>
/// The web app's <c>config.json</c> as this host serves it: the built one (cloud/Tracker.Cloud.Web/dist), with the
/// tile layer the host was told to offer (<c>--tile-url</c>, <c>--tile-attribution</c>; null for none) and the car
/// rules its ingest and API apply (<c>carRules</c>: what moving, stopped, offline and filtered mean). With
/// <c>--auth oidc</c> the sign-in and the live connection of an AWS deployment go over it
/// (cloud/Tracker.Cloud.Web/README.md, "config.json"): the provider's hosted sign-in at Cognito's paths, and the
/// broker's custom authorizer, so the web app runs here exactly the code it runs on AWS. Every other key passes
/// through as the build wrote it.
/// </summary>
public static class WebAppConfig
{
    /// <summary>The path the web app reads its settings from.</summary>
    public const string Path = "/config.json";

    /// <summary>The scopes the web app asks for (those the deployed user pool client allows).</summary>
    public static readonly IReadOnlyList<string> Scopes = ["openid", "email", "profile"];

    /// <summary>The settings for the browser.</summary>
    /// <param name="webRoot">The built web app's folder, or null.</param>
    /// <param name="tiles">The tile layer, or null for none.</param>
    /// <param name="options">The host's options, for the sign-in; null for the dev logins.</param>
    /// <param name="rules">The car rules the host's ingest and API apply (<see cref="CarRules.Default"/> when null).</param>
    /// <returns>The JSON text.</returns>
    public static string Build(string? webRoot, TileLayer? tiles, LocalOptions? options = null, CarRules? rules = null)
    {
        JsonObject config = ReadBuilt(webRoot);
        config["carRules"] = JsonNode.Parse((rules ?? CarRules.Default).ToJson());
        config["tileUrl"] = tiles?.Template;
        config["tileProbeUrl"] = tiles?.ProbeUrl;
        config["tileAttribution"] = tiles?.Attribution ?? string.Empty;
        if (options is { Auth: AuthMode.Oidc })
        {
            string signIn = (options.OidcSignInUrl ?? options.OidcIssuer!).ToString().TrimEnd('/');
            config["auth"] = new JsonObject
            {
                ["mode"] = "oauth",
                ["clientId"] = options.OidcClientId,
                ["authorizeUrl"] = signIn + "/oauth2/authorize",
                ["tokenUrl"] = signIn + "/oauth2/token",
                ["revokeUrl"] = signIn + "/oauth2/revoke",
                ["logoutUrl"] = signIn + "/logout",
                ["scopes"] = new JsonArray(Scopes.Select(s => (JsonNode)JsonValue.Create(s)!).ToArray()),
            };
            config["mqttAuthorizer"] = new JsonObject
            {
                ["name"] = LocalCustomAuthorizer.AuthorizerName,
                ["tokenParameter"] = LiveCredentials.TokenParameter,
            };
        }

        // Served as application/json (never HTML), so the attribution's markup need not be escaped.
        return config.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    /// <summary>Answers <c>GET /config.json</c> before the static files do.</summary>
    /// <param name="context">The request.</param>
    /// <param name="json">The settings (<see cref="Build"/>).</param>
    /// <returns>The write.</returns>
    public static Task WriteAsync(HttpContext context, string json)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-cache";
        return context.Response.WriteAsync(json, context.RequestAborted);
    }

    private static JsonObject ReadBuilt(string? webRoot)
    {
        string? built = webRoot is null ? null : System.IO.Path.Combine(webRoot, "config.json");
        if (built is null || !File.Exists(built))
        {
            return [];
        }

        try
        {
            return JsonNode.Parse(File.ReadAllText(built)) as JsonObject ?? [];
        }
        catch (JsonException)
        {
            return []; // the app falls back to its defaults for what is missing
        }
    }
}
