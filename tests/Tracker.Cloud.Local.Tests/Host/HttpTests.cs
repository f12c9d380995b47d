using System.Net;
using System.Text;

namespace Tracker.Cloud.Local.Tests.Host;

/// <summary>The HTTP edge: logins, the Lambda's routes behind the host's token check, health and metrics.</summary>
public sealed class HttpTests(LocalHostFixture fixture) : IClassFixture<LocalHostFixture>
{
    [Fact]
    public async Task Login_WithTheRightPassword_GivesAToken_ThatTheApiAccepts()
    {
        string token = await fixture.LoginAsync("renter1");

        var (status, body) = await fixture.GetAsync("/me", token);

        Assert.Equal(200, status);
        Assert.Equal("renter1", (string?)body!["user"]);
        Assert.Equal("car-0001", (string?)body["rentals"]![0]!["carId"]);
    }

    [Theory]
    [InlineData("{\"user\":\"ops\",\"password\":\"wrong\"}", 401)]
    [InlineData("{\"user\":\"nobody\",\"password\":\"x\"}", 401)]
    [InlineData("{\"user\":\"ops\"}", 400)]
    [InlineData("{\"user\":", 400)]
    [InlineData("garbage", 400)]
    [InlineData("[1,2,3]", 400)]
    [InlineData("{\"user\":1,\"password\":2}", 400)]
    public async Task BadLogin_IsAProblem_NotAToken(string json, int expected)
    {
        using HttpResponseMessage response = await fixture.Http.PostAsync("/auth/login", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(expected, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("token", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OversizedLogin_IsRefused()
    {
        string json = "{\"user\":\"ops\",\"password\":\"" + new string('x', 10_000) + "\"}";

        using HttpResponseMessage response = await fixture.Http.PostAsync("/auth/login", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Theory]
    [InlineData(null, 401)]
    [InlineData("not.a.token", 401)]
    [InlineData("eyJhbGciOiJub25lIn0.eyJzdWIiOiJvcHMifQ.", 401)]
    public async Task Api_WithoutAValidToken_IsUnauthenticated(string? token, int expected)
    {
        var (status, body) = await fixture.GetAsync("/cars", token);

        Assert.Equal(expected, status);
        Assert.Equal(expected, (int)body!["status"]!);
    }

    [Theory]
    [InlineData("/cars")]
    [InlineData("/cars/car-0001/location")]
    [InlineData("/me")]
    public async Task BadToken_IsAProblemAboutTheRequestItMade(string path)
    {
        var (status, body) = await fixture.GetAsync(path, "not.a.token");

        Assert.Equal(401, status);
        Assert.Equal(path, (string?)body!["instance"]);
    }

    [Theory]
    [InlineData("GET", "/no-such-page")]
    [InlineData("GET", "/api/v2/cars")]
    [InlineData("POST", "/health/extra")]
    [InlineData("DELETE", "/nothing/here")]
    public async Task UnknownRoute_IsA404Problem_NamingWhatWasAskedFor(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        using HttpResponseMessage response = await fixture.Http.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = System.Text.Json.Nodes.JsonNode.Parse(text)!;
        Assert.Equal(404, (int)body["status"]!);
        Assert.Equal(path, (string?)body["instance"]);
        Assert.Contains(method + " " + path, (string?)body["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheGeneratedTown_IsServed_AsGeoJsonStreetsWithNames()
    {
        using HttpResponseMessage response = await fixture.Http.GetAsync("/map/town.geojson");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/geo+json", response.Content.Headers.ContentType?.MediaType);
        var map = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("FeatureCollection", (string?)map["type"]);
        Assert.Contains(map["features"]!.AsArray(), f => (string?)f!["properties"]!["name"] == "Ring Highway");
    }

    [Fact]
    public async Task CarsReplayingALog_HaveNoGeneratedTown_SoThereIsNoneToServe()
    {
        using var folder = new TempFolder("tracker-replay-town-");
        string log = folder.Combine("drive.nmea");
        await File.WriteAllTextAsync(log, "$GPRMC,080000.00,A,3931.77850,N,11948.81877,W,23.326,90.00,021126,,,A*7C\r\n");
        LocalFleetHost host = await LocalFleetHost.StartAsync(
            new Tracker.Cloud.Local.Options.LocalOptions { DataDirectory = folder.Combine("d"), HttpPort = 0, MqttPort = 0, Cars = 0, ReplayPath = log, ProgressInterval = TimeSpan.Zero },
            _ => { },
            kdfIterations: 1000);
        try
        {
            using var http = new HttpClient { BaseAddress = host.HttpUrl };
            using HttpResponseMessage response = await http.GetAsync("/map/town.geojson");

            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("--replay", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task Renter_CannotSeeAnotherCar_ThroughTheApi()
    {
        string token = await fixture.LoginAsync("renter1");

        var (other, _) = await fixture.GetAsync("/cars/car-0002/location", token);
        var (history, _) = await fixture.GetAsync("/cars/car-0002/locations?start=0&end=9999999999999", token);
        var (fleet, _) = await fixture.GetAsync("/cars", token);

        Assert.Equal(404, other);
        Assert.Equal(404, history);
        Assert.Equal(403, fleet);
    }

    [Fact]
    public async Task Health_IsOk_WithEveryCheckNamed()
    {
        var (status, body) = await fixture.GetAsync("/health", null);

        Assert.Equal(200, status);
        Assert.Equal("ok", (string?)body!["status"]);
        Assert.Equal("ok", (string?)body["checks"]!["store"]);
        Assert.Equal("ok", (string?)body["checks"]!["broker"]);
    }

    [Fact]
    public async Task Metrics_ExposeThrougputRejectionsLatencyConnectionsAndQueues()
    {
        string text = await fixture.Http.GetStringAsync("/metrics");

        foreach (string name in new[]
        {
            "tracker_ingest_fixes_per_second", "tracker_ingest_rejected_fixes_total", "tracker_ingest_rejected_messages_total",
            "tracker_e2e_latency_seconds_bucket", "tracker_devices_connected", "tracker_viewers_connected",
            "tracker_ingest_queue_depth", "tracker_fleet_pending_fixes",
        })
        {
            Assert.Contains(name, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Pages_CarrySecurityHeaders()
    {
        using HttpResponseMessage response = await fixture.Http.GetAsync("/health");

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("script-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }
}
