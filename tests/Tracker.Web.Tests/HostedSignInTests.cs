using Tracker.Testing;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using System.Diagnostics;
using Tracker.Cloud.Core.Storage;
using Xunit.Abstractions;

namespace Tracker.Web.Tests;

/// <summary>
/// The sign-in and the live map as on AWS, in Debian Chromium: the hosted UI (a real OpenID Connect provider in Cognito's
/// place), OAuth 2.0 authorization code with PKCE, refresh, sign-out, and the live connection through the custom
/// authorizer (authorizer name and token in the WebSocket upgrade's query string), refused and dropped and coming back.
/// </summary>
public sealed class HostedSignInTests(HostedSignInFixture fixture, ITestOutputHelper output) : IClassFixture<HostedSignInFixture>
{
    private static readonly PageWaitForFunctionOptions Long = new() { Timeout = 30_000 };

    [FactNeeding(Part.Chromium, Part.OidcProvider)]
    public async Task SignIn_ThroughTheHostedUi_ShowsTheFleet_AndGoesLiveThroughTheAuthorizer()
    {
        IPage page = await fixture.OpenAsync();
        var sockets = new List<string>();
        page.WebSocket += (_, ws) => sockets.Add(ws.Url);
        var clock = Stopwatch.StartNew();

        await fixture.SignInAsync(page, "ops");
        output.WriteLine("sign-in, from the app's button through the hosted UI to the fleet loaded: " + clock.ElapsedMilliseconds + " ms");

        // The code and state left the address bar; the session holds an ID token and a refresh token.
        Assert.Equal(string.Empty, await page.EvaluateAsync<string>("() => location.search"));
        JsonObject session = await HostedSignInFixture.SessionAsync(page);
        Assert.Equal("oauth", (string?)session["kind"]);
        Assert.Equal("ops", (string?)session["user"]);
        Assert.False(string.IsNullOrEmpty((string?)session["refreshToken"]));
        await page.WaitForFunctionAsync("() => window.trackerApp.liveState === 'connected'", null, Long);
        await page.WaitForFunctionAsync("() => window.trackerApp.liveLog.length > 0", null, Long);
        await page.WaitForFunctionAsync("() => window.trackerApp.carsShown() >= 2", null, Long);
        string socket = Assert.Single(sockets.Distinct());
        Assert.Contains("/mqtt?x-amz-customauthorizer-name=tracker-local-live&token=" + (string?)session["token"], socket, StringComparison.Ordinal);
        await WebFixture.ScreenshotAsync(page, "hosted-sign-in-fleet");
        await page.Context.CloseAsync();
    }

    [FactNeeding(Part.Chromium, Part.OidcProvider)]
    public async Task WrongPassword_AtTheHostedUi_SignsNobodyIn()
    {
        IPage page = await fixture.OpenAsync();
        await page.GotoAsync(fixture.Host.HttpUrl.ToString());
        await page.GetByTestId("hosted-signin-button").ClickAsync();
        await page.WaitForURLAsync(url => url.StartsWith(fixture.Issuer.ToString(), StringComparison.Ordinal));

        await page.Locator("#username").FillAsync("ops");
        await page.Locator("#password").FillAsync("not-the-password");
        await page.Locator("#signin").ClickAsync();

        await page.Locator("#message").Filter(new LocatorFilterOptions { HasText = "Incorrect" }).WaitForAsync();
        Assert.StartsWith(fixture.Issuer.ToString(), page.Url, StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }

    [FactNeeding(Part.Chromium, Part.OidcProvider)]
    public async Task ForgedCallback_IsRefused_AndNothingIsExchanged()
    {
        IPage page = await fixture.OpenAsync();
        await page.GotoAsync(fixture.Host.HttpUrl + "?code=stolen-code&state=forged");

        await page.GetByTestId("hosted-message").Filter(new LocatorFilterOptions { HasText = "not started here" }).WaitForAsync();
        Assert.Equal(string.Empty, await page.EvaluateAsync<string>("() => location.search"));
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('tracker.session')"));
        await page.Context.CloseAsync();
    }

    [FactNeeding(Part.Chromium, Part.OidcProvider)]
    public async Task SignOut_RevokesTheRefreshToken_AndEndsTheHostedUiSession()
    {
        IPage page = await fixture.OpenAsync();
        await fixture.SignInAsync(page, "renter1");
        string refreshToken = (string)(await HostedSignInFixture.SessionAsync(page))["refreshToken"]!;

        // The app says "You have signed out." at once, and again on the page the hosted UI sends back: a mark on this page's
        // window tells the two apart, so nothing below reads a page that is about to be navigated away.
        await page.EvaluateAsync("() => { window.beforeSignOut = true; }");
        await page.GetByTestId("logout").ClickAsync();

        // Through the hosted UI's /logout and back to the app, which says so.
        await page.WaitForFunctionAsync("() => window.beforeSignOut === undefined && document.readyState === 'complete'", null, new PageWaitForFunctionOptions { Timeout = 15_000 });
        await page.GetByTestId("hosted-message").Filter(new LocatorFilterOptions { HasText = "You have signed out." }).WaitForAsync(new LocatorWaitForOptions { Timeout = 15_000 });
        Assert.StartsWith(fixture.Host.HttpUrl.ToString(), page.Url, StringComparison.Ordinal);
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('tracker.session')"));
        using (var http = new HttpClient())
        {
            using HttpResponseMessage refresh = await http.PostAsync(new Uri(fixture.Issuer, "/oauth2/token"), new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "refresh_token",
                ["client_id"] = HostedSignInFixture.ClientId,
                ["refresh_token"] = refreshToken,
            }));
            Assert.Equal(HttpStatusCode.BadRequest, refresh.StatusCode);
            Assert.Contains("invalid_grant", await refresh.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // The provider's own session ended too: signing in again asks for the password.
        await page.GetByTestId("hosted-signin-button").ClickAsync();
        await page.Locator("#password").WaitForAsync(new LocatorWaitForOptions { Timeout = 15_000 });
        await page.Context.CloseAsync();
    }

    [FactNeeding(Part.Chromium, Part.OidcProvider)]
    public async Task Refresh_RenewsTheTokenBeforeItEnds_AndTheApiAndLiveGoOn()
    {
        IPage page = await fixture.OpenAsync();
        await page.Clock.InstallAsync();
        await fixture.SignInAsync(page, "ops");
        await page.WaitForFunctionAsync("() => window.trackerApp.liveState === 'connected'", null, Long);
        long before = (long)(await HostedSignInFixture.SessionAsync(page))["expiresMs"]!;

        // The provider's ID tokens last an hour; the app renews 10 minutes before the end.
        await page.Clock.FastForwardAsync((long)TimeSpan.FromMinutes(51).TotalMilliseconds);

        await page.WaitForFunctionAsync("() => window.trackerApp.tokenRefreshes >= 1", null, Long);
        JsonObject after = await HostedSignInFixture.SessionAsync(page);
        // The renewed session ends an hour after the refresh, on the page's (moved) clock. (The token itself may be
        // byte-identical: the provider issued both within one second of real time, with the same claims.)
        Assert.True((long)after["expiresMs"]! >= before + (long)TimeSpan.FromMinutes(50).TotalMilliseconds);
        int status = await page.EvaluateAsync<int>(
            "async t => (await fetch('/me', { headers: { Authorization: 'Bearer ' + t } })).status", (string)after["token"]!);
        Assert.Equal(200, status);
        await page.WaitForFunctionAsync("() => window.trackerApp.liveState === 'connected'", null, Long);
        Assert.Equal("fleet", await page.EvaluateAsync<string>("() => window.trackerApp.view"));
        await page.Context.CloseAsync();
    }

    [FactNeeding(Part.Chromium, Part.OidcProvider)]
    public async Task Live_RefusedWhileTheRenterHasNoRental_ConnectsByItselfOnceOneStarts()
    {
        IPage page = await fixture.OpenAsync();
        await fixture.SignInAsync(page, "renter3");
        await page.WaitForFunctionAsync("() => window.trackerApp.liveState === 'refused'", null, Long);
        Assert.Equal("notice", await page.EvaluateAsync<string>("() => window.trackerApp.view"));

        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await fixture.Host.Rentals.PutAsync(new Rental("car-0003", "renter3", now - 60_000, now + 3_600_000), CancellationToken.None);

        // The next attempt (backoff: 1, 2, 4... s) is let in with a policy for car-0003.
        await page.WaitForFunctionAsync("() => window.trackerApp.liveState === 'connected'", null, new PageWaitForFunctionOptions { Timeout = 45_000 });
        await page.Context.CloseAsync();
    }

    [FactNeeding(Part.Chromium, Part.OidcProvider)]
    public async Task Live_DroppedByTheBroker_ComesBackByItself_AndMessagesFlowAgain()
    {
        IPage page = await fixture.OpenAsync();
        await fixture.SignInAsync(page, "ops");
        await page.WaitForFunctionAsync("() => window.trackerApp.liveState === 'connected'", null, Long);
        await page.EvaluateAsync("() => { window.__states = []; const h = window.trackerApp; let s = h.liveState; setInterval(() => { if (h.liveState !== s) { s = h.liveState; window.__states.push(s); } }, 5); }");

        var clock = Stopwatch.StartNew();
        await fixture.Host.Broker.DropViewersAsync();

        try
        {
            await page.WaitForFunctionAsync("() => window.__states.includes('reconnecting') && window.trackerApp.liveState === 'connected'", null, Long);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException("live states after the drop: " + await page.EvaluateAsync<string>("() => JSON.stringify(window.__states)"), e);
        }

        output.WriteLine("dropped to live again: " + clock.ElapsedMilliseconds + " ms");
        int seen = await page.EvaluateAsync<int>("() => window.trackerApp.liveLog.length");
        await page.WaitForFunctionAsync("n => window.trackerApp.liveLog.length > n", seen, Long);
        await page.Context.CloseAsync();
    }
}
