using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Tracker.Core.Fixes;
using Tracker.HostLink;
using Tracker.Simulation.Routes;
using Xunit.Abstractions;

namespace Tracker.Web.Tests;

/// <summary>
/// The map looks like a map, offline too: the local fleet's generated town drawn as streets with names, the cars on
/// them, a car's history played back along them, and the online tile layer the host is told to offer. The
/// screenshots here are the README's (artifacts/screenshots/fleet-view.png and car-history.png).
/// </summary>
public sealed class MapTests(MapFixture fixture, ITestOutputHelper output) : IClassFixture<MapFixture>
{
    [FactNeeding(Part.Chromium)]
    public async Task FleetView_DrawsTheGeneratedTown_WithNamedStreets_AndTheCarsOnThem()
    {
        IPage page = await fixture.LoginAsync("ops", 1280, 800);
        await page.WaitForFunctionAsync("() => window.trackerApp.carsShown() >= 20", null, new PageWaitForFunctionOptions { Timeout = 60_000 });

        // The fleet starts parked or waiting (up to 45 s at a first stop): for the picture, wait until a few drive.
        try
        {
            await page.WaitForFunctionAsync("() => Number(document.querySelector('[data-testid=count-moving]').textContent) >= 8", null, new PageWaitForFunctionOptions { Timeout = 60_000 });
        }
        catch (TimeoutException)
        {
            output.WriteLine("fewer than 8 cars were moving after a minute; the picture shows them as they are");
        }
        await page.WaitForFunctionAsync("() => window.trackerApp.map().town && window.trackerApp.map().labels > 0", null, new PageWaitForFunctionOptions { Timeout = 20_000 });

        JsonElement map = await page.EvaluateAsync<JsonElement>("() => window.trackerApp.map()");
        Assert.True(map.GetProperty("town").GetBoolean());
        Assert.InRange(map.GetProperty("streets").GetInt32(), 90, 200);
        Assert.Equal("plain", map.GetProperty("base").GetString()); // the generated town, not real tiles of another town
        string[] names = await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('.street-label span')].map(s => s.textContent)");
        Assert.Contains(names, n => n.EndsWith(" Boulevard", StringComparison.Ordinal) || n.EndsWith(" Avenue", StringComparison.Ordinal) || n.StartsWith("Ring Highway", StringComparison.Ordinal));
        output.WriteLine($"{map.GetProperty("streets").GetInt32()} streets, {names.Length} names shown: {string.Join(", ", names.Take(12))}...");

        await WebFixture.ScreenshotAsync(page, "fleet-view", fullPage: false);
        await page.Context.CloseAsync();
    }

    [FactNeeding(Part.Chromium)]
    public async Task CarHistory_PlaysBackAlongTheStreets_NamingThem()
    {
        // A car that drove the town's streets for the last 10 minutes (the fleet's own generator; this seed's drive
        // keeps to a couple of kilometres of residential streets and arterials, so the whole of it is at street zoom).
        const string Car = "car-0200";
        RoadNetwork town = RoadNetwork.Generate(RouteOptions.Default);
        var route = new RouteGenerator(town, carSeed: 4038);
        long start = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000 * 1000) - (10 * 60_000);
        var fixes = new List<Fix>();
        for (int second = 0; second < 600; second++)
        {
            RouteEpoch e = route.Next();
            if (e.Gnss.HasFix && second % 2 == 0)
            {
                fixes.Add(FixOf(start + (second * 1000L), e));
            }
        }

        using (MqttNetLink car = fixture.ConnectCar(Car))
        {
            foreach (Fix[] batch in fixes.Chunk(50))
            {
                await WebFixture.PublishAsync(car, Car, batch);
            }
        }

        // Every stored point lies on a street of the map the browser draws.
        using var http = new HttpClient { BaseAddress = fixture.Host.HttpUrl };
        string token = await LoginAsync(http);
        double[] distances = await DistancesToStreetsAsync(http, token, Car, start);
        Array.Sort(distances);
        output.WriteLine($"{distances.Length} stored fixes: median {distances[distances.Length / 2]:0.0} m, farthest {distances[^1]:0.0} m from a drawn street");
        Assert.True(distances[(int)(distances.Length * 0.99)] < 10, "the history leaves the streets drawn");

        IPage page = await fixture.LoginAsync("ops", 1280, 800);
        await page.GotoAsync(fixture.Host.HttpUrl + "#car/" + Car);
        await page.GetByTestId("car-view").WaitForAsync();
        await page.GetByTestId("fact-street").Filter(new LocatorFilterOptions { HasTextRegex = new System.Text.RegularExpressions.Regex("(Street|Avenue|Boulevard|Highway)") }).WaitForAsync(new LocatorWaitForOptions { Timeout = 15_000 });
        await page.GetByTestId("history-load").ClickAsync();
        await page.GetByTestId("history-message").Filter(new LocatorFilterOptions { HasTextRegex = new System.Text.RegularExpressions.Regex("fixes from") }).WaitForAsync(new LocatorWaitForOptions { Timeout = 15_000 });

        Assert.True((await page.EvaluateAsync<JsonElement>("() => window.trackerApp.map()")).GetProperty("labels").GetInt32() > 0, "no street names at the history's zoom");

        // Half way through the drive, playing: the readout names the street the car was on.
        await page.EvaluateAsync("() => { const s = document.querySelector('[data-testid=playback-position]'); s.value = String((Number(s.min) + Number(s.max)) / 2); s.dispatchEvent(new Event('input')); }");
        await page.GetByTestId("playback-rate").SelectOptionAsync(new SelectOptionValue { Index = 0 });
        await page.GetByTestId("play").ClickAsync();
        await page.WaitForTimeoutAsync(1500);
        string readout = await page.GetByTestId("playback-readout").InnerTextAsync();
        Assert.Matches("(Street|Avenue|Boulevard|Highway)", readout);
        output.WriteLine("playback: " + readout);
        await WebFixture.ScreenshotAsync(page, "car-history", fullPage: false);
        await page.Context.CloseAsync();
    }

    [FactNeeding(Part.Chromium)]
    public async Task OnlineTiles_FromTheConfiguredUrl_AreOffered_AndDrawnWhenChosen()
    {
        using var http = new HttpClient { BaseAddress = fixture.Host.HttpUrl };
        using HttpResponseMessage config = await http.GetAsync("/config.json");
        JsonNode settings = JsonNode.Parse(await config.Content.ReadAsStringAsync())!;
        Assert.Equal(fixture.Tiles.Template, (string?)settings["tileUrl"]);
        Assert.Equal("Test tiles", (string?)settings["tileAttribution"]);
        Assert.Contains("img-src 'self' data: " + fixture.Tiles.Origin, config.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);

        IPage page = await fixture.LoginAsync("ops", 1280, 800);
        await page.Locator(".leaflet-control-layers").WaitForAsync(new LocatorWaitForOptions { Timeout = 15_000 });
        await page.Locator(".leaflet-control-layers").HoverAsync();
        await page.GetByLabel("Online tiles").CheckAsync();

        await page.WaitForFunctionAsync("o => [...document.querySelectorAll('img.leaflet-tile')].some(i => i.src.startsWith(o) && i.complete && i.naturalWidth > 0)", fixture.Tiles.Origin, new PageWaitForFunctionOptions { Timeout = 15_000 });
        Assert.Equal("tiles", (await page.EvaluateAsync<JsonElement>("() => window.trackerApp.map()")).GetProperty("base").GetString());
        Assert.Contains(fixture.Tiles.Requests, p => p.StartsWith("/tiles/", StringComparison.Ordinal));
        Assert.Contains("Test tiles", await page.Locator(".leaflet-control-attribution").InnerTextAsync(), StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }

    private async Task<string> LoginAsync(HttpClient http)
    {
        string password = fixture.Host.Users.All.Single(u => u.User == "ops").Password;
        using HttpResponseMessage login = await http.PostAsJsonAsync("/auth/login", new { user = "ops", password });
        return (string)(await login.Content.ReadFromJsonAsync<JsonNode>())!["token"]!;
    }

    private static async Task<double[]> DistancesToStreetsAsync(HttpClient http, string token, string car, long start)
    {
        JsonNode map = JsonNode.Parse(await http.GetStringAsync("/map/town.geojson"))!;
        var segments = new List<(double, double, double, double)>();
        foreach (JsonNode? feature in map["features"]!.AsArray())
        {
            if ((string?)feature!["properties"]!["kind"] != "street")
            {
                continue;
            }

            foreach (JsonNode? line in feature["geometry"]!["coordinates"]!.AsArray())
            {
                JsonArray points = line!.AsArray();
                for (int i = 1; i < points.Count; i++)
                {
                    segments.Add(((double)points[i - 1]![0]!, (double)points[i - 1]![1]!, (double)points[i]![0]!, (double)points[i]![1]!));
                }
            }
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/cars/{car}/locations?start={start}&end={start + (20 * 60_000)}&limit=1000");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using HttpResponseMessage response = await http.SendAsync(request);
        JsonNode page = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var distances = new List<double>();
        foreach (JsonNode? fix in page["fixes"]!.AsArray())
        {
            double lat = (double)fix!["lat"]!, lon = (double)fix["lon"]!;
            distances.Add(segments.Min(s => Distance(lat, lon, s)));
        }

        Assert.NotEmpty(distances);
        return [.. distances];
    }

    private static double Distance(double lat, double lon, (double Lon0, double Lat0, double Lon1, double Lat1) s)
    {
        double mx = 111_320 * Math.Cos(lat * Math.PI / 180), my = 110_540;
        double ax = (s.Lon0 - lon) * mx, ay = (s.Lat0 - lat) * my, bx = (s.Lon1 - lon) * mx, by = (s.Lat1 - lat) * my;
        double dx = bx - ax, dy = by - ay, length2 = (dx * dx) + (dy * dy);
        double t = length2 == 0 ? 0 : Math.Clamp(-((ax * dx) + (ay * dy)) / length2, 0, 1);
        return Math.Sqrt(Math.Pow(ax + (t * dx), 2) + Math.Pow(ay + (t * dy), 2));
    }

    private static Fix FixOf(long timeMs, RouteEpoch e)
    {
        Fix f = Fix.Create(timeMs, (int)Math.Round(e.Gnss.LatitudeDeg * 1e7), (int)Math.Round(e.Gnss.LongitudeDeg * 1e7));
        f.Mode = FixMode.ThreeD;
        f.Quality = FixQuality.Autonomous;
        f.HdopX100 = (int)Math.Round(e.Gnss.Hdop * 100);
        f.Satellites = e.Gnss.Satellites;
        f.SpeedMmps = (int)Math.Round(e.Gnss.SpeedMps * 1000);
        f.CourseCdeg = double.IsNaN(e.Gnss.CourseDeg) ? 0 : (int)Math.Round(e.Gnss.CourseDeg * 100) % 36000;
        f.AltCm = (int)Math.Round(e.Gnss.AltitudeM * 100);
        return f;
    }
}
