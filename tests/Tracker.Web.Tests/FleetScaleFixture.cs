using System.Globalization;
using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Local.Options;

namespace Tracker.Web.Tests;

/// <summary>
/// Issue 19: a local host with no simulated cars whose store holds the latest positions of 10,000 cars (car-00001 to
/// car-10000, spread over 10 km of Reno; every fourth one stopped, the rest moving), so that the operator's fleet view
/// opens on 10,000 cars as on a real fleet's. Live batches are published as real cars publish them (a test car).
/// </summary>
public sealed class FleetScaleFixture : BrowserFixture
{
    /// <summary>The cars in the store.</summary>
    public const int Cars = 10_000;

    /// <summary>The id of car <paramref name="n"/> (1-based).</summary>
    public static string CarId(int n) => "car-" + n.ToString("D5", CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        if (Host is null)
        {
            return; // no Chromium: every test skips
        }

        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var random = new Random(19);
        for (int n = 1; n <= Cars; n++)
        {
            bool moving = n % 4 != 0;
            var fix = new StoredFix(CarId(n), now - 30_000, 395_250_000 + random.Next(-450_000, 450_000), -1_198_100_000 + random.Next(-450_000, 450_000),
                null, moving ? 10_000 : 0, 0, 80, 10, 3, 1, false, moving, now);
            await Host.Store.AdvanceLatestAsync(fix, CancellationToken.None);
        }
    }

    /// <inheritdoc />
    protected override LocalOptions Options(string dataDirectory) =>
        new() { DataDirectory = dataDirectory, HttpPort = 0, MqttPort = 0, Cars = 0, ProgressInterval = TimeSpan.Zero, DrainTimeout = TimeSpan.FromSeconds(10) };
}
