using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Tracker.Core.Fixes;
using Tracker.HostLink;

namespace Tracker.Web.Tests;

/// <summary>Issue 16 in Debian Chromium against the real local host: live alerts, toasts, acknowledgement, zones drawn on the map.</summary>
public sealed class AlertsTests(AlertsFixture fixture) : IClassFixture<AlertsFixture>
{
    private const string TokenScript = @"() => Object.values(sessionStorage).map(v => { try { return JSON.parse(v); } catch { return v; } })
        .map(v => (v && v.token) || v).find(v => typeof v === 'string' && v.split('.').length === 3)";

    [FactNeeding(Part.Chromium)]
    public async Task InjectedOverspeed_ShowsAToastAndAPanelEntry_AndAcknowledgeIsStored()
    {
        const string Car = "car-0201";
        IPage page = await OpsWithLiveAlertsAsync();
        using MqttNetLink car = fixture.ConnectCar(Car);

        // 130 km/h for 25 s against the fleet's 100 km/h: one overspeed episode.
        await BrowserFixture.PublishAsync(car, Car, Overspeed(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 30_000, 25));

        ILocator toast = page.GetByTestId("toast").Filter(new LocatorFilterOptions { HasText = Car });
        await toast.WaitForAsync(new LocatorWaitForOptions { Timeout = 20_000 });
        Assert.Contains("Overspeed", await toast.InnerTextAsync(), StringComparison.Ordinal);
        ILocator entry = page.Locator($"[data-testid=alert-item][data-car={Car}][data-type=overspeed]");
        await entry.WaitForAsync(new LocatorWaitForOptions { Timeout = 10_000 });
        Assert.Matches(new Regex("1[23]\\d km/h \\(limit 100 km/h\\)"), await entry.InnerTextAsync());
        Assert.Equal(0, await entry.GetByTestId("alert-late").CountAsync());
        await BrowserFixture.ScreenshotAsync(page, "alerts-toast", fullPage: false);

        await entry.GetByTestId("alert-acknowledge").ClickAsync();

        await entry.GetByTestId("alert-acknowledged").WaitForAsync(new LocatorWaitForOptions { Timeout = 10_000 });
        JsonElement listed = await ApiAsync(page, "/cars/" + Car + "/events?type=overspeed");
        JsonElement stored = listed.GetProperty("events").EnumerateArray().Single();
        Assert.Equal("ops", stored.GetProperty("acknowledgedBy").GetString());

        // The car's view: the event on its timeline, and in the history range beside the playback.
        await page.GotoAsync(fixture.Host.HttpUrl + "#car/" + Car);
        await page.Locator("[data-testid=car-events] [data-testid=car-event][data-type=overspeed]").WaitForAsync(new LocatorWaitForOptions { Timeout = 10_000 });
        await page.GetByTestId("history-load").ClickAsync();
        ILocator inRange = page.Locator("[data-testid=playback-events] [data-testid=car-event][data-type=overspeed]");
        await inRange.WaitForAsync(new LocatorWaitForOptions { Timeout = 15_000 });
        await inRange.GetByRole(AriaRole.Button).ClickAsync();
        await page.GetByTestId("playback-readout").Filter(new LocatorFilterOptions { HasText = "Overspeed" }).WaitForAsync(new LocatorWaitForOptions { Timeout = 5000 });
        await BrowserFixture.ScreenshotAsync(page, "car-events-playback", fullPage: false);
        car.Disconnect();
        await page.Context.CloseAsync();
    }

    [FactNeeding(Part.Chromium)]
    public async Task ABacklogAfterADeadZone_ShowsItsOverspeedMarkedLate_AtItsTrueTime()
    {
        const string Car = "car-0202";
        IPage page = await OpsWithLiveAlertsAsync();
        using MqttNetLink car = fixture.ConnectCar(Car);
        long start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - (10 * 60_000);

        await BrowserFixture.PublishAsync(car, Car, Overspeed(start, 25));

        ILocator entry = page.Locator($"[data-testid=alert-item][data-car={Car}][data-type=overspeed]");
        await entry.WaitForAsync(new LocatorWaitForOptions { Timeout = 20_000 });
        await entry.GetByTestId("alert-late").WaitForAsync(new LocatorWaitForOptions { Timeout = 5000 });
        string iso = await entry.Locator("time").GetAttributeAsync("datetime") ?? string.Empty;
        Assert.Equal(start / 1000 * 1000, DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds());
        car.Disconnect();
        await page.Context.CloseAsync();
    }

    [FactNeeding(Part.Chromium)]
    public async Task APolygonDrawnOnTheMap_IsStored_AndASelfIntersectingOne_ShowsTheRefusal()
    {
        IPage page = await OpsNearACarAsync("car-0203");
        await page.Locator("#zones-section summary").ClickAsync();
        ILocator map = page.GetByTestId("map");
        LocatorBoundingBoxResult box = (await map.BoundingBoxAsync())!;
        double cx = box.Width / 2;
        double cy = box.Height / 2;

        // A bow tie: the second edge crosses the fourth.
        await page.GetByTestId("zone-name").FillAsync("Bow tie");
        await page.GetByTestId("zone-draw-polygon").ClickAsync();
        await ClickMapAsync(map, (cx - 80, cy - 80), (cx + 80, cy + 80), (cx + 80, cy - 80), (cx - 80, cy + 80));
        await page.GetByTestId("zone-save").ClickAsync();
        ILocator message = page.GetByTestId("zone-message");
        await message.Filter(new LocatorFilterOptions { HasTextRegex = new Regex("refused") }).WaitForAsync(new LocatorWaitForOptions { Timeout = 10_000 });
        Assert.Contains("crosses itself", await message.InnerTextAsync(), StringComparison.Ordinal);
        await page.GetByTestId("zone-cancel").ClickAsync();

        await page.GetByTestId("zone-name").FillAsync("Depot square");
        await page.GetByTestId("zone-draw-polygon").ClickAsync();
        await ClickMapAsync(map, (cx - 80, cy - 80), (cx + 80, cy - 80), (cx + 80, cy + 80), (cx - 80, cy + 80));
        await page.GetByTestId("zone-save").ClickAsync();

        await page.GetByTestId("zone-item").Filter(new LocatorFilterOptions { HasText = "Depot square" }).WaitForAsync(new LocatorWaitForOptions { Timeout = 10_000 });
        JsonElement zones = await ApiAsync(page, "/zones");
        JsonElement stored = zones.GetProperty("zones").EnumerateArray().Single(z => z.GetProperty("name").GetString() == "Depot square");
        Assert.Equal(4, stored.GetProperty("polygon").GetArrayLength());
        Assert.DoesNotContain(zones.GetProperty("zones").EnumerateArray(), z => z.GetProperty("name").GetString() == "Bow tie");
        await BrowserFixture.ScreenshotAsync(page, "zone-drawn", fullPage: false);

        // Deleted through the panel: gone from the API too.
        await page.GetByTestId("zone-item").Filter(new LocatorFilterOptions { HasText = "Depot square" }).GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Delete zone Depot square" }).ClickAsync();
        await page.GetByTestId("zone-item").Filter(new LocatorFilterOptions { HasText = "Depot square" }).WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached, Timeout = 10_000 });
        Assert.DoesNotContain((await ApiAsync(page, "/zones")).GetProperty("zones").EnumerateArray(), z => z.GetProperty("name").GetString() == "Depot square");
        await page.Context.CloseAsync();
    }

    [FactNeeding(Part.Chromium)]
    public async Task ACircleDrawnOnTheMap_IsStoredWithTheRadiusDrawn()
    {
        IPage page = await OpsNearACarAsync("car-0204");
        await page.Locator("#zones-section summary").ClickAsync();
        ILocator map = page.GetByTestId("map");
        LocatorBoundingBoxResult box = (await map.BoundingBoxAsync())!;

        await page.GetByTestId("zone-name").FillAsync("Service yard");
        await page.GetByTestId("zone-draw-circle").ClickAsync();
        await ClickMapAsync(map, ((box.Width / 2) - 100, (box.Height / 2) + 60), ((box.Width / 2) - 40, (box.Height / 2) + 60));
        await page.GetByTestId("zone-save").ClickAsync();

        await page.GetByTestId("zone-item").Filter(new LocatorFilterOptions { HasText = "Service yard" }).WaitForAsync(new LocatorWaitForOptions { Timeout = 10_000 });
        JsonElement stored = (await ApiAsync(page, "/zones")).GetProperty("zones").EnumerateArray().Single(z => z.GetProperty("name").GetString() == "Service yard");
        Assert.True(stored.GetProperty("circle").GetProperty("radiusM").GetDouble() > 20);
        await page.Context.CloseAsync();
    }

    [FactNeeding(Part.Chromium)]
    public async Task ARenter_SeesNoAlerts_EvenOfTheCarTheyRent()
    {
        // renter1 rents car-0001 now (the seeded rentals).
        IPage page = await fixture.LoginAsync("renter1");
        using MqttNetLink car = fixture.ConnectCar("car-0001");

        await BrowserFixture.PublishAsync(car, "car-0001", Overspeed(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 30_000, 25));

        // The car's fixes reach the renter (so the live path works) and the overspeed does not.
        await page.WaitForFunctionAsync("() => window.trackerApp.markerLatLng('car-0001') !== null", null, new PageWaitForFunctionOptions { Timeout = 20_000 });
        await page.WaitForTimeoutAsync(3000);
        Assert.Equal(0, await page.GetByTestId("toast").CountAsync());
        Assert.False(await page.GetByTestId("alerts-panel").IsVisibleAsync());
        Assert.False(await page.GetByTestId("zones-panel").IsVisibleAsync());
        Assert.False(await page.GetByTestId("car-events").IsVisibleAsync());
        Assert.True(await page.EvaluateAsync<bool>("() => window.trackerApp.alerts == null"));
        string token = await page.EvaluateAsync<string>(TokenScript);
        int status = await page.EvaluateAsync<int>("async t => (await fetch('/events', { headers: { Authorization: 'Bearer ' + t } })).status", token);
        Assert.Equal(403, status);
        car.Disconnect();
        await page.Context.CloseAsync();
    }

    private static Fix[] Overspeed(long startMs, int seconds) =>
        Enumerable.Range(0, seconds).Select(i => BrowserFixture.At(startMs + (i * 1000), i * 36, 36_111)).ToArray();

    /// <summary>An operator's page once its live event feed is granted (an event published before is listed, not toasted).</summary>
    private async Task<IPage> OpsWithLiveAlertsAsync()
    {
        IPage page = await fixture.LoginAsync("ops");
        await page.GetByTestId("alerts-panel").WaitForAsync();
        await page.WaitForFunctionAsync("() => window.trackerApp.alertsLive === true", null, new PageWaitForFunctionOptions { Timeout = 20_000 });
        return page;
    }

    private async Task<IPage> OpsNearACarAsync(string carId)
    {
        using (MqttNetLink car = fixture.ConnectCar(carId))
        {
            await BrowserFixture.PublishAsync(car, carId, BrowserFixture.At(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 5000, 0, 0));
            car.Disconnect();
        }

        // The fleet view fits the cars it knows at zoom 14 at most: about 10 m a pixel here.
        IPage page = await fixture.LoginAsync("ops");
        await page.GetByTestId("zones-panel").WaitForAsync();
        return page;
    }

    private static async Task ClickMapAsync(ILocator map, params (double X, double Y)[] points)
    {
        foreach ((double x, double y) in points)
        {
            await map.ClickAsync(new LocatorClickOptions { Position = new Position { X = (float)x, Y = (float)y } });
            await Task.Delay(400); // apart, so two clicks are never read as a double click (which zooms)
        }
    }

    private static async Task<JsonElement> ApiAsync(IPage page, string path)
    {
        string token = await page.EvaluateAsync<string>(TokenScript);
        string json = await page.EvaluateAsync<string>("async ([p, t]) => await (await fetch(p, { headers: { Authorization: 'Bearer ' + t } })).text()", new object[] { path, token });
        return JsonDocument.Parse(json).RootElement.Clone();
    }
}
