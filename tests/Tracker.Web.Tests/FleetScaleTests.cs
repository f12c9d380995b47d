using System.Text.Json;
using Microsoft.Playwright;
using Tracker.Cloud.Core.Storage;
using Tracker.Core.Fixes;
using Tracker.HostLink;
using Xunit.Abstractions;

namespace Tracker.Web.Tests;

/// <summary>
/// Issue 19, "the browser copes": the operator's fleet view with 10,000 cars in Debian Chromium. The list is virtualised
/// (only the rows in view, and a few either side, exist), yet scrolling, the keyboard, search and the state filter reach
/// every car, screen readers are told each row's place in the whole list, and a live update changes a row in place.
/// Speed and memory are the bench's (tracker-local-benchmark --browser-fleet), not asserted here.
/// </summary>
public sealed class FleetScaleTests(FleetScaleFixture fixture, ITestOutputHelper output) : IClassFixture<FleetScaleFixture>
{
    private const string Rows = "#car-list li:not(.spacer)";

    [FactNeeding(Part.Chromium)]
    public async Task TenThousandCars_TheDomHoldsFewerThan200ListRows_EachToldItsPlaceInTheWholeList()
    {
        IPage page = await OpenAsync();

        int rows = await page.Locator(Rows).CountAsync();
        output.WriteLine($"{rows} list rows in the DOM for {FleetScaleFixture.Cars} cars");
        Assert.InRange(rows, 5, 199);
        Assert.Equal("10000 cars", await page.Locator("#search-result").TextContentAsync());
        ILocator first = page.Locator(Rows).First;
        Assert.Equal("1", await first.GetAttributeAsync("aria-posinset"));
        Assert.Equal("10000", await first.GetAttributeAsync("aria-setsize"));
        Assert.Equal(FleetScaleFixture.CarId(1), await first.Locator("button").GetAttributeAsync("data-car-id"));
        Assert.Equal(FleetScaleFixture.Cars, await page.EvaluateAsync<int>("() => window.trackerApp.carsShown()"));
        await page.Context.CloseAsync();
    }

    [FactNeeding(Part.Chromium)]
    public async Task ScrollingToTheEnd_ShowsTheLastCar_StillWithFewRows()
    {
        IPage page = await OpenAsync();

        await page.EvaluateAsync("() => { const l = document.getElementById('car-list'); l.scrollTop = l.scrollHeight; }");

        string last = FleetScaleFixture.CarId(FleetScaleFixture.Cars);
        await page.GetByTestId("car-item-" + last).WaitForAsync(new LocatorWaitForOptions { Timeout = 10_000 });
        Assert.True(await InViewAsync(page, last), "the last car's row is not inside the list's view");
        Assert.Equal("10000", await page.GetByTestId("car-item-" + last).Locator("xpath=..").GetAttributeAsync("aria-posinset"));
        Assert.Equal(0, await page.GetByTestId("car-item-" + FleetScaleFixture.CarId(1)).CountAsync());
        Assert.InRange(await page.Locator(Rows).CountAsync(), 5, 199);
        await WebFixture.ScreenshotAsync(page, "fleet-10000-end", fullPage: false);
        await page.Context.CloseAsync();
    }

    [FactNeeding(Part.Chromium)]
    public async Task KeyboardSelection_CrossesTheVirtualWindow_AndEnterOpensTheCar()
    {
        IPage page = await OpenAsync();
        await page.GetByTestId("search").FocusAsync();
        await page.Keyboard.PressAsync("Tab"); // the state filter
        await page.Keyboard.PressAsync("Tab"); // the list: its current car
        Assert.Equal(FleetScaleFixture.CarId(1), await FocusedCarAsync(page));

        for (int i = 0; i < 40; i++)
        {
            await page.Keyboard.PressAsync("ArrowDown");
        }

        // Row 41 was never rendered at first (the window holds far fewer): the arrow keys walked past the window's edge.
        Assert.Equal(FleetScaleFixture.CarId(41), await FocusedCarAsync(page));
        Assert.True(await InViewAsync(page, FleetScaleFixture.CarId(41)));
        await page.Keyboard.PressAsync("End");
        Assert.Equal(FleetScaleFixture.CarId(FleetScaleFixture.Cars), await FocusedCarAsync(page));
        Assert.True(await InViewAsync(page, FleetScaleFixture.CarId(FleetScaleFixture.Cars)));
        await page.Keyboard.PressAsync("ArrowUp");
        Assert.Equal(FleetScaleFixture.CarId(FleetScaleFixture.Cars - 1), await FocusedCarAsync(page));
        await page.Keyboard.PressAsync("Home");
        Assert.Equal(FleetScaleFixture.CarId(1), await FocusedCarAsync(page));
        await page.Keyboard.PressAsync("PageDown");
        string? paged = await FocusedCarAsync(page);
        Assert.True(string.CompareOrdinal(paged, FleetScaleFixture.CarId(2)) > 0, "Page Down moved to " + paged);

        // Scrolled away by the wheel, the focused row leaves the DOM; the arrow keys go on from it all the same.
        await page.Keyboard.PressAsync("End");
        await page.EvaluateAsync("() => { document.getElementById('car-list').scrollTop = 0; }");
        await page.WaitForFunctionAsync("() => !document.querySelector('[data-testid=\"car-item-car-10000\"]')");
        await page.Keyboard.PressAsync("ArrowUp");
        Assert.Equal(FleetScaleFixture.CarId(FleetScaleFixture.Cars - 1), await FocusedCarAsync(page));

        await page.Keyboard.PressAsync("Enter");
        await page.WaitForFunctionAsync("c => location.hash === '#car/' + c", FleetScaleFixture.CarId(FleetScaleFixture.Cars - 1));
        await page.GetByTestId("car-view").WaitForAsync();
        await page.Context.CloseAsync();
    }

    [FactNeeding(Part.Chromium)]
    public async Task SearchAndStateFilter_ShrinkTheCount_AndTheList()
    {
        IPage page = await OpenAsync();

        await page.GetByTestId("search").FillAsync("car-0099");
        await page.Locator("#search-result").Filter(new LocatorFilterOptions { HasText = "10 of 10000 cars" }).WaitForAsync(new LocatorWaitForOptions { Timeout = 5000 });
        Assert.Equal(10, await page.Locator(Rows).CountAsync());
        Assert.Equal("10", await page.Locator(Rows).First.GetAttributeAsync("aria-setsize"));

        await page.GetByTestId("search").FillAsync(string.Empty);
        await page.GetByTestId("state-filter").SelectOptionAsync("stopped");
        // Every fourth car is stopped in the store (2,500); the live test may have set one of them moving.
        string stopped = (await page.GetByTestId("count-stopped").TextContentAsync())!;
        Assert.InRange(int.Parse(stopped, System.Globalization.CultureInfo.InvariantCulture), 2499, 2500);
        await page.Locator("#search-result").Filter(new LocatorFilterOptions { HasText = stopped + " of 10000 cars are stopped" }).WaitForAsync(new LocatorWaitForOptions { Timeout = 5000 });
        Assert.Equal(stopped, await page.Locator(Rows).First.GetAttributeAsync("aria-setsize"));
        string[] shown = await page.EvaluateAsync<string[]>("r => [...document.querySelectorAll(r + ' .badge')].map(b => b.textContent)", Rows);
        Assert.All(shown, b => Assert.Equal("Stopped", b));
        Assert.Equal(FleetScaleFixture.CarId(4), await page.Locator(Rows).First.Locator("button").GetAttributeAsync("data-car-id"));

        // Both: stopped cars whose id has "car-0099" (car-00992, car-00996).
        await page.GetByTestId("search").FillAsync("car-0099");
        await page.Locator("#search-result").Filter(new LocatorFilterOptions { HasText = "2 of 10000 cars match" }).WaitForAsync(new LocatorWaitForOptions { Timeout = 5000 });
        Assert.Equal(2, await page.Locator(Rows).CountAsync());
        await page.Context.CloseAsync();
    }

    [FactNeeding(Part.Chromium)]
    public async Task LiveFix_UpdatesTheCarsRowInPlace_WithoutRebuildingTheList_AndAStateFilterFollowsIt()
    {
        string car = FleetScaleFixture.CarId(8); // stopped in the store
        IPage page = await OpenAsync();
        await page.GetByTestId("state-filter").SelectOptionAsync("stopped");
        IElementHandle row = (await page.QuerySelectorAsync("[data-testid=\"car-item-" + FleetScaleFixture.CarId(4) + "\"]"))!;
        string? before = await page.GetByTestId("car-item-" + car).Locator(".seen").TextContentAsync();

        // Fixes where the store has the car (a jump from there would be rejected by the max-speed filter).
        StoredFix latest = (await fixture.Host.Store.GetLatestAsync(car, CancellationToken.None))!;
        using MqttNetLink link = fixture.ConnectCar(car);
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000 * 1000;
        await WebFixture.PublishAsync(link, car, Near(latest, now - 5000, 0, 0), Near(latest, now, 0, 0));
        await page.WaitForFunctionAsync("([c, t]) => { const s = document.querySelector('[data-testid=\"car-item-' + c + '\"] .seen'); return s && s.textContent !== t; }", new object?[] { car, before }, new PageWaitForFunctionOptions { Timeout = 10_000 });
        Assert.True(await row.EvaluateAsync<bool>("e => e.isConnected"), "a live update rebuilt the list");

        // Now moving: it leaves the stopped list, and the count says so.
        await WebFixture.PublishAsync(link, car, Near(latest, now + 1000, 10, 10_000), Near(latest, now + 2000, 20, 10_000));
        await page.GetByTestId("car-item-" + car).WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached, Timeout = 10_000 });
        await page.Locator("#search-result").Filter(new LocatorFilterOptions { HasText = "2499 of 10000 cars are stopped" }).WaitForAsync(new LocatorWaitForOptions { Timeout = 5000 });
        await page.Context.CloseAsync();
    }

    [FactNeeding(Part.Chromium)]
    public async Task HoveringACarsMarker_NamesIt_AndClickingOpensIt()
    {
        IPage page = await OpenAsync();
        // Zoom in on one car, so that it is alone under the pointer, then click where the map draws it.
        JsonElement at = await page.EvaluateAsync<JsonElement>("c => window.trackerApp.markerPoint(c, 18)", FleetScaleFixture.CarId(5000));
        ILocator map = page.GetByTestId("map");

        // Hovering shows the car's id, as the markers' tooltips did.
        await map.HoverAsync(new LocatorHoverOptions { Position = new Position { X = (float)at.GetProperty("x").GetDouble(), Y = (float)at.GetProperty("y").GetDouble() } });
        await page.Locator(".leaflet-tooltip").Filter(new LocatorFilterOptions { HasText = FleetScaleFixture.CarId(5000) }).WaitForAsync(new LocatorWaitForOptions { Timeout = 10_000 });
        await map.ClickAsync(new LocatorClickOptions { Position = new Position { X = (float)at.GetProperty("x").GetDouble(), Y = (float)at.GetProperty("y").GetDouble() } });
        await page.WaitForFunctionAsync("c => location.hash === '#car/' + c", FleetScaleFixture.CarId(5000), new PageWaitForFunctionOptions { Timeout = 10_000 });
        await page.Context.CloseAsync();
    }

    private async Task<IPage> OpenAsync()
    {
        IPage page = await fixture.LoginAsync("ops");
        await page.WaitForFunctionAsync("n => window.trackerApp.carsShown() >= n", FleetScaleFixture.Cars, new PageWaitForFunctionOptions { Timeout = 60_000 });
        return page;
    }

    // A fix `northM` metres north of the car's stored position.
    private static Fix Near(StoredFix latest, long timeMs, int northM, int speedMmps) => BrowserFixture.FixAt(timeMs, latest.LatE7 + (northM * 90), latest.LonE7, speedMmps);

    private static Task<string?> FocusedCarAsync(IPage page) =>
        page.EvaluateAsync<string?>("() => document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.carId ?? null : null");

    private static Task<bool> InViewAsync(IPage page, string car) =>
        page.EvaluateAsync<bool>(@"c => {
            const e = document.querySelector('[data-testid=""car-item-' + c + '""]');
            if (!e) return false;
            const r = e.getBoundingClientRect(), l = document.getElementById('car-list').getBoundingClientRect();
            return r.top >= l.top - 1 && r.bottom <= l.bottom + 1; }", car);
}
