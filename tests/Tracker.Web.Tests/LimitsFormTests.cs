using System.Text.Json;
using Microsoft.Playwright;
using Tracker.Core.Fixes;
using Tracker.HostLink;

namespace Tracker.Web.Tests;

/// <summary>Issue 16's thresholds form in Debian Chromium against the real local host: set, refused word for word, edited, cleared, and applied by Derive.</summary>
public sealed class LimitsFormTests(AlertsFixture fixture) : IClassFixture<AlertsFixture>
{
    private const string TokenScript = @"() => Object.values(sessionStorage).map(v => { try { return JSON.parse(v); } catch { return v; } })
        .map(v => (v && v.token) || v).find(v => typeof v === 'string' && v.split('.').length === 3)";

    [FactNeeding(Part.Chromium)]
    public async Task AnOperatorSetsACarsThresholds_SeesTheApisRefusalWordForWord_AndTheCarsOverspeedUsesThem()
    {
        const string Car = "car-0205";
        IPage page = await fixture.LoginAsync("ops");
        await page.GetByTestId("limits-panel").WaitForAsync();
        await page.WaitForFunctionAsync("() => window.trackerApp.alertsLive === true", null, new PageWaitForFunctionOptions { Timeout = 20_000 });
        await page.Locator("#limits-section summary").ClickAsync();
        ILocator message = page.GetByTestId("limits-message");

        // The fleet needs no id; a car does.
        Assert.False(await page.GetByTestId("limits-id").IsVisibleAsync());
        await page.GetByTestId("limits-scope").SelectOptionAsync("car");
        await page.GetByTestId("limits-id").FillAsync(Car);

        // 5 km/h is below the API's range: its reason, exactly as the API gives it.
        await page.GetByTestId("limits-overspeed").FillAsync("5");
        await page.GetByTestId("limits-save").ClickAsync();
        string expected = "The thresholds were refused: " + await RefusalAsync(page, "{\"scope\":\"car\",\"id\":\"" + Car + "\",\"overspeedKmh\":5}");
        await page.GetByTestId("limits-message").Filter(new LocatorFilterOptions { HasText = "refused" }).WaitForAsync(new LocatorWaitForOptions { Timeout = 10_000 });
        Assert.Equal(expected, await message.InnerTextAsync());
        Assert.Contains("overspeedKmh", expected, StringComparison.Ordinal);

        // Text that is no number never leaves the browser.
        await page.GetByTestId("limits-overspeed").FillAsync("fast");
        await page.GetByTestId("limits-save").ClickAsync();
        Assert.Equal("Overspeed: \"fast\" is not a number.", await message.InnerTextAsync());

        // Saved: listed, stored.
        await page.GetByTestId("limits-overspeed").FillAsync("20");
        await page.GetByTestId("limits-offline-on").FillAsync("120");
        await page.GetByTestId("limits-save").ClickAsync();
        ILocator item = page.Locator($"[data-testid=limits-item][data-id={Car}]");
        await item.WaitForAsync(new LocatorWaitForOptions { Timeout = 10_000 });
        Assert.Equal("Thresholds saved.", await message.InnerTextAsync());
        Assert.Contains("Car " + Car + ": overspeed 20 km/h, offline, ignition on 120 s", await item.InnerTextAsync(), StringComparison.Ordinal);
        JsonElement stored = (await ApiAsync(page, "/limits")).GetProperty("limits").EnumerateArray().Single(l => l.TryGetProperty("id", out JsonElement id) && id.GetString() == Car);
        Assert.Equal(20, stored.GetProperty("overspeedKmh").GetInt32());
        Assert.Equal(120, stored.GetProperty("offlineAfterIgnitionOnS").GetInt32());
        await BrowserFixture.ScreenshotAsync(page, "limits-form", fullPage: false);

        // Derive applies it: 36 km/h is an overspeed for this car (the fleet's threshold is 100 km/h).
        using (MqttNetLink car = fixture.ConnectCar(Car))
        {
            long start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 30_000;
            await BrowserFixture.PublishAsync(car, Car, Enumerable.Range(0, 25).Select(i => BrowserFixture.At(start + (i * 1000), i * 10, 10_000)).ToArray());
            ILocator alert = page.Locator($"[data-testid=alert-item][data-car={Car}][data-type=overspeed]");
            await alert.WaitForAsync(new LocatorWaitForOptions { Timeout = 20_000 });
            Assert.Contains("(limit 20 km/h)", await alert.InnerTextAsync(), StringComparison.Ordinal);
            car.Disconnect();
        }

        // Edit: the form takes the setting; an offline limit below a minute is refused with the API's words.
        await item.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Edit thresholds of Car " + Car }).ClickAsync();
        Assert.Equal("20", await page.GetByTestId("limits-overspeed").InputValueAsync());
        Assert.Equal(Car, await page.GetByTestId("limits-id").InputValueAsync());
        await page.GetByTestId("limits-offline-on").FillAsync("30");
        await page.GetByTestId("limits-save").ClickAsync();
        expected = "The thresholds were refused: " + await RefusalAsync(page, "{\"scope\":\"car\",\"id\":\"" + Car + "\",\"overspeedKmh\":20,\"offlineAfterIgnitionOnS\":30}");
        await page.GetByTestId("limits-message").Filter(new LocatorFilterOptions { HasText = "refused" }).WaitForAsync(new LocatorWaitForOptions { Timeout = 10_000 });
        Assert.Equal(expected, await message.InnerTextAsync());

        // Clear: gone from the list and from the API.
        await item.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Clear thresholds of Car " + Car }).ClickAsync();
        await item.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached, Timeout = 10_000 });
        Assert.DoesNotContain((await ApiAsync(page, "/limits")).GetProperty("limits").EnumerateArray(), l => l.TryGetProperty("id", out JsonElement id) && id.GetString() == Car);
        await page.Context.CloseAsync();
    }

    [FactNeeding(Part.Chromium)]
    public async Task ARenter_HasNoThresholdsForm()
    {
        IPage page = await fixture.LoginAsync("renter1");
        await page.WaitForFunctionAsync("() => window.trackerApp.ready === true", null, new PageWaitForFunctionOptions { Timeout = 20_000 });
        Assert.False(await page.GetByTestId("limits-panel").IsVisibleAsync());
        Assert.True(await page.EvaluateAsync<bool>("() => window.trackerApp.limits == null"));
        await page.Context.CloseAsync();
    }

    /// <summary>The detail the API itself gives for a body, asked directly.</summary>
    private static async Task<string> RefusalAsync(IPage page, string body)
    {
        string token = await page.EvaluateAsync<string>(TokenScript);
        string json = await page.EvaluateAsync<string>(
            "async ([b, t]) => await (await fetch('/limits', { method: 'PUT', body: b, headers: { Authorization: 'Bearer ' + t, 'content-type': 'application/json' } })).text()",
            new object[] { body, token });
        using JsonDocument problem = JsonDocument.Parse(json);
        return problem.RootElement.GetProperty("detail").GetString()!;
    }

    private static async Task<JsonElement> ApiAsync(IPage page, string path)
    {
        string token = await page.EvaluateAsync<string>(TokenScript);
        string json = await page.EvaluateAsync<string>("async ([p, t]) => await (await fetch(p, { headers: { Authorization: 'Bearer ' + t } })).text()", new object[] { path, token });
        return JsonDocument.Parse(json).RootElement.Clone();
    }
}
