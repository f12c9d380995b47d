namespace Tracker.Cloud.Derive.Engine;

/// <summary>
/// The car's last fix, kept by the engine after every processor has seen an observation, so a processor reads the
/// fix before the current one (where a status happened, where a rental began). Issue 17's trips read it too.
/// </summary>
public sealed class TrackState
{
    /// <summary>The last fix applied, or null before the first.</summary>
    public LastFix? Last { get; set; }
}

/// <summary>The part of a stored fix the processors look back at.</summary>
public sealed class LastFix
{
    /// <summary>Fix time, UTC epoch ms.</summary>
    public long Ts { get; set; }

    /// <summary>Latitude, 1e-7 degree.</summary>
    public int LatE7 { get; set; }

    /// <summary>Longitude, 1e-7 degree.</summary>
    public int LonE7 { get; set; }

    /// <summary>The Derive stage's odometer at that fix (issue 17: GPS distance of trips from the last dashboard reading), m.</summary>
    public long? OdometerM { get; set; }

    /// <summary>Moving at that fix.</summary>
    public bool Moving { get; set; }
}
