namespace Tracker.Cloud.Derive.Processors.Movement;

/// <summary>Moving or stopped, and a change not yet confirmed.</summary>
public sealed class MovementState
{
    /// <summary>True moving, false stopped, null before the first fix.</summary>
    public bool? Moving { get; set; }

    /// <summary>The first fix of the other state, or null.</summary>
    public long? CandidateTs { get; set; }

    /// <summary>Where.</summary>
    public int CandidateLatE7 { get; set; }

    /// <summary>Where.</summary>
    public int CandidateLonE7 { get; set; }
}
