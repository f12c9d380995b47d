using Tracker.Cloud.Local.Options;

namespace Tracker.Web.Tests;

/// <summary>
/// One local host with three simulated cars (car-0001..0003, on generated routes) for the whole class, one headless
/// Debian Chromium, and helpers to log in through the UI and to publish fixes as a test-controlled car.
/// </summary>
public sealed class WebFixture : BrowserFixture
{
    /// <inheritdoc />
    protected override LocalOptions Options(string dataDirectory) =>
        new() { DataDirectory = dataDirectory, HttpPort = 0, MqttPort = 0, Cars = 3, ProgressInterval = TimeSpan.Zero, DrainTimeout = TimeSpan.FromSeconds(10) };
}
