using Tracker.Core.Uplink;

namespace Tracker.Cloud.Derive.Processors.Ignition;

/// <summary>The ignition as the car's statuses last said it (Towing, Power and Connectivity read it).</summary>
public sealed class IgnitionSwitchState
{
    /// <summary>On, off, or unknown (not wired, or no status yet).</summary>
    public IgnitionState Current { get; set; } = IgnitionState.Unknown;

    /// <summary>The status that set it, UTC epoch ms.</summary>
    public long SinceTs { get; set; }
}
