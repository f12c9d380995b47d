namespace Tracker.Cloud.Derive.Processors.Towing;

/// <summary>Where the car stood when the ignition went off, and whether this parking was already reported as towing.</summary>
public sealed class TowingState
{
    /// <summary>The first fix with the ignition off, or null while it is on or unknown.</summary>
    public long? AnchorTs { get; set; }

    /// <summary>Where.</summary>
    public int AnchorLatE7 { get; set; }

    /// <summary>Where.</summary>
    public int AnchorLonE7 { get; set; }

    /// <summary>True once towing was reported for this anchor.</summary>
    public bool Reported { get; set; }
}
