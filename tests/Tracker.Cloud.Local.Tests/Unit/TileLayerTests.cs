using Tracker.Cloud.Local.Http;
using Tracker.Cloud.Local.Options;

namespace Tracker.Cloud.Local.Tests.Unit;

/// <summary>The web map's online tile layer: the URL the user gives, checked, offered to the browser, allowed by the CSP.</summary>
public sealed class TileLayerTests
{
    [Fact]
    public void OpenStreetMap_IsTheDefault_WithItsAttribution()
    {
        TileLayer tiles = TileLayer.From(new LocalOptions { DataDirectory = "/tmp/x" }.TileUrl, null)!;

        Assert.Equal("https://tile.openstreetmap.org/{z}/{x}/{y}.png", tiles.Template);
        Assert.Equal("https://tile.openstreetmap.org/0/0/0.png", tiles.ProbeUrl);
        Assert.Equal("https://tile.openstreetmap.org", tiles.CspSource);
        Assert.Contains("OpenStreetMap</a> contributors", tiles.Attribution, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://{s}.tiles.example.com/{z}/{x}/{y}.png", "https://*.tiles.example.com", "https://a.tiles.example.com/0/0/0.png")]
    [InlineData("http://127.0.0.1:8099/tiles/{z}/{x}/{y}.png", "http://127.0.0.1:8099", "http://127.0.0.1:8099/tiles/0/0/0.png")]
    [InlineData("https://maps.example.org/wmts/{z}/{y}/{x}?key=abc", "https://maps.example.org", "https://maps.example.org/wmts/0/0/0?key=abc")]
    public void AnyTileServer_IsAllowedByTheCsp_AndProbedWithItsFirstTile(string template, string csp, string probe)
    {
        Assert.True(TileLayer.IsValidTemplate(template, out string problem), problem);
        TileLayer tiles = TileLayer.From(template, "Example tiles")!;

        Assert.Equal(csp, tiles.CspSource);
        Assert.Equal(probe, tiles.ProbeUrl);
        Assert.Equal("Example tiles", tiles.Attribution);
    }

    [Theory]
    [InlineData("https://tiles.example.com/tile.png")]
    [InlineData("ftp://tiles.example.com/{z}/{x}/{y}.png")]
    [InlineData("javascript:alert(1)//{z}{x}{y}")]
    [InlineData("https://tiles.example.com/{z}/{x}/{y}.png?{token}")]
    [InlineData("https://tiles.example.com/{z}/{x}/{y}.png' 'unsafe-inline")]
    [InlineData("/tiles/{z}/{x}/{y}.png")]
    [InlineData("")]
    public void ABadTemplate_IsRefused_NamingTheOption(string template)
    {
        var options = new LocalOptions { DataDirectory = "/tmp/x", TileUrl = template };

        var e = Assert.Throws<LocalOptionsException>(options.Validate);
        Assert.Equal("--tile-url", e.Option);
    }

    [Fact]
    public void None_TurnsTheOnlineLayerOff()
    {
        int code = LocalCommandLine.Invoke(["--tile-url", "none", "--data", "/tmp/x"], TextWriter.Null, TextWriter.Null, o =>
        {
            Assert.Null(o.TileUrl);
            return 0;
        });

        Assert.Equal(0, code);
        Assert.Null(TileLayer.From(null, null));
    }

    [Fact]
    public void TheBrowsersConfig_IsTheBuiltOne_WithTheHostsTileLayer()
    {
        using var folder = new TempFolder("tracker-webroot-");
        string web = folder.Path;
        File.WriteAllText(Path.Combine(web, "config.json"), "{\"apiBase\":\"\",\"someKeyOfTheBuild\":42,\"tileUrl\":\"https://old/{z}/{x}/{y}.png\"}");

        var config = System.Text.Json.Nodes.JsonNode.Parse(WebAppConfig.Build(web, TileLayer.From("https://{s}.t.example/{z}/{x}/{y}.png", null)))!;
        Assert.Equal(42, (int)config["someKeyOfTheBuild"]!);
        Assert.Equal("https://{s}.t.example/{z}/{x}/{y}.png", (string?)config["tileUrl"]);
        Assert.Equal("https://a.t.example/0/0/0.png", (string?)config["tileProbeUrl"]);

        var none = System.Text.Json.Nodes.JsonNode.Parse(WebAppConfig.Build(web, null))!;
        Assert.Null(none["tileUrl"]);
        Assert.Null(none["tileProbeUrl"]);

        File.WriteAllText(Path.Combine(web, "config.json"), "{not json");
        Assert.NotNull(System.Text.Json.Nodes.JsonNode.Parse(WebAppConfig.Build(web, null)));
    }
}
