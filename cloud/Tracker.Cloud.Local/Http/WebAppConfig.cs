using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Local.Broker;
using Tracker.Cloud.Local.Options;

namespace Tracker.Cloud.Local.Http;

/// <summary>
/// The web app's <c>config.json</c> as this host serves it. With the dev logins it is the build's own file (the local
/// defaults). With <c>--auth oidc</c> it is that file with the sign-in and the live connection of an AWS deployment put
/// over it (cloud/Tracker.Cloud.Web/README.md, "config.json"): the provider's hosted sign-in at Cognito's paths, and the
/// broker's custom authorizer, so the web app runs here exactly the code it runs on AWS.
/// </summary>
public sealed class WebAppConfig
{
    /// <summary>The scopes the web app asks for (those the deployed user pool client allows).</summary>
    public static readonly IReadOnlyList<string> Scopes = ["openid", "email", "profile"];

    private readonly byte[]? _body;

    /// <summary>Prepares the document.</summary>
    /// <param name="options">The host's options.</param>
    /// <param name="webRoot">The built web app, or null.</param>
    public WebAppConfig(LocalOptions options, string? webRoot)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Auth != AuthMode.Oidc)
        {
            return;
        }

        JsonObject config = ReadBuilt(webRoot);
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
        _body = JsonSerializer.SerializeToUtf8Bytes(config);
    }

    /// <summary>The document served in place of the build's, or null when the build's is served.</summary>
    public JsonObject? Document => _body is null ? null : (JsonObject)JsonNode.Parse(_body)!;

    /// <summary>Middleware: answers <c>GET /config.json</c> when this host has its own document.</summary>
    /// <param name="context">The request.</param>
    /// <param name="next">The rest of the pipeline.</param>
    /// <returns>When answered.</returns>
    public async Task ServeAsync(HttpContext context, Func<Task> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (_body is null || !context.Request.Path.Equals("/config.json", StringComparison.Ordinal) || !(HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)))
        {
            await next().ConfigureAwait(false);
            return;
        }

        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.ContentLength = _body.Length;
        if (HttpMethods.IsGet(context.Request.Method))
        {
            await context.Response.Body.WriteAsync(_body, context.RequestAborted).ConfigureAwait(false);
        }
    }

    private static JsonObject ReadBuilt(string? webRoot)
    {
        string? path = webRoot is null ? null : Path.Combine(webRoot, "config.json");
        if (path is null || !File.Exists(path))
        {
            return [];
        }

        try
        {
            return JsonNode.Parse(File.ReadAllBytes(path)) as JsonObject ?? [];
        }
        catch (JsonException)
        {
            return []; // The web app falls back to its own defaults for whatever is missing.
        }
    }
}
