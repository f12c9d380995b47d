using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Tracker.Cloud.Local.Updates;
using Tracker.Cloud.Testing;
using Tracker.Provisioning.Bundles;
using Tracker.Provisioning.Pki;
using Tracker.Simulation.Car;

namespace Tracker.Web.Tests;

/// <summary>
/// Issue 18's Remote config and Updates panels in Debian Chromium against the real local host, with parked simulated cars
/// running the firmware's Control stage and IoT Jobs agent on its broker: an operator saves a group's cars and changes
/// its config, and sees each car apply it; the car's refusal (the loader's reason) and the API's refusal are shown word
/// for word, and a refused change writes nothing; an operator starts a rollout of a signed image to a group and sees
/// every car reach the new version, pauses, resumes and cancels another; a renter sees neither panel and the API
/// refuses them.
/// </summary>
public sealed class FleetControlTests(FleetControlFixture fixture) : IClassFixture<FleetControlFixture>
{
    private const string TokenScript = @"() => Object.values(sessionStorage).map(v => { try { return JSON.parse(v); } catch { return v; } })
        .map(v => (v && v.token) || v).find(v => typeof v === 'string' && v.split('.').length === 3)";

    private static readonly LocatorWaitForOptions Patience = new() { Timeout = 30_000 };

    [FactNeeding(Part.Chromium)]
    public async Task AGroupsConfigChangedInThePanel_IsAppliedByItsCars_AndBothRefusalsAreShownWordForWord()
    {
        await using ParkedCar a = StartConfigCar("car-0501");
        await using ParkedCar b = StartConfigCar("car-0502");
        IPage page = await OpsWithPanelAsync("config-section", "config-scope");

        // The group's cars, saved from the panel.
        await page.GetByTestId("config-scope").SelectOptionAsync("group");
        await page.GetByTestId("config-target").FillAsync("depot-a");
        await page.GetByTestId("config-group-cars").FillAsync("car-0501, car-0502");
        await page.GetByTestId("config-group-save").ClickAsync();
        ILocator message = page.GetByTestId("config-message");
        await message.Filter(new LocatorFilterOptions { HasText = "saved" }).WaitForAsync(Patience);
        Assert.Equal("Group depot-a saved: 2 cars.", await message.InnerTextAsync());
        Assert.Equal(2, await page.GetByTestId("config-car").CountAsync());

        // A change of the uplink and the report policy, typed in and saved by keyboard: each car applies it.
        await page.GetByTestId("config-field-uplink.normalPeriodS").FillAsync("600");
        await page.GetByTestId("config-field-report.moving.minPeriodS").FillAsync("10");
        await page.GetByTestId("config-field-report.moving.minPeriodS").PressAsync("Enter");
        await message.Filter(new LocatorFilterOptions { HasText = "Saved" }).WaitForAsync(Patience);
        Assert.Equal("Saved report.moving.minPeriodS, uplink.normalPeriodS for group depot-a: the cars apply it when connected.", await message.InnerTextAsync());
        foreach (string car in new[] { "car-0501", "car-0502" })
        {
            ILocator row = page.Locator($"[data-testid=config-car][data-car={car}] tr[data-key='uplink.normalPeriodS']");
            await row.GetByTestId("config-applied-value").Filter(new LocatorFilterOptions { HasText = "600" }).WaitForAsync(Patience);
            Assert.Equal("600", await row.GetByTestId("config-desired").InnerTextAsync());
            Assert.StartsWith("Applied config version ", await page.Locator($"[data-testid=config-car][data-car={car}]").GetByTestId("config-applied").InnerTextAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(600_000, a.Sim.Remote!.Result.Config!.Uplink.NormalPeriodMs);
        Assert.Equal(10, b.Sim.Remote!.Result.Config!.Report.MovingMinPeriodS);
        Assert.Equal(string.Empty, await page.GetByTestId("config-field-uplink.normalPeriodS").InputValueAsync()); // the form is empty again
        await BrowserFixture.ScreenshotAsync(page, "config-applied", fullPage: false);

        // A change the loader refuses (the live period may not exceed the normal one): its reason as the car reported it.
        await page.GetByTestId("config-field-uplink.livePeriodS").FillAsync("900");
        await page.GetByTestId("config-save").ClickAsync();
        ILocator refused = page.Locator("[data-testid=config-car][data-car=car-0501]").GetByTestId("config-refused");
        await refused.WaitForAsync(Patience);
        JsonNode view = (await FetchAsync(page, HttpMethod.Get, "/cars/car-0501/config")).Body!;
        JsonNode reason = view["refused"]!;
        Assert.Equal("Inconsistent", (string)reason["code"]!);
        // The version is the delta's the car refused: the panel's read may be an earlier one than this, so it is any number.
        Assert.Matches(
            "^The car refused version \\d+: " + Regex.Escape("Inconsistent (uplink.livePeriodS)" + (reason["msg"] is JsonNode msg ? ": " + (string)msg! : string.Empty)) + "$",
            await refused.InnerTextAsync());
        Assert.Equal(600_000, a.Sim.Remote!.Result.Config!.Uplink.NormalPeriodMs); // the car runs on its old config

        // A change the API refuses: its problem's detail word for word, and no car's shadow is written.
        string before = view["desired"]!.ToJsonString();
        await page.GetByTestId("config-field-uplink.normalPeriodS").FillAsync("ten minutes");
        await page.GetByTestId("config-save").ClickAsync();
        await message.Filter(new LocatorFilterOptions { HasText = "refused" }).WaitForAsync(Patience);
        (int status, JsonNode? problem) = await FetchAsync(page, HttpMethod.Put, "/groups/depot-a/config", "{\"cfg\":{\"uplink.normalPeriodS\":\"ten minutes\"}}");
        Assert.Equal(422, status);
        Assert.Equal("The config change was refused: " + (string)problem!["detail"]!, await message.InnerTextAsync());
        Assert.True(await message.EvaluateAsync<bool>("e => e.classList.contains('error')"));
        Assert.Equal(before, (await FetchAsync(page, HttpMethod.Get, "/cars/car-0501/config")).Body!["desired"]!.ToJsonString());
        Assert.Equal(600, (int)(await FetchAsync(page, HttpMethod.Get, "/cars/car-0502/config")).Body!["desired"]!["uplink.normalPeriodS"]!);
        await page.Context.CloseAsync();
    }

    [FactNeeding(Part.Chromium)]
    public async Task ARolloutStartedInThePanel_TakesEveryCarOfTheGroupToTheNewVersion()
    {
        await using ParkedCar a = StartUpdateCar("car-0511");
        await using ParkedCar b = StartUpdateCar("car-0512");
        IPage page = await OpsWithPanelAsync("rollouts-section", "rollout-group");
        await UploadAsync(page, "3.0.0");
        Assert.Equal(200, (await FetchAsync(page, HttpMethod.Put, "/groups/fleet-a", "{\"cars\":[\"car-0511\",\"car-0512\"]}")).Status);

        // The image listed; a refused rollout shows the API's reason word for word and starts nothing.
        int rolloutsBefore = (await FetchAsync(page, HttpMethod.Get, "/rollouts")).Body!["rollouts"]!.AsArray().Count;
        await StartInPanelAsync(page, "fleet-a", "3.0.0", "0");
        ILocator message = page.GetByTestId("rollouts-message");
        await message.Filter(new LocatorFilterOptions { HasText = "refused" }).WaitForAsync(Patience);
        (int status, JsonNode? problem) = await FetchAsync(page, HttpMethod.Post, "/groups/fleet-a/rollouts", "{\"version\":\"3.0.0\",\"ratePerMinute\":0}");
        Assert.Equal(422, status);
        Assert.Equal("The rollout was refused: " + (string)problem!["detail"]!, await message.InnerTextAsync());
        Assert.Equal(rolloutsBefore, (await FetchAsync(page, HttpMethod.Get, "/rollouts")).Body!["rollouts"]!.AsArray().Count);

        // Started: the panel follows it to completed, each car SUCCEEDED and running 3.0.0.
        await page.GetByTestId("rollout-rate").FillAsync("600");
        await page.GetByTestId("rollout-abort-percent").FillAsync("50");
        await page.GetByTestId("rollout-abort-min").FillAsync("1");
        await page.GetByTestId("rollout-start").ClickAsync();
        await message.Filter(new LocatorFilterOptions { HasText = "started" }).WaitForAsync(Patience);
        Assert.Equal("Rollout of 3.0.0 to group fleet-a started.", await message.InnerTextAsync());
        ILocator detail = page.GetByTestId("rollout-detail");
        await page.Locator("[data-testid=rollout-detail][data-state=completed]").WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
        Assert.Contains("50 % failed of at least 1", await page.GetByTestId("rollout-detail-summary").InnerTextAsync(), StringComparison.Ordinal);
        foreach (string car in new[] { "car-0511", "car-0512" })
        {
            ILocator item = detail.Locator($"[data-testid=rollout-car][data-car={car}]");
            Assert.Equal("SUCCEEDED", await item.GetAttributeAsync("data-state"));
            Assert.Equal("Succeeded", await item.GetByTestId("rollout-car-state").InnerTextAsync());
            await item.GetByTestId("rollout-car-version").Filter(new LocatorFilterOptions { HasText = "runs 3.0.0" }).WaitForAsync(Patience);
        }

        Assert.Equal("3.0.0", a.Sim.RunningVersion);
        Assert.Equal("3.0.0", b.Sim.RunningVersion);
        Assert.Equal(0, await detail.GetByTestId("rollout-actions").Locator("button").CountAsync()); // a completed rollout has nothing to steer
        await page.Locator("[data-testid=rollout-item] [data-testid=rollout-state]", new PageLocatorOptions { HasText = "completed" }).WaitForAsync(Patience);
        await BrowserFixture.ScreenshotAsync(page, "rollout-completed", fullPage: false);
        await page.Context.CloseAsync();
    }

    [FactNeeding(Part.Chromium)]
    public async Task PauseResumeAndCancel_FromThePanel_SteerTheRollout()
    {
        string[] cars = ["car-0521", "car-0522", "car-0523"];
        foreach (string car in cars)
        {
            fixture.Host.Pki.EnsureCar(car, fixture.Host.MqttPort); // provisioned, never connected: their jobs wait for them
        }

        IPage page = await OpsWithPanelAsync("rollouts-section", "rollout-group");
        await UploadAsync(page, "3.1.0");
        Assert.Equal(200, (await FetchAsync(page, HttpMethod.Put, "/groups/fleet-b", "{\"cars\":[\"car-0521\",\"car-0522\",\"car-0523\"]}")).Status);
        await StartInPanelAsync(page, "fleet-b", "3.1.0", "1");
        ILocator detail = page.Locator("[data-testid=rollout-detail][data-state=running]");
        await detail.WaitForAsync(Patience);
        await page.Locator("[data-testid=rollout-car][data-state=QUEUED]").WaitForAsync(Patience); // the first car at once, then one a minute
        Assert.Equal("Queued", await page.Locator("[data-testid=rollout-car][data-state=QUEUED]").GetByTestId("rollout-car-state").InnerTextAsync());
        Assert.Equal(2, await page.Locator("[data-testid=rollout-car][data-state=PENDING]").CountAsync());

        // Pause, by keyboard: held; the actions are now Resume and Cancel.
        await page.GetByTestId("rollout-pause").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.Locator("[data-testid=rollout-detail][data-state=paused]").WaitForAsync(Patience);
        Assert.Equal("paused", (string)(await FetchAsync(page, HttpMethod.Get, "/rollouts")).Body!["rollouts"]![0]!["state"]!);
        Assert.True(await page.GetByTestId("rollout-resume").IsVisibleAsync());
        Assert.False(await page.GetByTestId("rollout-pause").IsVisibleAsync());

        await page.GetByTestId("rollout-resume").ClickAsync();
        await page.Locator("[data-testid=rollout-detail][data-state=running]").WaitForAsync(Patience);

        // Cancel asks once more, then cancels: the queued car's job is canceled, the rest never released.
        ILocator cancel = page.GetByTestId("rollout-cancel");
        await cancel.ClickAsync();
        Assert.Equal("Press again to cancel", await cancel.InnerTextAsync());
        Assert.Equal("running", (string)(await FetchAsync(page, HttpMethod.Get, "/rollouts")).Body!["rollouts"]![0]!["state"]!);
        await cancel.ClickAsync();
        await page.Locator("[data-testid=rollout-detail][data-state=canceled]").WaitForAsync(Patience);
        Assert.Equal("Rollout of 3.1.0 to group fleet-b canceled.", await page.GetByTestId("rollouts-message").InnerTextAsync());
        foreach (ILocator item in await page.GetByTestId("rollout-car").AllAsync())
        {
            Assert.Contains(await item.GetAttributeAsync("data-state"), new[] { "PENDING", "CANCELED" });
        }

        await page.Locator("[data-testid=rollout-car][data-state=CANCELED]").GetByTestId("rollout-car-state").Filter(new LocatorFilterOptions { HasText = "Canceled" }).WaitForAsync(Patience);
        Assert.Equal(0, await page.GetByTestId("rollout-actions").Locator("button").CountAsync());
        await page.Context.CloseAsync();
    }

    [FactNeeding(Part.Chromium)]
    public async Task ARenter_SeesNeitherPanel_AndTheApiRefusesThem()
    {
        IPage page = await fixture.LoginAsync("renter1");
        Assert.False(await page.GetByTestId("config-panel").IsVisibleAsync());
        Assert.False(await page.GetByTestId("rollouts-panel").IsVisibleAsync());
        Assert.True(await page.EvaluateAsync<bool>("() => window.trackerApp.remoteConfig == null && window.trackerApp.rollouts == null"));
        foreach (string path in new[] { "/groups", "/rollouts", "/updates/images", "/cars/car-0001/config", "/cars/car-0001/update" })
        {
            Assert.Equal(403, (await FetchAsync(page, HttpMethod.Get, path)).Status);
        }

        Assert.Equal(403, (await FetchAsync(page, HttpMethod.Put, "/groups/g/config", "{\"cfg\":{\"uplink.normalPeriodS\":600}}")).Status);
        await page.Context.CloseAsync();
    }

    private ParkedCar StartConfigCar(string carId)
    {
        DeviceBundle bundle = fixture.Host.Pki.EnsureCar(carId, fixture.Host.MqttPort);
        return ParkedCar.Start(carId, fixture.CarLink(carId), File.ReadAllText(bundle.PathOf(BundleFiles.Config)));
    }

    private ParkedCar StartUpdateCar(string carId)
    {
        fixture.Host.Pki.EnsureCar(carId, fixture.Host.MqttPort);
        byte[] key = CodeSigning.ReadPublicKey(fixture.Host.Pki.FleetCa.Directory)!;
        var transport = new HttpUpdateTransport(fixture.Host.Pki.EndpointCa, TimeSpan.FromSeconds(10));
        return ParkedCar.Start(carId, fixture.CarLink(carId), updates: app => new SimulatedUpdates { Directory = app, CodeSigningKey = key, Transport = transport });
    }

    private async Task<IPage> OpsWithPanelAsync(string section, string field)
    {
        IPage page = await fixture.LoginAsync("ops", height: 1000);
        await page.Locator($"#{section} summary").ClickAsync();
        await page.GetByTestId(field).WaitForAsync();
        return page;
    }

    /// <summary>Fills the Start a rollout form once the image is listed, and starts it.</summary>
    private static async Task StartInPanelAsync(IPage page, string group, string version, string rate)
    {
        await page.GetByTestId("rollouts-refresh").ClickAsync();
        await page.Locator($"[data-testid=rollout-image][data-version='{version}']").WaitForAsync(Patience);
        await page.GetByTestId("rollout-group").FillAsync(group);
        await page.GetByTestId("rollout-version").SelectOptionAsync(version);
        await page.GetByTestId("rollout-rate").FillAsync(rate);
        await page.GetByTestId("rollout-start").ClickAsync();
    }

    /// <summary>A 100 KiB update image (manifest and fake .pe assemblies) signed with the fleet's key by the provisioning tool's code, uploaded through the API.</summary>
    private async Task UploadAsync(IPage page, string version)
    {
        byte[] image = UpdateImages.Pack(version, 100 * 1024);
        ImageSignature signature = CodeSigning.Sign(fixture.Host.Pki.FleetCa.Directory, FleetControlFixture.SigningPassphrase, image, version);
        string body = new JsonObject { ["image"] = Convert.ToBase64String(image), ["signature"] = JsonNode.Parse(signature.ToJobJson()) }.ToJsonString();
        (int status, JsonNode? answer) = await FetchAsync(page, HttpMethod.Post, "/updates/images", body);
        Assert.True(status == 201, answer?.ToJsonString());
    }

    /// <summary>The API asked directly with the page's own token: the status and the JSON answer.</summary>
    private async Task<(int Status, JsonNode? Body)> FetchAsync(IPage page, HttpMethod method, string path, string? json = null)
    {
        string token = await page.EvaluateAsync<string>(TokenScript);
        using var http = new HttpClient { BaseAddress = fixture.Host.HttpUrl };
        using var request = new HttpRequestMessage(method, path) { Content = json is null ? null : new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using HttpResponseMessage response = await http.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }
}
