using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using Tracker.Cloud.Local;
using Tracker.Cloud.Local.Options;
using Tracker.Core.Fixes;
using Tracker.Core.Uplink;
using Tracker.Core.Wire;
using Tracker.HostLink;
using Tracker.Provisioning.Bundles;

namespace Tracker.Web.Tests;

/// <summary>
/// A local host started in process (its options from the class that derives), one headless Debian Chromium, and
/// helpers to log in through the UI and to publish fixes as a test-controlled car. When Chromium is missing, nothing
/// starts and the tests skip (tests/Tracker.Testing's rule).
/// </summary>
public abstract class BrowserFixture : IAsyncLifetime
{
    private readonly TempFolder _folder = new("tracker-web-test-");
    private IPlaywright? _playwright;

    public LocalFleetHost Host { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>The repository (from the build; the binaries may live in an artifacts path elsewhere).</summary>
    public static string RepoRoot => Repository.Root;

    /// <summary>Where screenshots are kept: artifacts/screenshots under the repository root.</summary>
    public static string Screenshots { get; } = Path.Combine(RepoRoot, "artifacts", "screenshots");

    /// <summary>The host's options for a data folder.</summary>
    protected abstract LocalOptions Options(string dataDirectory);

    /// <summary>The host's clock ("now" for its stages); null for the system's.</summary>
    protected virtual TimeProvider? Clock => null;

    public virtual async Task InitializeAsync()
    {
        if (PartCatalog.Current.SkipReason([Part.Chromium]) is not null)
        {
            return; // every browser test is skipped with the reason (tests/Tracker.Testing's rule)
        }

        string chromium = PartCatalog.Current.Locate(Part.Chromium);

        Host = await LocalFleetHost.StartAsync(Options(_folder.Combine("data")), logging => logging.SetMinimumLevel(LogLevel.Warning), kdfIterations: 1000, clock: Clock);
        if (Host.WebRoot is null)
        {
            throw new InvalidOperationException("the web app is not built: the build of cloud/Tracker.Cloud.Local runs npm ci and npm run build in cloud/Tracker.Cloud.Web");
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        });
        Directory.CreateDirectory(Screenshots);
    }

    public virtual async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (Host is not null)
        {
            await Host.StopAsync();
        }

        _folder.Dispose();
    }

    /// <summary>A fresh page (its own context: its own session storage) at the app, logged in through the form.</summary>
    public async Task<IPage> LoginAsync(string user, int width = 1280, int height = 800)
    {
        IBrowserContext context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        IPage page = await context.NewPageAsync();
        await page.GotoAsync(Host.HttpUrl.ToString());
        await page.GetByTestId("login-user").FillAsync(user);
        await page.GetByTestId("login-password").FillAsync(Host.Users.All.Single(u => u.User == user).Password);
        await page.GetByTestId("login-submit").ClickAsync();
        await page.WaitForFunctionAsync("() => window.trackerApp && window.trackerApp.ready === true", null, new PageWaitForFunctionOptions { Timeout = 20_000 });
        return page;
    }

    /// <summary>A provisioned car's link to the host's broker, not yet connected.</summary>
    public MqttNetLink CarLink(string carId)
    {
        DeviceBundle bundle = Host.Pki.EnsureCar(carId, Host.MqttPort);
        return new MqttNetLink(MqttNetLinkOptions.FromPemFiles(
            "127.0.0.1", Host.MqttPort, bundle.PathOf(BundleFiles.CertificatePem), bundle.PathOf(BundleFiles.KeyPem), bundle.PathOf(BundleFiles.RootCaPem), "localhost"));
    }

    /// <summary>A provisioned, connected test car (not simulated: the test decides what it publishes).</summary>
    public MqttNetLink ConnectCar(string carId)
    {
        MqttNetLink link = CarLink(carId);
        LinkResult connected = link.Connect(new MqttConnectOptions(carId, 60, null, null, true));
        Assert.Equal(LinkResult.Ok, connected);
        return link;
    }

    /// <summary>Publishes fixes as the car and waits for the PUBACK (which the broker sends once they are stored).</summary>
    public static async Task PublishAsync(MqttNetLink car, string carId, params Fix[] fixes)
    {
        byte[] batch = WireBatch.Encode(fixes);
        Assert.Equal(LinkResult.Ok, car.Publish("tracker/" + carId + "/fixes", batch, 0, batch.Length, 1, out int id));
        Assert.True(await TestLinks.DeliveredAsync(car, id), "no PUBACK for the test batch");
    }

    /// <summary>A fix at <paramref name="timeMs"/>, <paramref name="northM"/> metres north of a point in Reno.</summary>
    public static Fix At(long timeMs, int northM, int speedMmps = 10_000) => FixAt(timeMs / 1000 * 1000, 395_250_000 + (northM * 90), -1_198_100_000, speedMmps);

    /// <summary>A 3D autonomous fix (10 satellites, HDOP 0.8, heading north) at a position.</summary>
    public static Fix FixAt(long timeMs, int latE7, int lonE7, int speedMmps)
    {
        Fix f = Fix.Create(timeMs, latE7, lonE7);
        f.Mode = FixMode.ThreeD;
        f.Quality = FixQuality.Autonomous;
        f.HdopX100 = 80;
        f.Satellites = 10;
        f.SpeedMmps = speedMmps;
        f.CourseCdeg = 0;
        return f;
    }

    /// <summary>Saves a screenshot to artifacts/screenshots/<paramref name="name"/>.png: the whole page, or the window as the user sees it.</summary>
    public static async Task ScreenshotAsync(IPage page, string name, bool fullPage = true) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, name + ".png"), FullPage = fullPage });
}
