using System.Diagnostics;
using System.Text.Json;
using Microsoft.Playwright;
using Tracker.HostLink;
using Xunit.Abstractions;

namespace Tracker.Web.Tests;

/// <summary>The web app in Debian Chromium against the real local host.</summary>
public sealed class WebAppTests(WebFixture fixture, ITestOutputHelper output) : IClassFixture<WebFixture>
{
    [FactNeeding(Part.Chromium)]
    public async Task FleetView_Loads_AndTheSimulatedCarsAppear()
    {
        IPage page = await fixture.LoginAsync("ops");

        await page.WaitForFunctionAsync("() => window.trackerApp.carsShown() >= 3", null, new PageWaitForFunctionOptions { Timeout = 30_000 });

        Assert.True(await page.GetByTestId("fleet-list").IsVisibleAsync());
        foreach (string car in new[] { "car-0001", "car-0002", "car-0003" })
        {
            await page.GetByTestId("car-item-" + car).WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
        }

        await WebFixture.ScreenshotAsync(page, "fleet-list");
        await page.Context.CloseAsync();
    }

    [FactNeeding(Part.Chromium)]
    public async Task OfflineBasemap_IsServed_AsGeoJson()
    {
        using var http = new HttpClient { BaseAddress = fixture.Host.HttpUrl };

        using HttpResponseMessage response = await http.GetAsync("/basemap/land-50m.geojson");

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/geo+json", response.Content.Headers.ContentType?.MediaType);
    }

    [FactNeeding(Part.Chromium)]
    public async Task Search_FiltersTheFleetList()
    {
        IPage page = await fixture.LoginAsync("ops");
        await page.GetByTestId("car-item-car-0002").WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });

        await page.GetByTestId("search").FillAsync("0002");

        await page.GetByTestId("car-item-car-0001").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Hidden, Timeout = 5000 });
        Assert.True(await page.GetByTestId("car-item-car-0002").IsVisibleAsync());
        await page.Context.CloseAsync();
    }

    [FactNeeding(Part.Chromium)]
    public async Task Marker_Moves_WhenTheCarPublishesANewFix()
    {
        const string Car = "car-0100";
        using MqttNetLink car = fixture.ConnectCar(Car);
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        // 200 m in 20 s (36 km/h): a move ingest stores, so the map shows it. (It was 200 m in 2 s, 360 km/h, which
        // ingest's max-speed filter rejects; the map moved the marker all the same until it judged fixes as ingest does.)
        await WebFixture.PublishAsync(car, Car, WebFixture.At(now - 20_000, 0));
        IPage page = await fixture.LoginAsync("ops");
        await page.GotoAsync(fixture.Host.HttpUrl + "#car/" + Car);
        await page.GetByTestId("car-view").WaitForAsync();
        await page.WaitForFunctionAsync("c => window.trackerApp.markerLatLng(c) !== null", Car);
        double before = await LatitudeAsync(page, Car);

        var clock = Stopwatch.StartNew();
        await WebFixture.PublishAsync(car, Car, WebFixture.At(now, 200));
        await page.WaitForFunctionAsync("([c, lat]) => { const p = window.trackerApp.markerLatLng(c); return p && p.lat > lat + 0.001; }", new object[] { Car, before }, new PageWaitForFunctionOptions { Timeout = 10_000 });
        output.WriteLine("marker moved " + clock.ElapsedMilliseconds + " ms after the publish call returned its PUBACK");

        Assert.True(await LatitudeAsync(page, Car) > before);
        await WebFixture.ScreenshotAsync(page, "car-view-live");
        await page.Context.CloseAsync();
    }

    [FactNeeding(Part.Chromium)]
    public async Task HistoryPlayback_DrawsTheTrail_AndTheSpeedChart()
    {
        const string Car = "car-0101";
        using MqttNetLink car = fixture.ConnectCar(Car);
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var drive = Enumerable.Range(0, 60).Select(i => WebFixture.At(now - (20 * 60_000) + (i * 10_000), i * 100, 8000 + (i % 10 * 500))).ToArray();
        await WebFixture.PublishAsync(car, Car, drive);
        IPage page = await fixture.LoginAsync("ops");
        await page.GotoAsync(fixture.Host.HttpUrl + "#car/" + Car);
        await page.GetByTestId("car-view").WaitForAsync();

        await page.GetByTestId("history-load").ClickAsync();

        // The map draws on a canvas (1,000 cars stay smooth), so the trail is read from the app's own report of it.
        await page.GetByTestId("history-message").Filter(new LocatorFilterOptions { HasTextRegex = new System.Text.RegularExpressions.Regex("^60 fixes from") }).WaitForAsync(new LocatorWaitForOptions { Timeout = 15_000 });
        await page.GetByTestId("speed-chart").WaitForAsync();
        string chart = await page.GetByTestId("speed-chart").InnerHTMLAsync();
        Assert.False(string.IsNullOrWhiteSpace(chart));
        await page.GetByTestId("play").ClickAsync();
        await WebFixture.ScreenshotAsync(page, "history-playback");
        await page.Context.CloseAsync();
    }

    [FactNeeding(Part.Chromium)]
    public async Task Renter_SeesOnlyTheirCar_InTheUi_AndNotAnotherThroughTheApi()
    {
        IPage page = await fixture.LoginAsync("renter1");
        await page.WaitForFunctionAsync("() => window.trackerApp.markerLatLng('car-0001') !== null", null, new PageWaitForFunctionOptions { Timeout = 30_000 });

        Assert.Equal(1, await page.EvaluateAsync<int>("() => window.trackerApp.carsShown()"));
        Assert.Null(await page.EvaluateAsync<JsonElement?>("() => window.trackerApp.markerLatLng('car-0002')"));
        Assert.Equal(0, await page.GetByTestId("car-item-car-0002").CountAsync());

        await page.GotoAsync(fixture.Host.HttpUrl + "#car/car-0002");
        await page.WaitForTimeoutAsync(1500);
        Assert.Null(await page.EvaluateAsync<JsonElement?>("() => window.trackerApp.markerLatLng('car-0002')"));

        // The API refuses it too, with the renter's own token from the page's session.
        int status = await page.EvaluateAsync<int>(@"async () => {
            const token = Object.values(sessionStorage).map(v => { try { return JSON.parse(v); } catch { return v; } })
              .map(v => (v && v.token) || v).find(v => typeof v === 'string' && v.split('.').length === 3);
            const r = await fetch('/cars/car-0002/location', { headers: { Authorization: 'Bearer ' + token } });
            return r.status; }");
        Assert.Equal(404, status);
        await WebFixture.ScreenshotAsync(page, "renter-view");
        await page.Context.CloseAsync();
    }

    [FactNeeding(Part.Chromium)]
    public async Task PhoneSizedScreen_ShowsTheMapAndAToggleableList()
    {
        IPage page = await fixture.LoginAsync("ops", 375, 667);

        Assert.True(await page.GetByTestId("map").IsVisibleAsync());
        double width = await page.EvaluateAsync<double>("() => document.documentElement.scrollWidth");
        Assert.True(width <= 375, "the page scrolls sideways on a phone: " + width + " px wide");
        await WebFixture.ScreenshotAsync(page, "phone-fleet");
        await page.Context.CloseAsync();
    }

    [FactNeeding(Part.Chromium)]
    public async Task EveryInputHasALabel_AndTheMapHasAName()
    {
        IPage page = await fixture.LoginAsync("ops");

        string[] unlabeled = await page.EvaluateAsync<string[]>(@"() => [...document.querySelectorAll('input, select, textarea, button')]
            .filter(e => e.offsetParent !== null)
            .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby') && !(e.tagName === 'BUTTON' && e.textContent.trim()) && !e.title)
            .map(e => e.outerHTML.slice(0, 120))");
        Assert.Empty(unlabeled);
        string? mapName = await page.GetByTestId("map").GetAttributeAsync("aria-label");
        Assert.False(string.IsNullOrEmpty(mapName));
        Assert.Equal("en", await page.EvaluateAsync<string>("() => document.documentElement.lang"));
        await page.Context.CloseAsync();
    }

    private static async Task<double> LatitudeAsync(IPage page, string car) =>
        await page.EvaluateAsync<double>("c => window.trackerApp.markerLatLng(c).lat", car);
}
