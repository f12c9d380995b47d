using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.Playwright;

namespace Tracker.Web.Tests;

/// <summary>Issue 17's reports in Debian Chromium against the real local host, over a drive published through its broker.</summary>
public sealed class ReportsTests(ReportsFixture fixture) : IClassFixture<ReportsFixture>
{
    private static readonly LocatorWaitForOptions Soon = new() { Timeout = 15_000 };

    [FactNeeding(Part.Chromium)]
    public async Task TheOperatorsReport_ListsTheTrips_AndChoosingOneDrawsItThenClearingReturnsToLive()
    {
        IPage page = await OpenReportsAsync("ops");

        ILocator rows = page.GetByTestId("trip-row");
        Assert.Equal(2, await rows.CountAsync());
        JsonElement first = fixture.Trips[0];
        JsonElement second = fixture.Trips[1];
        Assert.Equal(first.GetProperty("startTs").GetInt64().ToString(CultureInfo.InvariantCulture), await rows.Nth(0).GetAttributeAsync("data-start"));
        string firstText = await rows.Nth(0).InnerTextAsync();
        Assert.Contains(first.GetProperty("startLabel").GetString()!, firstText, StringComparison.Ordinal);
        Assert.Contains(FormatKm(first.GetProperty("distanceM").GetDouble()), firstText, StringComparison.Ordinal);
        Assert.Equal(0, await rows.Nth(0).GetByTestId("trip-estimated").CountAsync());
        // The dead zone's distance is bridged and marked.
        Assert.True(second.GetProperty("estimated").GetBoolean(), "the second trip's dead zone is bridged");
        Assert.Equal(1, await rows.Nth(1).GetByTestId("trip-estimated").CountAsync());
        Assert.Matches(new Regex("estimated across a gap"), await rows.Nth(1).GetByTestId("trip-estimated").GetAttributeAsync("title") ?? string.Empty);
        Assert.True(await page.GetByTestId("stop-row").CountAsync() >= 1);
        Assert.True(await page.GetByTestId("day-row").CountAsync() >= 1);
        Assert.Contains("2 trips", await page.GetByTestId("reports-message").InnerTextAsync(), StringComparison.Ordinal);

        // Chosen by click: its fixes are drawn.
        await rows.Nth(0).GetByTestId("trip-show").ClickAsync();
        await page.WaitForFunctionAsync("() => window.trackerApp.reports.drawnPoints > 0", null, new PageWaitForFunctionOptions { Timeout = 15_000 });
        JsonElement track = await ApiAsync("ops", "/cars/" + ReportsFixture.Car + "/trips/" + first.GetProperty("startTs").GetInt64().ToString(CultureInfo.InvariantCulture));
        Assert.Equal(track.GetProperty("points").GetArrayLength(), await page.EvaluateAsync<int>("() => window.trackerApp.reports.drawnPoints"));
        Assert.Equal("true", await rows.Nth(0).GetByTestId("trip-show").GetAttributeAsync("aria-pressed"));
        await BrowserFixture.ScreenshotAsync(page, "reports-trip", fullPage: false);

        // Chosen from the keyboard: the other trip replaces it.
        await rows.Nth(1).GetByTestId("trip-show").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForFunctionAsync(
            "s => window.trackerApp.reports.selectedTrip === s && window.trackerApp.reports.drawnPoints > 0",
            second.GetProperty("startTs").GetInt64(),
            new PageWaitForFunctionOptions { Timeout = 15_000 });
        Assert.Equal("false", await rows.Nth(0).GetByTestId("trip-show").GetAttributeAsync("aria-pressed"));

        await page.GetByTestId("reports-trip-clear").ClickAsync();
        Assert.Equal(0, await page.EvaluateAsync<int>("() => window.trackerApp.reports.drawnPoints"));
        Assert.False(await page.GetByTestId("reports-trip").IsVisibleAsync());
        await page.Context.CloseAsync();
    }

    [FactNeeding(Part.Chromium)]
    public async Task TripEnds_Stops_AndTheTripsMapPopups_AreNamedByTheTownsStreet_AsTheApiNamesThem()
    {
        IPage page = await OpenReportsAsync("ops");

        // The API's labeller and the map's streets agree: the drive runs along one street of the town.
        Assert.All(fixture.Trips, t => Assert.Equal(ReportsFixture.DriveStreet, t.GetProperty("startLabel").GetString()));
        Assert.All(fixture.Trips, t => Assert.Equal(ReportsFixture.DriveStreet, t.GetProperty("endLabel").GetString()));
        ILocator row = page.GetByTestId("trip-row").Nth(0);
        Assert.Equal(2, await row.Locator(".place").Filter(new LocatorFilterOptions { HasText = ReportsFixture.DriveStreet }).CountAsync());
        ILocator stops = page.GetByTestId("stop-row");
        Assert.True(await stops.CountAsync() >= 1);
        Assert.Equal(ReportsFixture.DriveStreet, await stops.Nth(0).Locator("td").Nth(0).InnerTextAsync());

        // The drawn trip's end markers open a popup with the time and the street.
        await row.GetByTestId("trip-show").ClickAsync();
        await page.WaitForFunctionAsync("() => window.trackerApp.reports.drawnPoints > 0", null, new PageWaitForFunctionOptions { Timeout = 15_000 });
        JsonElement points = await page.EvaluateAsync<JsonElement>("() => window.trackerApp.reports.endPoints()");
        LocatorBoundingBoxResult box = (await page.Locator("#map").BoundingBoxAsync())!;
        foreach ((int index, string which) in new[] { (0, "start"), (1, "end") })
        {
            await page.Mouse.ClickAsync(box.X + points[index].GetProperty("x").GetSingle(), box.Y + points[index].GetProperty("y").GetSingle());
            ILocator popup = page.GetByTestId("trip-" + which + "-popup");
            await popup.WaitForAsync(Soon);
            string text = await popup.InnerTextAsync();
            Assert.Contains(ReportsFixture.DriveStreet, text, StringComparison.Ordinal);
            Assert.StartsWith(which == "start" ? "Start " : "End ", text, StringComparison.Ordinal);
        }

        await page.Context.CloseAsync();
    }

    [FactNeeding(Part.Chromium)]
    public async Task AnOperator_ChoosesOneOfTheCarsRentals_AndSeesItsSummaryOverItsDays()
    {
        IPage page = await OpenReportsAsync("ops");
        ILocator pick = page.GetByTestId("reports-pick");
        Assert.True(await pick.IsVisibleAsync());

        // renter1's rental, found from the car's rental-started event.
        await page.WaitForFunctionAsync("() => document.getElementById('reports-pick').options.length > 1", null, new PageWaitForFunctionOptions { Timeout = 15_000 });
        string id = await pick.Locator("option").Nth(1).GetAttributeAsync("value") ?? string.Empty;
        Assert.StartsWith(ReportsFixture.Car + "/renter1/", id, StringComparison.Ordinal);
        await pick.SelectOptionAsync(id);

        ILocator rental = page.GetByTestId("reports-rental");
        await rental.WaitForAsync(Soon);
        Assert.Matches(new Regex("Trips\\s*2"), await rental.InnerTextAsync());
        long from = long.Parse(id[(id.LastIndexOf('/') + 1)..], CultureInfo.InvariantCulture);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(from).LocalDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), await page.GetByTestId("reports-from").InputValueAsync());
        Assert.Equal(2, await page.GetByTestId("trip-row").CountAsync());

        // None: back to the car's period without a rental.
        await pick.SelectOptionAsync(string.Empty);
        await rental.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Hidden, Timeout = 15_000 });
        await page.Context.CloseAsync();
    }

    [FactNeeding(Part.Chromium)]
    public async Task EachExport_DownloadsTheApisFileOfItsType_WithTheCarAndDaysInItsName()
    {
        IPage page = await OpenReportsAsync("ops");

        string csv = await DownloadAsync(page, "reports-export-trips-csv", "_trips.csv");
        Assert.StartsWith("car,start,end,start_lat,start_lon", csv, StringComparison.Ordinal);
        Assert.Equal(3, csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal("gpx", Root(await DownloadAsync(page, "reports-export-trips-gpx", "_trips.gpx"), out XElement gpx));
        Assert.Equal("1.1", gpx.Attribute("version")?.Value);
        Assert.Equal(2, gpx.Elements().Count(e => e.Name.LocalName == "trk"));
        Assert.Equal("kml", Root(await DownloadAsync(page, "reports-export-trips-kml", "_trips.kml"), out XElement kml));
        Assert.Equal("http://www.opengis.net/kml/2.2", kml.Name.NamespaceName);
        Assert.StartsWith("car,start,end,lat,lon,place,duration_s", await DownloadAsync(page, "reports-export-stops-csv", "_stops.csv"), StringComparison.Ordinal);

        // One trip, once it is chosen.
        await page.GetByTestId("trip-row").Nth(0).GetByTestId("trip-show").ClickAsync();
        await page.WaitForFunctionAsync("() => window.trackerApp.reports.drawnPoints > 0", null, new PageWaitForFunctionOptions { Timeout = 15_000 });
        Assert.Equal("gpx", Root(await DownloadAsync(page, "reports-trip-gpx", ".gpx"), out XElement one));
        Assert.Single(one.Elements(), e => e.Name.LocalName == "trk");
        Assert.Equal("kml", Root(await DownloadAsync(page, "reports-trip-kml", ".kml"), out _));
        await page.Context.CloseAsync();
    }

    [FactNeeding(Part.Chromium)]
    public async Task ARenter_SeesTheirRentalsReportAndSummary_AndAnotherCarsRefusalWordForWord()
    {
        // renter1 rents car-0001 from an hour before the host started: the drive is inside the rental.
        IPage page = await fixture.LoginAsync("renter1");
        await page.GetByTestId("car-view").WaitForAsync(Soon);
        Assert.Equal(ReportsFixture.Car, await page.GetByTestId("car-title").InnerTextAsync());
        await page.Locator("#reports-section summary").ClickAsync();
        await page.GetByTestId("trip-row").First.WaitForAsync(Soon);
        Assert.Equal(2, await page.GetByTestId("trip-row").CountAsync());
        ILocator rental = page.GetByTestId("reports-rental");
        await rental.WaitForAsync(Soon);
        Assert.Matches(new Regex("Trips\\s*2"), await rental.InnerTextAsync());
        Assert.False(await page.GetByTestId("reports-pick").IsVisibleAsync(), "a renter has no other rental to choose");
        // The period is bounded by the rental.
        Assert.NotEqual(string.Empty, await page.GetByTestId("reports-from").GetAttributeAsync("min") ?? string.Empty);
        await BrowserFixture.ScreenshotAsync(page, "reports-renter", fullPage: false);

        // The page cannot ask for another car; the API is asked anyway (the request rewritten on its way), and its
        // refusal is what the page shows.
        string token = await fixture.TokenAsync("renter1");
        using var direct = new HttpRequestMessage(HttpMethod.Get, new Uri(fixture.Host.HttpUrl, "/cars/car-0002/trips?start=0&end=1"));
        direct.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using HttpResponseMessage refused = await fixture.Http.SendAsync(direct);
        // 404 rather than 403: the access policy does not tell a renter whether another car exists.
        Assert.True((int)refused.StatusCode is 403 or 404, "a renter is refused another car's trips, got " + (int)refused.StatusCode);
        string detail = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString()!;
        await page.RouteAsync(new Regex("/cars/car-0001/trips\\?"), route => route.ContinueAsync(new RouteContinueOptions { Url = route.Request.Url.Replace("/cars/car-0001/", "/cars/car-0002/", StringComparison.Ordinal) }));
        await page.GetByTestId("reports-load").ClickAsync();
        ILocator message = page.GetByTestId("reports-message");
        await message.Filter(new LocatorFilterOptions { HasText = "could not be loaded" }).WaitForAsync(Soon);
        Assert.Equal("Trips could not be loaded: " + detail, await message.InnerTextAsync());
        Assert.Equal(0, await page.GetByTestId("trip-row").Locator("visible=true").CountAsync());
        await page.Context.CloseAsync();
    }

    [FactNeeding(Part.Chromium)]
    public async Task AnApiRefusal_OfTheDailySummary_IsShownWordForWord_BesideTheTrips()
    {
        IPage page = await OpenReportsAsync("ops");
        // A period longer than the daily summary allows: the trips still list, the summary's refusal is shown.
        DateTime to = DateTime.Today;
        DateTime from = to.AddDays(-120);
        string token = await fixture.TokenAsync("ops");
        long start = new DateTimeOffset(from).ToUnixTimeMilliseconds();
        long end = new DateTimeOffset(to.AddDays(1)).ToUnixTimeMilliseconds();
        using var direct = new HttpRequestMessage(HttpMethod.Get, new Uri(fixture.Host.HttpUrl, FormattableString.Invariant($"/cars/{ReportsFixture.Car}/daily?start={start}&end={end}")));
        direct.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using HttpResponseMessage refused = await fixture.Http.SendAsync(direct);
        Assert.Equal(400, (int)refused.StatusCode);
        string detail = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString()!;

        await page.GetByTestId("reports-from").FillAsync(from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await page.GetByTestId("reports-to").FillAsync(to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await page.GetByTestId("reports-load").ClickAsync();
        ILocator message = page.GetByTestId("reports-message");
        await message.Filter(new LocatorFilterOptions { HasText = "daily summary could not be loaded" }).WaitForAsync(Soon);
        Assert.Contains("The daily summary could not be loaded: " + detail, await message.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(2, await page.GetByTestId("trip-row").CountAsync());
        await page.Context.CloseAsync();
    }

    [FactNeeding(Part.Chromium)]
    public async Task MoreTrips_FollowsTheApisCursor_UntilTheLastPage()
    {
        IPage page = await OpenReportsAsync("ops");
        // Pages of one trip (the page asks for 50): the real API pages the two trips with its cursor.
        await page.RouteAsync(new Regex("/cars/car-0001/trips\\?.*limit=50"), route => route.ContinueAsync(new RouteContinueOptions { Url = route.Request.Url.Replace("limit=50", "limit=1", StringComparison.Ordinal) }));
        await page.GetByTestId("reports-load").ClickAsync();
        await page.GetByTestId("reports-message").Filter(new LocatorFilterOptions { HasText = "1+ trips from" }).WaitForAsync(Soon);
        Assert.Equal(1, await page.GetByTestId("trip-row").CountAsync());
        ILocator more = page.GetByTestId("reports-trips-more");
        Assert.True(await more.IsVisibleAsync());

        await more.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.GetByTestId("trip-row").Nth(1).WaitForAsync(Soon);
        Assert.Equal(
            fixture.Trips.Select(t => t.GetProperty("startTs").GetInt64().ToString(CultureInfo.InvariantCulture)).ToArray(),
            await page.GetByTestId("trip-row").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.start)"));
        await more.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Hidden, Timeout = 5000 });
        await page.Context.CloseAsync();
    }

    [FactNeeding(Part.Chromium)]
    public async Task ATruncatedOrMisshapenTripsBody_IsAClearMessage_WithNoRowsInvented()
    {
        IPage page = await OpenReportsAsync("ops");
        ILocator message = page.GetByTestId("reports-message");

        // A period without driving: the empty states.
        string day = DateTime.Today.AddDays(-10).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await page.GetByTestId("reports-from").FillAsync(day);
        await page.GetByTestId("reports-to").FillAsync(day);
        await page.GetByTestId("reports-load").ClickAsync();
        await message.Filter(new LocatorFilterOptions { HasText = "0 trips from " + day }).WaitForAsync(Soon);
        Assert.Equal("No trips in this period.", await page.GetByTestId("reports-trips").GetByTestId("reports-empty").InnerTextAsync());
        Assert.Equal("No driving in this period.", await page.GetByTestId("reports-daily").GetByTestId("reports-empty").InnerTextAsync());

        // Cut off mid-row, as a dropped connection leaves it.
        await page.RouteAsync(new Regex("/cars/car-0001/trips\\?"), route => route.FulfillAsync(new RouteFulfillOptions { Status = 200, ContentType = "application/json", Body = "{\"trips\":[{\"carId\":\"car-0001\",\"startTs\":17" }));
        await page.GetByTestId("reports-load").ClickAsync();
        await message.Filter(new LocatorFilterOptions { HasText = "could not be loaded" }).WaitForAsync(Soon);
        Assert.Equal("Trips could not be loaded: The server sent a response that is not JSON", await message.InnerTextAsync());
        Assert.Equal(0, await page.GetByTestId("trip-row").Locator("visible=true").CountAsync());

        // JSON, but not a trips page.
        await page.UnrouteAllAsync();
        await page.RouteAsync(new Regex("/cars/car-0001/trips\\?"), route => route.FulfillAsync(new RouteFulfillOptions { Status = 200, ContentType = "application/json", Body = "{\"stops\":[],\"nextCursor\":null}" }));
        await page.GetByTestId("reports-load").ClickAsync();
        await message.Filter(new LocatorFilterOptions { HasText = "could not be read" }).WaitForAsync(Soon);
        Assert.Contains("Trips could not be read: The server's answer has no trips list.", await message.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await page.GetByTestId("trip-row").CountAsync());
        await page.Context.CloseAsync();
    }

    /// <summary>An operator's page on the car, its reports open for the days from yesterday to today (the drive may cross midnight).</summary>
    private async Task<IPage> OpenReportsAsync(string user)
    {
        IPage page = await fixture.LoginAsync(user, width: 1440, height: 900);
        await page.GotoAsync(fixture.Host.HttpUrl + "#car/" + ReportsFixture.Car);
        await page.GetByTestId("car-view").WaitForAsync(Soon);
        await page.Locator("#reports-section summary").ClickAsync();
        await page.GetByTestId("reports-message").Filter(new LocatorFilterOptions { HasTextRegex = new Regex("trips? from") }).WaitForAsync(Soon);
        DateTime day = DateTimeOffset.FromUnixTimeMilliseconds(fixture.FirstTripMs).LocalDateTime.Date;
        await page.GetByTestId("reports-from").FillAsync(day.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await page.GetByTestId("reports-to").FillAsync(DateTime.Today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await page.GetByTestId("reports-load").ClickAsync();
        await page.GetByTestId("trip-row").Nth(1).WaitForAsync(Soon);
        return page;
    }

    private async Task<JsonElement> ApiAsync(string user, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(fixture.Host.HttpUrl, path));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", await fixture.TokenAsync(user));
        using HttpResponseMessage response = await fixture.Http.SendAsync(request);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static async Task<string> DownloadAsync(IPage page, string testId, string nameEnd)
    {
        IDownload download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId(testId).ClickAsync());
        Assert.StartsWith(ReportsFixture.Car + "_", download.SuggestedFilename, StringComparison.Ordinal);
        Assert.EndsWith(nameEnd, download.SuggestedFilename, StringComparison.Ordinal);
        string text = await File.ReadAllTextAsync((await download.PathAsync())!);
        Assert.NotEmpty(text);
        return text;
    }

    private static string Root(string xml, out XElement root)
    {
        root = XDocument.Parse(xml).Root!;
        return root.Name.LocalName;
    }

    private static string FormatKm(double metres) =>
        metres < 1000 ? Math.Round(metres).ToString(CultureInfo.InvariantCulture) + " m" : (metres / 1000).ToString("0.00", CultureInfo.InvariantCulture) + " km";
}
