using System.Text.Json;
using Microsoft.Playwright;
using Tracker.Cloud.Local.Observability;
using Tracker.Testing;

namespace Tracker.Cloud.Local.Benchmarks;

/// <summary>
/// The operator's fleet view in Debian Chromium (Playwright), signed in as <c>ops</c>: the browser a benchmark watches.
/// Each live batch the page receives is in <c>window.trackerApp.liveLog</c> (car, batch CRC, arrival time);
/// <see cref="CollectAsync"/> joins it with the cars' publish times for publish-to-browser latency.
/// </summary>
public sealed class FleetView : IAsyncDisposable
{
    private readonly IPlaywright _playwright;
    private readonly IBrowser _chromium;
    private readonly IPage _page;
    private readonly HashSet<(string, uint, double)> _seen = [];
    private readonly List<double> _latencies = [];

    private FleetView(IPlaywright playwright, IBrowser chromium, IPage page)
    {
        _playwright = playwright;
        _chromium = chromium;
        _page = page;
    }

    /// <summary>The signed-in page (the browser-side bench, <see cref="BrowserFleetBench"/>, measures in it).</summary>
    public IPage Page => _page;

    /// <summary>Publish-to-browser latencies collected so far, in ms.</summary>
    public IReadOnlyList<double> Latencies => _latencies;

    /// <summary>Opens the web app at <paramref name="httpUrl"/> and signs in as the operator.</summary>
    /// <param name="httpUrl">The host's web app.</param>
    /// <param name="opsPassword">The operator's password.</param>
    /// <returns>The signed-in page, its live connection up.</returns>
    public static async Task<FleetView> OpenAsync(Uri httpUrl, string opsPassword)
    {
        IPlaywright playwright = await Playwright.CreateAsync();
        IBrowser chromium = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = PartCatalog.Current.Locate(Part.Chromium),
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        IPage page = await chromium.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        await page.GotoAsync(httpUrl.ToString());
        await page.GetByTestId("login-user").FillAsync("ops");
        await page.GetByTestId("login-password").FillAsync(opsPassword);
        await page.GetByTestId("login-submit").ClickAsync();
        await page.WaitForFunctionAsync("() => window.trackerApp && window.trackerApp.ready === true", null, new PageWaitForFunctionOptions { Timeout = 60_000 });
        return new FleetView(playwright, chromium, page);
    }

    /// <summary>Forgets what was collected (the end of a warm-up); the page's log is emptied too.</summary>
    /// <returns>A task.</returns>
    public async Task ResetAsync()
    {
        await _page.EvaluateAsync("() => { window.trackerApp.liveLog.splice(0); }");
        _latencies.Clear();
    }

    /// <summary>Takes the page's live log and times each batch against <paramref name="published"/>.</summary>
    /// <param name="published">The cars' publish times.</param>
    /// <returns>A task.</returns>
    public async Task CollectAsync(PublishTimes published)
    {
        ArgumentNullException.ThrowIfNull(published);

        // Each entry: the car, the batch header's CRC and Date.now() when the message arrived.
        JsonElement log = await _page.EvaluateAsync<JsonElement>("() => { const l = window.trackerApp.liveLog.splice(0); return l; }");
        foreach (JsonElement e in log.EnumerateArray())
        {
            if (e.GetProperty("crc32").ValueKind != JsonValueKind.Number)
            {
                continue;
            }

            string car = e.GetProperty("carId").GetString()!;
            uint crc = (uint)e.GetProperty("crc32").GetDouble();
            double recv = e.GetProperty("recvMs").GetDouble();
            if (_seen.Add((car, crc, recv)) && published.TryGet(car, crc, out long publishedMs))
            {
                _latencies.Add(recv - publishedMs);
            }
        }
    }

    /// <summary>Saves what the page shows.</summary>
    /// <param name="path">The PNG file.</param>
    /// <returns>A task.</returns>
    public Task ScreenshotAsync(string path) => _page.ScreenshotAsync(new PageScreenshotOptions { Path = path });

    /// <summary>"p50 x ms, p99 y ms over n batches", or n/a.</summary>
    /// <returns>The summary.</returns>
    public string Summary()
    {
        if (_latencies.Count == 0)
        {
            return "n/a";
        }

        List<double> sorted = [.. _latencies];
        sorted.Sort();
        return $"p50 {Percentile(sorted, 0.5):0.0} ms, p99 {Percentile(sorted, 0.99):0.0} ms over {sorted.Count} batches";
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _chromium.CloseAsync();
        _playwright.Dispose();
    }

    private static double Percentile(List<double> sorted, double q) => sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];
}
