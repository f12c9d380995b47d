using Tracker.Cloud.Local.Options;

namespace Tracker.Web.Tests;

/// <summary>
/// One local host with no simulated cars (the tests' own cars publish what each test needs) and a fleet overspeed threshold of
/// 100 km/h, for the issue 16 browser tests: alerts, toasts, acknowledgement, zone drawing, and a renter who sees none of it.
/// </summary>
public sealed class AlertsFixture : BrowserFixture
{
    /// <summary>The fleet's overspeed threshold the host runs with.</summary>
    public const int OverspeedKmh = 100;

    /// <inheritdoc />
    protected override LocalOptions Options(string dataDirectory) =>
        new() { DataDirectory = dataDirectory, HttpPort = 0, MqttPort = 0, Cars = 0, OverspeedKmh = OverspeedKmh, ProgressInterval = TimeSpan.Zero, DrainTimeout = TimeSpan.FromSeconds(10) };
}
