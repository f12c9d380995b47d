using System.Text.Json;
using Microsoft.Playwright;
using Tracker.HostLink;

namespace Tracker.Web.Tests;

/// <summary>
/// The deliveries list pages on the API's cursor in Chromium against the real local host: 51 failed deliveries (one
/// overspeed told to 51 webhook subscriptions whose receiver answers 503) are listed 50 and then, on More, the 51st, each
/// once. Its own host, so the other notification tests' counts are not disturbed.
/// </summary>
public sealed class NotificationPagesTests(NotifyFixture fixture) : IClassFixture<NotifyFixture>
{
    private const string TokenScript = @"() => Object.values(sessionStorage).map(v => { try { return JSON.parse(v); } catch { return v; } })
        .map(v => (v && v.token) || v).find(v => typeof v === 'string' && v.split('.').length === 3)";

    [FactNeeding(Part.Chromium)]
    public async Task FiftyOneFailedDeliveries_AreListedFiftyThenTheRestOnMore_EachOnce()
    {
        const string Car = "car-0401";
        const int Subscriptions = 51;
        using var receiver = new LoopbackHttpServer(context =>
        {
            context.Response.StatusCode = 503;
            return Task.CompletedTask;
        });
        IPage page = await fixture.LoginAsync("ops");
        string token = await page.EvaluateAsync<string>(TokenScript);
        int[] statuses = await page.EvaluateAsync<int[]>(
            @"async ([t, url, car, n]) => Promise.all(Array.from({ length: n }, (_, i) => fetch('/subscriptions/hook-' + i, {
                method: 'PUT', headers: { Authorization: 'Bearer ' + t, 'content-type': 'application/json' },
                body: JSON.stringify({ name: 'Hook ' + i, types: ['overspeed'], cars: [car], webhook: { url, secret: '0123456789abcdef' + i } }) }).then(r => r.status)))",
            new object[] { token, receiver.Origin + "/hook", Car, Subscriptions });
        Assert.All(statuses, s => Assert.Equal(200, s));

        using (MqttNetLink car = fixture.ConnectCar(Car))
        {
            long start = fixture.MovedClock.GetUtcNow().ToUnixTimeMilliseconds() - 30_000;
            await BrowserFixture.PublishAsync(car, Car, Enumerable.Range(0, 25).Select(i => BrowserFixture.At(start + (i * 1000), i * 36, 36_111)).ToArray());
            car.Disconnect();
        }

        // The backoff passes on the host's clock until every delivery has failed its tenth attempt.
        int failed = 0;
        for (int step = 0; step < 60 && failed < Subscriptions; step++)
        {
            fixture.MovedClock.Shift += TimeSpan.FromMinutes(11);
            await Task.Delay(1200);
            failed = (await ApiAsync(page, token, "/notifications?state=failed")).GetProperty("notifications").GetArrayLength();
        }

        Assert.Equal(Subscriptions, failed);

        await page.Locator("#notify-section summary").ClickAsync();
        ILocator items = page.Locator("[data-testid=delivery-item][data-state=failed]");
        ILocator message = page.GetByTestId("notify-deliveries-message");
        await message.Filter(new LocatorFilterOptions { HasText = "50 failed deliveries, newest first; more below." }).WaitForAsync(new LocatorWaitForOptions { Timeout = 15_000 });
        Assert.Equal(50, await items.CountAsync());
        Assert.Equal("50+", await page.GetByTestId("notify-failed-count").InnerTextAsync());

        await page.GetByTestId("notify-more").ClickAsync();
        await message.Filter(new LocatorFilterOptions { HasText = "51 failed deliveries, newest first." }).WaitForAsync(new LocatorWaitForOptions { Timeout = 10_000 });
        Assert.Equal(51, await items.CountAsync());
        Assert.False(await page.GetByTestId("notify-more").IsVisibleAsync());
        IReadOnlyList<string> shown = await items.EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.subscription)");
        Assert.Equal(Enumerable.Range(0, Subscriptions).Select(i => "hook-" + i).Order(StringComparer.Ordinal), shown.Order(StringComparer.Ordinal));
        Assert.Equal("51 failed deliveries, newest first.", await page.GetByTestId("announcer").InnerTextAsync());
        await page.Context.CloseAsync();
    }

    private static async Task<JsonElement> ApiAsync(IPage page, string token, string path)
    {
        string json = await page.EvaluateAsync<string>("async ([p, t]) => await (await fetch(p, { headers: { Authorization: 'Bearer ' + t } })).text()", new object[] { path, token });
        return JsonDocument.Parse(json).RootElement.Clone();
    }
}
