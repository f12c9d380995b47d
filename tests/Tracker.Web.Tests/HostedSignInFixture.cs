using Tracker.Testing;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using Tracker.Cloud.Local;
using Tracker.Cloud.Local.Options;

namespace Tracker.Web.Tests;

/// <summary>
/// The web app as it runs on AWS, on this machine: a real OpenID Connect provider (npm oidc-provider, set up at
/// Cognito's paths: oidc-provider/server.mjs) in the hosted UI's place, and the local host with <c>--auth oidc</c>, whose
/// API takes the provider's ID tokens and whose broker lets browsers in as IoT Core's custom authorizer does. Two
/// simulated cars keep the live map busy. One headless Debian Chromium.
/// </summary>
public sealed class HostedSignInFixture : IAsyncLifetime
{
    public const string ClientId = "tracker-web";

    private readonly TempFolder _folder = new("tracker-web-oidc-");
    private readonly Dictionary<string, string> _passwords = new(StringComparer.Ordinal);
    private NodeServer? _provider;
    private IPlaywright? _playwright;

    public LocalFleetHost Host { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>The provider's issuer (and its hosted sign-in, at Cognito's paths).</summary>
    public Uri Issuer { get; private set; } = null!;

    /// <summary>What the provider printed (shown when a test fails).</summary>
    public string ProviderLog => _provider?.Output ?? string.Empty;

    private readonly System.Text.StringBuilder _console = new();

    public static string ProviderFolder => Path.Combine(WebFixture.RepoRoot, "tests", "Tracker.Web.Tests", "oidc-provider");

    public string Password(string user) => _passwords[user];

    public async Task InitializeAsync()
    {
        if (PartCatalog.Current.SkipReason([Part.Chromium, Part.OidcProvider]) is not null)
        {
            return; // every test here is skipped with the reason (tests/Tracker.Testing's rule)
        }

        foreach (string user in new[] { "ops", "renter1", "renter3" })
        {
            _passwords[user] = Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        }

        // The provider must know the app's URL (its redirect and sign-out URL) and the host the provider's issuer, so
        // the provider's port is chosen first, the host started, and the provider started on that port.
        int providerPort = FreePort.OnLoopback();
        Issuer = new Uri("http://127.0.0.1:" + providerPort);
        Host = await LocalFleetHost.StartAsync(
            new LocalOptions
            {
                DataDirectory = _folder.Combine("data"), HttpPort = 0, MqttPort = 0, Cars = 2, ProgressInterval = TimeSpan.Zero, DrainTimeout = TimeSpan.FromSeconds(10),
                Auth = AuthMode.Oidc, OidcIssuer = Issuer, OidcClientId = ClientId,
            },
            logging => logging.SetMinimumLevel(LogLevel.Warning),
            kdfIterations: 1000);
        if (Host.WebRoot is null)
        {
            throw new InvalidOperationException("the web app is not built: the build of cloud/Tracker.Cloud.Local runs npm ci and npm run build in cloud/Tracker.Cloud.Web");
        }

        await StartProviderAsync(providerPort);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = PartCatalog.ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        });
        Directory.CreateDirectory(WebFixture.Screenshots);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (_provider is not null)
        {
            await _provider.DisposeAsync(); // its standard input closing is its signal to stop
        }

        if (Host is not null)
        {
            await Host.StopAsync();
        }

        _folder.Dispose();
    }

    /// <summary>A fresh browser context (its own session storage and the provider's cookies) at the app.</summary>
    public async Task<IPage> OpenAsync()
    {
        IBrowserContext context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        IPage page = await context.NewPageAsync();
        page.Console += (_, m) =>
        {
            lock (_console)
            {
                _console.AppendLine(m.Type + ": " + m.Text);
            }
        };
        page.PageError += (_, e) =>
        {
            lock (_console)
            {
                _console.AppendLine("page error: " + e);
            }
        };
        return page;
    }

    /// <summary>Signs in through the hosted UI: the app's button, the provider's form, back to the app, ready.</summary>
    public async Task SignInAsync(IPage page, string user, bool navigate = true)
    {
        if (navigate)
        {
            await page.GotoAsync(Host.HttpUrl.ToString());
        }

        await page.GetByTestId("hosted-signin-button").ClickAsync();
        await page.WaitForURLAsync(url => url.StartsWith(Issuer.ToString(), StringComparison.Ordinal), new PageWaitForURLOptions { Timeout = 15_000 });
        await page.Locator("#username").FillAsync(user);
        await page.Locator("#password").FillAsync(Password(user));
        await page.Locator("#signin").ClickAsync();
        await page.WaitForURLAsync(url => url.StartsWith(Host.HttpUrl.ToString(), StringComparison.Ordinal), new PageWaitForURLOptions { Timeout = 15_000 });
        try
        {
            await page.WaitForFunctionAsync("() => window.trackerApp && window.trackerApp.ready === true", null, new PageWaitForFunctionOptions { Timeout = 20_000 });
        }
        catch (TimeoutException e)
        {
            string shown = await page.EvaluateAsync<string>("() => document.getElementById('hosted-message').textContent + ' | view ' + window.trackerApp.view");
            string console;
            lock (_console)
            {
                console = _console.ToString();
            }

            throw new TimeoutException("not signed in at " + page.Url + ": " + shown + "\nconsole:\n" + console + "\nprovider:\n" + ProviderLog, e);
        }
    }

    /// <summary>The session the page keeps (sessionStorage 'tracker.session').</summary>
    public static async Task<JsonObject> SessionAsync(IPage page) =>
        (JsonObject)JsonNode.Parse(await page.EvaluateAsync<string>("() => sessionStorage.getItem('tracker.session')"))!;

    private async Task StartProviderAsync(int port)
    {
        string accounts = JsonSerializer.Serialize(new object[]
        {
            new { user = "ops", password = _passwords["ops"], groups = new[] { "operators" } },
            new { user = "renter1", password = _passwords["renter1"], groups = new[] { "renters" } },
            new { user = "renter3", password = _passwords["renter3"], groups = new[] { "renters" } },
        });
        _provider = await NodeServer.StartAsync(new NodeServerOptions
        {
            Script = "server.mjs",
            WorkingDirectory = ProviderFolder,
            Port = port,
            Arguments = ["--port", "{port}", "--client-id", ClientId, "--app-url", Host.HttpUrl.ToString(), "--accounts", accounts, "--max-seconds", "1800"],
            ReadyLine = line => line.Contains("\"issuer\"", StringComparison.Ordinal),
            StopsWhenInputCloses = true,
        });
        string? issuer = (string?)JsonNode.Parse(_provider.ReadyLine!)?["issuer"];
        if (issuer != Issuer.ToString().TrimEnd('/'))
        {
            throw new InvalidOperationException("the OpenID Connect stand-in did not start on " + Issuer + ": " + _provider.ReadyLine + "\n" + ProviderLog);
        }
    }
}
