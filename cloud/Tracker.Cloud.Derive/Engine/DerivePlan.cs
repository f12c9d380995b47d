namespace Tracker.Cloud.Derive.Engine;

/// <summary>
/// How a step will go (<see cref="CarDeriver.Plan"/>): forward from the watermark with the new observations alone, or
/// a rewind to <see cref="RewindTo"/>, for which the caller reads the car's stored observations from that fix time on.
/// </summary>
public sealed class DerivePlan
{
    internal DerivePlan(long? rewindTo, int duplicates, int beyondHorizon)
    {
        RewindTo = rewindTo;
        Duplicates = duplicates;
        BeyondHorizon = beyondHorizon;
    }

    /// <summary>The checkpoint to replay from (its fix time; <see cref="long.MinValue"/> for the car's beginning), or null for no rewind.</summary>
    public long? RewindTo { get; }

    /// <summary>Incoming observations already applied.</summary>
    public int Duplicates { get; }

    /// <summary>Incoming late observations older than the oldest checkpoint.</summary>
    public int BeyondHorizon { get; }
}
