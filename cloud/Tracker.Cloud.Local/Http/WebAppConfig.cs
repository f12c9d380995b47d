using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Tracker.Cloud.Local.Http;

/// <summary>
/// The web app's <c>config.json</c> as this host serves it: the built one (cloud/Tracker.Cloud.Web/dist), with the
/// tile layer the host was told to offer (<c>--tile-url</c>, <c>--tile-attribution</c>; null for none). Every other
/// key passes through as the build wrote it.
/// </summary>
public static class WebAppConfig
{
    /// <summary>The path the web app reads its settings from.</summary>
    public const string Path = "/config.json";

    /// <summary>The settings for the browser.</summary>
    /// <param name="webRoot">The built web app's folder, or null.</param>
    /// <param name="tiles">The tile layer, or null for none.</param>
    /// <returns>The JSON text.</returns>
    public static string Build(string? webRoot, TileLayer? tiles)
    {
        JsonObject config = new();
        string? built = webRoot is null ? null : System.IO.Path.Combine(webRoot, "config.json");
        if (built is not null && File.Exists(built))
        {
            try
            {
                config = JsonNode.Parse(File.ReadAllText(built)) as JsonObject ?? new JsonObject();
            }
            catch (JsonException)
            {
                config = new JsonObject(); // the app falls back to its defaults for what is missing
            }
        }

        config["tileUrl"] = tiles?.Template;
        config["tileProbeUrl"] = tiles?.ProbeUrl;
        config["tileAttribution"] = tiles?.Attribution ?? string.Empty;
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
}
