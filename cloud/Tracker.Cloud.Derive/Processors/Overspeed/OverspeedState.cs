namespace Tracker.Cloud.Derive.Processors.Overspeed;

/// <summary>The overspeed episode under way, if any.</summary>
public sealed class OverspeedState
{
    /// <summary>The episode, or null.</summary>
    public OverspeedEpisode? Episode { get; set; }
}

/// <summary>An episode above the limit.</summary>
public sealed class OverspeedEpisode
{
    /// <summary>The first fix above the limit.</summary>
    public long StartTs { get; set; }

    /// <summary>Where.</summary>
    public int LatE7 { get; set; }

    /// <summary>Where.</summary>
    public int LonE7 { get; set; }

    /// <summary>The limit at the start, mm/s.</summary>
    public int LimitMmps { get; set; }

    /// <summary>The highest speed so far, mm/s.</summary>
    public int MaxMmps { get; set; }

    /// <summary>The last fix above the limit (less the end margin).</summary>
    public long LastAboveTs { get; set; }

    /// <summary>True once it lasted the minimum duration (and was emitted).</summary>
    public bool Confirmed { get; set; }

    /// <summary>
    /// True when the observation that confirmed the episode came late: the episode's revision at its end keeps the mark
    /// (an episode confirmed from a backlog stays late though it ends on data received in time).
    /// </summary>
    public bool Late { get; set; }
}
