using System.Globalization;
using System.Text.Json.Nodes;
using Tracker.Core.Fixes;
using Tracker.Core.Uplink;
using Tracker.HostLink;

namespace Tracker.Cloud.Local.Tests.Host;

/// <summary>Issue 17 in the running host: a car's drive and parking through the broker become a trip the reports API serves.</summary>
public sealed class TripsHostTests(LocalHostFixture fixture) : IClassFixture<LocalHostFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task ADriveThenAParking_IsATripTheOperatorListsAndExports()
    {
        string ops = await fixture.LoginAsync("ops");
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Fix[] drive = LocalHostFixture.Drive(60, now - 200_000, lonOffsetE7: 4_000_000);
        Fix last = drive[^1];
        Fix[] parked = Enumerable.Range(1, 15).Select(i =>
        {
            Fix f = last;
            f.TimeMs = last.TimeMs + (i * 10_000L);
            f.SpeedMmps = 0;
            return f;
        }).ToArray();

        using MqttNetLink car = fixture.CarLink("car-0022");
        Assert.Equal(LinkResult.Ok, car.Connect(new MqttConnectOptions("car-0022", 60, null, null, true)));
        foreach (byte[] batch in new[] { LocalHostFixture.Encode(drive[..30]), LocalHostFixture.Encode(drive[30..]), LocalHostFixture.Encode(parked) })
        {
            Assert.Equal(LinkResult.Ok, car.Publish("tracker/car-0022/fixes", batch, 0, batch.Length, 1, out int id));
            int acked = 0;
            Assert.True(await Poll.UntilAsync(() => car.TryTakeCompletion(out acked, out _), Wait), "timed out waiting for the PUBACK");
            Assert.Equal(id, acked);
        }

        string start = (drive[0].TimeMs - 60_000).ToString(CultureInfo.InvariantCulture);
        JsonArray? trips = null;
        long until = Environment.TickCount64 + (long)Wait.TotalMilliseconds;
        while (Environment.TickCount64 < until)
        {
            var (status, body) = await fixture.GetAsync("/cars/car-0022/trips?start=" + start, ops);
            Assert.Equal(200, status);
            trips = body!["trips"]!.AsArray();
            if (trips.Count > 0)
            {
                break;
            }

            await Task.Delay(200);
        }

        JsonNode trip = Assert.Single(trips!)!;
        Assert.Equal(drive[0].TimeMs, (long)trip["startTs"]!);
        Assert.InRange((double)trip["distanceM"]!, 580, 600);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/cars/car-0022/trips?format=gpx&start=" + start);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ops);
        using HttpResponseMessage gpx = await fixture.Http.SendAsync(request);
        Assert.Equal(200, (int)gpx.StatusCode);
        Assert.Contains("<trkpt", await gpx.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        string renter = await fixture.LoginAsync("renter1");
        var (hidden, _) = await fixture.GetAsync("/cars/car-0022/trips?start=" + start, renter);
        Assert.True(hidden is 403 or 404, "a renter without a running rental of the car sees none of its trips");
        car.Disconnect();
    }
}
