using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Tracker.Cloud.Notify.Channels;
using Tracker.Core.Fixes;
using Tracker.HostLink;

namespace Tracker.Web.Tests;

/// <summary>
/// Issue 16's notifications panel in Debian Chromium against the real local host: an operator subscribes a webhook in the
/// form, a car drives over the limit, a receiver on 127.0.0.1 answers 500 to every attempt, and the panel shows the
/// delivery retrying and then failed with the sender's reason, and once the receiver is fixed Redeliver delivers it;
/// malformed subscriptions show the API's reason and create
/// nothing; an edit keeps the secret, a pause and a delete are stored; a renter has no panel.
/// </summary>
public sealed class NotificationsTests(NotifyFixture fixture) : IClassFixture<NotifyFixture>
{
    private const string TokenScript = @"() => Object.values(sessionStorage).map(v => { try { return JSON.parse(v); } catch { return v; } })
        .map(v => (v && v.token) || v).find(v => typeof v === 'string' && v.split('.').length === 3)";

    [FactNeeding(Part.Chromium)]
    public async Task AWebhookSubscribedInThePanel_ThatAnswers500_IsShownRetryingThenFailedWithItsReason_AndRedeliveredOnceFixed()
    {
        const string Car = "car-0301";
        var received = new ConcurrentQueue<(string Delivery, string Timestamp, string Signature, string Body)>();
        int answer = 500;
        using var receiver = new LoopbackHttpServer(async context =>
        {
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            received.Enqueue((context.Request.Headers["X-Tracker-Delivery"] ?? string.Empty, context.Request.Headers["X-Tracker-Timestamp"] ?? string.Empty,
                context.Request.Headers["X-Tracker-Signature"] ?? string.Empty, await reader.ReadToEndAsync()));
            context.Response.StatusCode = Volatile.Read(ref answer);
        });
        IPage page = await OpsWithPanelAsync();

        // The form: a name, one event type, a car group of one, the webhook.
        await page.GetByTestId("notify-name").FillAsync("Night desk");
        await page.GetByTestId("notify-type-overspeed").CheckAsync();
        await page.GetByTestId("notify-cars").FillAsync(Car);
        await page.GetByTestId("notify-webhook").FillAsync(receiver.Origin + "/hook");
        await page.GetByTestId("notify-save").ClickAsync();

        // Created: the secret is shown once, focused; the list and the API have the subscription, the API without the secret.
        ILocator message = page.GetByTestId("notify-message");
        await message.Filter(new LocatorFilterOptions { HasText = "created" }).WaitForAsync(new LocatorWaitForOptions { Timeout = 10_000 });
        Assert.Equal("Subscription Night desk created.", await message.InnerTextAsync());
        string secret = await page.GetByTestId("notify-secret-value").InnerTextAsync();
        Assert.Matches(new Regex("^[0-9a-f]{64}$"), secret);
        Assert.True(await page.EvaluateAsync<bool>("() => document.activeElement && document.activeElement.id === 'notify-secret'"));
        Assert.Contains("webhook secret is shown once", await page.GetByTestId("announcer").InnerTextAsync(), StringComparison.Ordinal);
        ILocator item = page.GetByTestId("notify-item").Filter(new LocatorFilterOptions { HasText = "Night desk" });
        await item.WaitForAsync(new LocatorWaitForOptions { Timeout = 10_000 });
        Assert.Contains("Overspeed, cars " + Car, await item.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("To webhook " + receiver.Origin + "/hook", await item.InnerTextAsync(), StringComparison.Ordinal);
        string listed = (await ApiAsync(page, "/subscriptions")).GetRawText();
        Assert.Contains("Night desk", listed, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, listed, StringComparison.Ordinal);
        await BrowserFixture.ScreenshotAsync(page, "notify-secret", fullPage: false);
        await page.GetByTestId("notify-secret-done").ClickAsync();
        Assert.False(await page.GetByTestId("notify-secret").IsVisibleAsync());
        Assert.Equal(string.Empty, await page.GetByTestId("notify-secret-value").InnerTextAsync());

        // 130 km/h for 25 s against the fleet's 100 km/h: the receiver gets the overspeed, signed with the secret shown, and answers 500.
        using (MqttNetLink car = fixture.ConnectCar(Car))
        {
            long start = fixture.MovedClock.GetUtcNow().ToUnixTimeMilliseconds() - 30_000;
            await BrowserFixture.PublishAsync(car, Car, Enumerable.Range(0, 25).Select(i => BrowserFixture.At(start + (i * 1000), i * 36, 36_111)).ToArray());
            car.Disconnect();
        }

        Assert.True(await Poll.UntilAsync(() => !received.IsEmpty, TimeSpan.FromSeconds(30)), "the webhook was never called");
        (string delivery, string timestamp, string signature, string body) = received.First();
        Assert.Equal(WebhookSender.Sign(secret, timestamp, body), signature);
        Assert.Contains("\"type\":\"overspeed\"", body, StringComparison.Ordinal);

        // Retrying: the pending list shows the attempt's reason and when the next one is due.
        await page.GetByTestId("notify-state").SelectOptionAsync("pending");
        ILocator pending = page.Locator($"[data-testid=delivery-item][data-state=pending][data-car={Car}]");
        await pending.WaitForAsync(new LocatorWaitForOptions { Timeout = 10_000 });
        Assert.Matches(new Regex("Retrying: \\d+ attempts? failed \\(HTTP 500 Internal Server Error\\); next attempt at "), await pending.GetByTestId("delivery-state").InnerTextAsync());
        Assert.Contains("Night desk: webhook " + receiver.Origin + "/hook", await pending.InnerTextAsync(), StringComparison.Ordinal);

        // The backoff (2 s, 4 s, ... 8.5 min) passes on the host's clock until the tenth attempt fails.
        JsonElement failed = default;
        for (int step = 0; step < 40; step++)
        {
            failed = (await ApiAsync(page, "/notifications?state=failed")).GetProperty("notifications");
            if (failed.GetArrayLength() > 0)
            {
                break;
            }

            fixture.MovedClock.Shift += TimeSpan.FromMinutes(11);
            await Task.Delay(1200);
        }

        JsonElement entry = Assert.Single(failed.EnumerateArray());
        Assert.Equal(10, entry.GetProperty("attempts").GetInt32());
        string reason = entry.GetProperty("lastError").GetString()!;
        Assert.Equal("HTTP 500 Internal Server Error", reason);
        Assert.Equal(10, received.Count(r => r.Delivery == delivery));
        Assert.All(received, r => Assert.Equal(WebhookSender.Sign(secret, r.Timestamp, r.Body), r.Signature));

        // Failed: marked, with its reason and attempts, and counted on the panel's heading.
        await page.GetByTestId("notify-state").SelectOptionAsync("failed");
        ILocator failedItem = page.Locator($"[data-testid=delivery-item][data-state=failed][data-car={Car}]");
        await failedItem.WaitForAsync(new LocatorWaitForOptions { Timeout = 10_000 });
        Assert.Equal("Failed after 10 attempts: " + reason, await failedItem.GetByTestId("delivery-state").InnerTextAsync());
        Assert.True(await failedItem.GetByTestId("delivery-failed").IsVisibleAsync());
        Assert.Equal("1", await page.GetByTestId("notify-failed-count").InnerTextAsync());
        Assert.Equal("1 failed deliveries", await page.GetByTestId("notify-failed-count").GetAttributeAsync("aria-label"));
        Assert.StartsWith("1 failed delivery, newest first", await page.GetByTestId("notify-deliveries-message").InnerTextAsync(), StringComparison.Ordinal);
        Assert.False(await page.GetByTestId("notify-more").IsVisibleAsync());
        await failedItem.ScrollIntoViewIfNeededAsync();
        await BrowserFixture.ScreenshotAsync(page, "notify-failed", fullPage: false);

        // The receiver is fixed; Redeliver sends it once more, with the same delivery id, and it is delivered.
        Volatile.Write(ref answer, 204);
        await failedItem.GetByTestId("delivery-redeliver").ClickAsync();
        await page.GetByTestId("notify-deliveries-message").Filter(new LocatorFilterOptions { HasText = "Redelivering to " + receiver.Origin + "/hook" }).WaitForAsync(new LocatorWaitForOptions { Timeout = 10_000 });
        await failedItem.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached, Timeout = 10_000 });
        Assert.True(await Poll.UntilAsync(() => received.Count == 11, TimeSpan.FromSeconds(20)), "the redelivery never came");
        await page.GetByTestId("notify-state").SelectOptionAsync("delivered");
        ILocator delivered = page.Locator($"[data-testid=delivery-item][data-state=delivered][data-car={Car}]");
        await delivered.WaitForAsync(new LocatorWaitForOptions { Timeout = 10_000 });
        Assert.Matches(new Regex("^Delivered at .+ \\(1 attempt\\)$"), await delivered.GetByTestId("delivery-state").InnerTextAsync());
        Assert.Equal(delivery, received.Last().Delivery);
        Assert.Equal(11, received.Count(r => r.Delivery == delivery));
        Assert.Equal(0, (await ApiAsync(page, "/notifications?state=failed")).GetProperty("notifications").GetArrayLength());
        await page.Context.CloseAsync();
    }

    [FactNeeding(Part.Chromium)]
    public async Task MalformedSubscriptions_ShowTheApisReasonWordForWord_AndCreateNothing()
    {
        IPage page = await OpsWithPanelAsync();
        int before = (await ApiAsync(page, "/subscriptions")).GetProperty("subscriptions").GetArrayLength();
        ILocator message = page.GetByTestId("notify-message");

        // Each: what is typed, and the body the form sends (the API's own reason for it is what must be shown).
        (string Name, string Webhook, string Email, string Body)[] cases =
        [
            ("Bad scheme", "ftp://hooks.example.com/x", string.Empty, "{\"name\":\"Bad scheme\",\"webhook\":{\"url\":\"ftp://hooks.example.com/x\",\"secret\":\"0123456789abcdef0123\"}}"),
            ("No channel", string.Empty, string.Empty, "{\"name\":\"No channel\"}"),
            ("Bad address", string.Empty, "Ops <ops@example.com>", "{\"name\":\"Bad address\",\"email\":\"Ops <ops@example.com>\"}"),
            (string.Empty, string.Empty, "ops@example.com", "{\"name\":\"\",\"email\":\"ops@example.com\"}"),
        ];
        foreach ((string name, string webhook, string email, string body) in cases)
        {
            await page.GetByTestId("notify-name").FillAsync(name);
            await page.GetByTestId("notify-webhook").FillAsync(webhook);
            await page.GetByTestId("notify-email").FillAsync(email);
            await page.GetByTestId("notify-email").PressAsync("Enter"); // the keyboard submits the form

            string expected = "The subscription was refused: " + await RefusalAsync(page, "x-" + Guid.NewGuid().ToString("N")[..6], body);
            await message.Filter(new LocatorFilterOptions { HasText = expected }).WaitForAsync(new LocatorWaitForOptions { Timeout = 10_000 });
            Assert.Equal(expected, await message.InnerTextAsync());
            Assert.Contains("error", await message.GetAttributeAsync("class") ?? string.Empty, StringComparison.Ordinal);
            Assert.Equal(expected, await page.GetByTestId("announcer").InnerTextAsync());
            Assert.False(await page.GetByTestId("notify-secret").IsVisibleAsync());
        }

        Assert.Equal(before, (await ApiAsync(page, "/subscriptions")).GetProperty("subscriptions").GetArrayLength());
        await BrowserFixture.ScreenshotAsync(page, "notify-refused", fullPage: false);
        await page.Context.CloseAsync();
    }

    [FactNeeding(Part.Chromium)]
    public async Task AnEdit_KeepsTheWebhookSecret_APauseIsStored_AndDeleteAsksTwice()
    {
        using var receiver = new LoopbackHttpServer(context =>
        {
            context.Response.StatusCode = 204;
            return Task.CompletedTask;
        });
        IPage page = await OpsWithPanelAsync();
        await page.GetByTestId("notify-name").FillAsync("Depot watch");
        await page.GetByTestId("notify-webhook").FillAsync(receiver.Origin + "/depot");
        await page.GetByTestId("notify-save").ClickAsync();
        ILocator item = page.GetByTestId("notify-item").Filter(new LocatorFilterOptions { HasText = "Depot watch" });
        await item.WaitForAsync(new LocatorWaitForOptions { Timeout = 10_000 });
        await page.GetByTestId("notify-secret-done").ClickAsync();
        string id = (await item.GetAttributeAsync("data-id"))!;
        Assert.StartsWith("depot-watch-", id, StringComparison.Ordinal);

        // Edit by keyboard: the form takes the subscription; no new secret is asked for, so none is shown and the stored one stays.
        await item.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Edit subscription Depot watch" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        Assert.Equal("Editing Depot watch", await page.GetByTestId("notify-form-title").InnerTextAsync());
        Assert.True(await page.EvaluateAsync<bool>("() => document.activeElement.id === 'notify-name'"));
        Assert.True(await page.GetByTestId("notify-new-secret").IsVisibleAsync());
        await page.GetByTestId("notify-name").FillAsync("Depot watch, towing");
        await page.GetByTestId("notify-type-towing").CheckAsync();
        await page.GetByTestId("notify-cars").FillAsync("car-0302, car-0303");
        await page.GetByTestId("notify-save").ClickAsync();
        await page.GetByTestId("notify-message").Filter(new LocatorFilterOptions { HasText = "Subscription Depot watch, towing saved." }).WaitForAsync(new LocatorWaitForOptions { Timeout = 10_000 });
        Assert.False(await page.GetByTestId("notify-secret").IsVisibleAsync());
        Assert.Equal("New subscription", await page.GetByTestId("notify-form-title").InnerTextAsync());
        JsonElement stored = Subscription(await ApiAsync(page, "/subscriptions"), id);
        Assert.Equal("Depot watch, towing", stored.GetProperty("name").GetString());
        Assert.Equal(["towing"], stored.GetProperty("types").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(["car-0302", "car-0303"], stored.GetProperty("cars").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(receiver.Origin + "/depot", stored.GetProperty("webhook").GetProperty("url").GetString());

        // Paused: tagged, stored as not enabled; resumed.
        item = page.Locator($"[data-testid=notify-item][data-id={id}]");
        await item.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Pause subscription Depot watch, towing" }).ClickAsync();
        await item.GetByTestId("notify-paused").WaitForAsync(new LocatorWaitForOptions { Timeout = 10_000 });
        Assert.False(Subscription(await ApiAsync(page, "/subscriptions"), id).GetProperty("enabled").GetBoolean());
        await item.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Resume subscription Depot watch, towing" }).ClickAsync();
        await item.GetByTestId("notify-paused").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached, Timeout = 10_000 });
        Assert.True(Subscription(await ApiAsync(page, "/subscriptions"), id).GetProperty("enabled").GetBoolean());

        // Delete: the first press asks, the second deletes.
        ILocator delete = item.GetByTestId("notify-delete");
        await delete.ClickAsync();
        Assert.Equal("Press again to delete", await delete.InnerTextAsync());
        Assert.Equal(1, (await ApiAsync(page, "/subscriptions")).GetProperty("subscriptions").EnumerateArray().Count(s => s.GetProperty("id").GetString() == id));
        await delete.ClickAsync();
        await item.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached, Timeout = 10_000 });
        Assert.DoesNotContain((await ApiAsync(page, "/subscriptions")).GetProperty("subscriptions").EnumerateArray(), s => s.GetProperty("id").GetString() == id);
        await page.Context.CloseAsync();
    }

    [FactNeeding(Part.Chromium)]
    public async Task ARenter_HasNoNotificationsPanel_AndTheApiRefusesThem()
    {
        IPage page = await fixture.LoginAsync("renter1");
        Assert.False(await page.GetByTestId("notify-panel").IsVisibleAsync());
        Assert.True(await page.EvaluateAsync<bool>("() => window.trackerApp.notify == null"));
        string token = await page.EvaluateAsync<string>(TokenScript);
        Assert.Equal(403, await page.EvaluateAsync<int>("async t => (await fetch('/subscriptions', { headers: { Authorization: 'Bearer ' + t } })).status", token));
        Assert.Equal(403, await page.EvaluateAsync<int>("async t => (await fetch('/notifications?state=failed', { headers: { Authorization: 'Bearer ' + t } })).status", token));
        await page.Context.CloseAsync();
    }

    private async Task<IPage> OpsWithPanelAsync()
    {
        IPage page = await fixture.LoginAsync("ops");
        await page.GetByTestId("notify-panel").WaitForAsync();
        await page.Locator("#notify-section summary").ClickAsync();
        await page.GetByTestId("notify-name").WaitForAsync();
        return page;
    }

    private static JsonElement Subscription(JsonElement listed, string id) =>
        listed.GetProperty("subscriptions").EnumerateArray().Single(s => s.GetProperty("id").GetString() == id);

    /// <summary>The detail the API itself gives for a body, asked directly.</summary>
    private static async Task<string> RefusalAsync(IPage page, string id, string body)
    {
        string token = await page.EvaluateAsync<string>(TokenScript);
        string json = await page.EvaluateAsync<string>(
            "async ([p, b, t]) => await (await fetch(p, { method: 'PUT', body: b, headers: { Authorization: 'Bearer ' + t, 'content-type': 'application/json' } })).text()",
            new object[] { "/subscriptions/" + id, body, token });
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
