using Tracker.Cloud.Local.Options;

namespace Tracker.Web.Tests;

/// <summary>
/// The README's picture of the local fleet: the host with its 25 simulated cars on the generated town, offering a
/// stand-in online tile layer (<see cref="TileServer"/>) through --tile-url, as a user would give their own.
/// </summary>
public sealed class MapFixture : BrowserFixture
{
    public TileServer Tiles { get; } = new();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Tiles.Dispose();
    }

    /// <inheritdoc />
    protected override LocalOptions Options(string dataDirectory) => new()
    {
        DataDirectory = dataDirectory,
        HttpPort = 0,
        MqttPort = 0,
        Cars = 25,
        ProgressInterval = TimeSpan.Zero,
        DrainTimeout = TimeSpan.FromSeconds(10),
        TileUrl = Tiles.Template,
        TileAttribution = "Test tiles",
    };
}
