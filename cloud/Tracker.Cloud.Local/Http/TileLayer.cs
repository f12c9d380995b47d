namespace Tracker.Cloud.Local.Http;

/// <summary>
/// The web map's online tile layer, as the host offers it to the browser (config.json) and allows it in the page's
/// Content-Security-Policy: a URL template ({z}/{x}/{y}, optionally {s} for the server's subdomains).
/// </summary>
public sealed class TileLayer
{
    private TileLayer(string template, string attribution, string probe, string cspSource)
    {
        Template = template;
        Attribution = attribution;
        ProbeUrl = probe;
        CspSource = cspSource;
    }

    /// <summary>The URL template.</summary>
    public string Template { get; }

    /// <summary>The attribution shown on the map (HTML).</summary>
    public string Attribution { get; }

    /// <summary>One tile the browser loads first, to learn whether the server can be reached (zoom 0).</summary>
    public string ProbeUrl { get; }

    /// <summary>The CSP source that allows the tiles (scheme and host; <c>*.</c> for {s}).</summary>
    public string CspSource { get; }

    /// <summary>The layer for a validated template, or null for none.</summary>
    /// <param name="template">The template (validated by <see cref="IsValidTemplate"/>), or null.</param>
    /// <param name="attribution">The attribution, or null for the default.</param>
    /// <returns>The layer, or null.</returns>
    public static TileLayer? From(string? template, string? attribution)
    {
        if (template is null)
        {
            return null;
        }

        var probe = new Uri(Sample(template, "a"));

        // {s} picks one of the server's subdomains (a, b, c): the CSP allows them all.
        string host = template.Contains("{s}", StringComparison.Ordinal)
            ? new Uri(Sample(template, "subdomain-placeholder")).Host.Replace("subdomain-placeholder", "*", StringComparison.Ordinal)
            : probe.Host;
        string port = probe.IsDefaultPort ? string.Empty : ":" + probe.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string defaultAttribution = probe.Host.EndsWith("openstreetmap.org", StringComparison.OrdinalIgnoreCase)
            ? "&copy; <a href=\"https://www.openstreetmap.org/copyright\">OpenStreetMap</a> contributors"
            : "Tiles: " + System.Net.WebUtility.HtmlEncode(probe.Host);
        return new TileLayer(template, attribution ?? defaultAttribution, probe.ToString(), probe.Scheme + "://" + host + port);
    }

    /// <summary>Whether <paramref name="template"/> is an http(s) tile URL template with {z}, {x} and {y}.</summary>
    /// <param name="template">The template.</param>
    /// <param name="problem">What is wrong, for the message.</param>
    /// <returns>True when it is usable.</returns>
    public static bool IsValidTemplate(string template, out string problem)
    {
        ArgumentNullException.ThrowIfNull(template);
        if (!template.Contains("{z}", StringComparison.Ordinal) || !template.Contains("{x}", StringComparison.Ordinal) || !template.Contains("{y}", StringComparison.Ordinal))
        {
            problem = "must be a tile URL template with {z}, {x} and {y}, like " + Options.LocalOptions.OpenStreetMapTiles + ", or 'none'";
            return false;
        }

        string sample = Sample(template, "a");
        if (!Uri.TryCreate(sample, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) || sample.Contains('{', StringComparison.Ordinal) || sample.Contains('\'', StringComparison.Ordinal) || sample.Contains('"', StringComparison.Ordinal) || sample.Any(char.IsWhiteSpace))
        {
            problem = "must be an http or https URL template (only {s} {z} {x} {y} as placeholders), not '" + (template.Length <= 60 ? template : template[..60] + "...") + "'";
            return false;
        }

        problem = string.Empty;
        return true;
    }

    // The zoom-0 tile, with {s} as given.
    private static string Sample(string template, string subdomain) =>
        template.Replace("{s}", subdomain, StringComparison.Ordinal).Replace("{z}", "0", StringComparison.Ordinal).Replace("{x}", "0", StringComparison.Ordinal).Replace("{y}", "0", StringComparison.Ordinal);
}
