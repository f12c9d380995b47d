namespace Tracker.Cloud.Derive.Processors.Power;

/// <summary>The main supply and a low-battery episode.</summary>
public sealed class PowerState
{
    /// <summary>True present, false lost, null before the first voltage.</summary>
    public bool? MainPresent { get; set; }

    /// <summary>The first low status of a parked car, or null.</summary>
    public long? LowSinceTs { get; set; }

    /// <summary>The lowest voltage of the episode, mV.</summary>
    public int LowMv { get; set; }

    /// <summary>True once the episode's event was emitted.</summary>
    public bool LowReported { get; set; }
}
