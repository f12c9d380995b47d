using System.Text;
using System.Text.Json.Nodes;
using Tracker.Core.Uplink;
using Tracker.HostLink;

namespace Tracker.Cloud.Local.Tests.Host;

/// <summary>
/// The local host with <c>--store dynamodb</c> (dynalite on 127.0.0.1): the thresholds (<c>GET/PUT /limits</c>) are served
/// from the DynamoDB table <c>tracker-limits</c>, Derive applies them, and they outlive a restart.
/// </summary>
public sealed class DynamoDbHostTests(DynaliteServer dynalite) : IClassFixture<DynaliteServer>
{
    [FactNeeding(Part.Dynalite)]
    public async Task OnDynamoDb_LimitsAreServedAndApplied_BadOnesRefusedWithTheReason_AndTheyOutliveARestart()
    {
        string data = Path.Combine(Path.GetTempPath(), "tracker-local-ddb-" + Guid.NewGuid().ToString("N")[..8]);
        LocalHostFixture host = LocalHostFixture.Over(await LocalHostFixture.StartAsync(data, cars: 0, dynamoDbUrl: dynalite.ServiceUrl));
        try
        {
            string ops = await host.LoginAsync("ops");
            (int refused, string reason) = await SendAsync(host, HttpMethod.Put, "/limits", ops, "{\"scope\":\"car\",\"id\":\"car-0023\",\"overspeedKmh\":5}");
            Assert.Equal(400, refused);
            Assert.Contains("overspeedKmh", reason, StringComparison.Ordinal);
            Assert.Equal(400, (await SendAsync(host, HttpMethod.Put, "/limits", ops, "{\"scope\":\"planet\",\"id\":\"x\",\"overspeedKmh\":50}")).Status);
            Assert.Equal(400, (await SendAsync(host, HttpMethod.Put, "/limits", ops, "{\"scope\":\"car\"")).Status);
            string renter = await host.LoginAsync("renter1");
            Assert.Equal(403, (await SendAsync(host, HttpMethod.Put, "/limits", renter, "{\"scope\":\"car\",\"id\":\"car-0001\",\"overspeedKmh\":300}")).Status);
            Assert.Equal(403, (await host.GetAsync("/limits", renter)).Status);

            // car-0023's own threshold (20 km/h) makes its 36 km/h an overspeed: Derive reads the DynamoDB table.
            Assert.Equal(200, (await SendAsync(host, HttpMethod.Put, "/limits", ops, "{\"scope\":\"car\",\"id\":\"car-0023\",\"overspeedKmh\":20,\"offlineAfterIgnitionOnS\":120}")).Status);
            Assert.Equal(200, (await SendAsync(host, HttpMethod.Put, "/limits", ops, "{\"scope\":\"fleet\",\"overspeedKmh\":130}")).Status);
            var (listed, limits) = await host.GetAsync("/limits", ops);
            Assert.Equal(200, listed);
            Assert.Contains(limits!["limits"]!.AsArray(), l => (string?)l!["id"] == "car-0023" && (int)l["overspeedKmh"]! == 20 && (int)l["offlineAfterIgnitionOnS"]! == 120);
            using (MqttNetLink car = host.CarLink("car-0023"))
            {
                Assert.Equal(LinkResult.Ok, car.Connect(new MqttConnectOptions("car-0023", 60, null, null, true)));
                await DeriveTests.PublishAsync(car, "tracker/car-0023/fixes", LocalHostFixture.Encode(LocalHostFixture.Drive(40, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), lonOffsetE7: 5_000_000)));
                JsonNode? overspeed = null;
                Assert.True(await Poll.UntilAsync(async () =>
                {
                    var (_, events) = await host.GetAsync("/cars/car-0023/events?type=overspeed", ops);
                    overspeed = events?["events"]?.AsArray().SingleOrDefault();
                    return overspeed is not null;
                }, TimeSpan.FromSeconds(15)), "no overspeed event on DynamoDB");
                Assert.Equal(5556, (int)overspeed!["limitMmps"]!);
                car.Disconnect();
            }
        }
        finally
        {
            host.Http.Dispose();
            await host.Host.StopAsync();
        }

        // A second start over the same tables: the limits are there.
        host = LocalHostFixture.Over(await LocalHostFixture.StartAsync(data, cars: 0, dynamoDbUrl: dynalite.ServiceUrl));
        try
        {
            string ops = await host.LoginAsync("ops");
            var (_, limits) = await host.GetAsync("/limits", ops);
            Assert.Contains(limits!["limits"]!.AsArray(), l => (string?)l!["id"] == "car-0023" && (int)l["overspeedKmh"]! == 20);

            // A setting with no value removes it.
            Assert.Equal(200, (await SendAsync(host, HttpMethod.Put, "/limits", ops, "{\"scope\":\"car\",\"id\":\"car-0023\"}")).Status);
            var (_, after) = await host.GetAsync("/limits", ops);
            Assert.DoesNotContain(after!["limits"]!.AsArray(), l => (string?)l!["id"] == "car-0023");
            Assert.Contains(after["limits"]!.AsArray(), l => (string?)l!["scope"] == "fleet" && (int)l["overspeedKmh"]! == 130);
        }
        finally
        {
            host.Http.Dispose();
            await host.Host.StopAsync();
            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    [FactNeeding(Part.Dynalite)]
    public async Task OnDynamoDb_TripsAndDailySummaries_AreServedFromTheTripsTable_AndTheLocationShowsDerivesOdometer()
    {
        string data = Path.Combine(Path.GetTempPath(), "tracker-local-ddb-" + Guid.NewGuid().ToString("N")[..8]);
        LocalHostFixture host = LocalHostFixture.Over(await LocalHostFixture.StartAsync(data, cars: 0, dynamoDbUrl: dynalite.ServiceUrl));
        try
        {
            string ops = await host.LoginAsync("ops");
            long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

            // 59 s at 10 m/s (590 m north), then parked there for 150 s: one closed trip.
            Tracker.Core.Fixes.Fix[] drive = LocalHostFixture.Drive(60, now - 200_000, lonOffsetE7: 7_000_000);
            Tracker.Core.Fixes.Fix[] parked = Enumerable.Range(1, 15).Select(i =>
            {
                Tracker.Core.Fixes.Fix f = drive[^1];
                f.TimeMs = drive[^1].TimeMs + (i * 10_000L);
                f.SpeedMmps = 0;
                return f;
            }).ToArray();
            using (MqttNetLink car = host.CarLink("car-0031"))
            {
                Assert.Equal(LinkResult.Ok, car.Connect(new MqttConnectOptions("car-0031", 60, null, null, true)));
                await DeriveTests.PublishAsync(car, "tracker/car-0031/fixes", LocalHostFixture.Encode(drive));
                await DeriveTests.PublishAsync(car, "tracker/car-0031/fixes", LocalHostFixture.Encode(parked));
                car.Disconnect();
            }

            string from = (now - 3_600_000).ToString(System.Globalization.CultureInfo.InvariantCulture);
            JsonNode? trip = null;
            Assert.True(await Poll.UntilAsync(async () =>
            {
                var (_, trips) = await host.GetAsync("/cars/car-0031/trips?start=" + from, ops);
                trip = trips?["trips"]?.AsArray().SingleOrDefault();
                return trip is not null;
            }, TimeSpan.FromSeconds(15)), "no trip served on DynamoDB");
            Assert.InRange((double)trip!["distanceM"]!, 570, 610);

            var (dailyStatus, daily) = await host.GetAsync("/daily?start=" + from, ops);
            Assert.Equal(200, dailyStatus);
            JsonNode day = Assert.Single(daily!["days"]!.AsArray(), d => (string?)d!["carId"] == "car-0031")!;
            Assert.Equal(1, (int)day["trips"]!);

            var (locationStatus, location) = await host.GetAsync("/cars/car-0031/location", ops);
            Assert.Equal(200, locationStatus);
            Assert.InRange((long)location!["odometerM"]!, 570, 610);
        }
        finally
        {
            host.Http.Dispose();
            await host.Host.StopAsync();
            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static async Task<(int Status, string Body)> SendAsync(LocalHostFixture host, HttpMethod method, string path, string token, string json)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using HttpResponseMessage response = await host.Http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
