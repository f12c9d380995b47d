using Tracker.Cloud.Derive.Processors.Connectivity;

namespace Tracker.Cloud.Derive.Engine;

/// <summary>
/// Everything the Derive stage keeps about one car between steps (README.md, "The model"): the watermark, the
/// processors' states, their checkpoints, connectivity and the version the store conditions its write on.
/// </summary>
public sealed class CarDerivation
{
    /// <summary>The car.</summary>
    public string CarId { get; set; } = string.Empty;

    /// <summary>The version read; the store writes only if it is still the stored one, then bumps it. 0 for a new car.</summary>
    public long Version { get; set; }

    /// <summary>Fix time of the newest observation applied, or null before the first.</summary>
    public long? WatermarkTs { get; set; }

    /// <summary>Its order (0 status, 1 fix), for observations at the same instant.</summary>
    public int WatermarkOrder { get; set; }

    /// <summary>The latest clock a tick applied, UTC epoch ms (a rewind applies it again).</summary>
    public long LastTickMs { get; set; }

    /// <summary>The processors' states.</summary>
    public ProcessorStates States { get; set; } = new();

    /// <summary>Checkpoints, oldest first.</summary>
    public List<Checkpoint> Checkpoints { get; set; } = [];

    /// <summary>Arrival-time state, outside the checkpoints.</summary>
    public ConnectivityState Connectivity { get; set; } = new();

    /// <summary>Late observations found too old to replay, since the car's first step.</summary>
    public long BeyondHorizon { get; set; }

    /// <summary>A new car.</summary>
    /// <param name="carId">The car.</param>
    /// <returns>Its empty state.</returns>
    public static CarDerivation New(string carId)
    {
        ArgumentException.ThrowIfNullOrEmpty(carId);
        return new CarDerivation { CarId = carId };
    }
}
