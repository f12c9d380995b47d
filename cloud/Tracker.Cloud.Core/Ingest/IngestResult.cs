namespace Tracker.Cloud.Core.Ingest;

/// <summary>What ingest did with one message. Expected outcomes, bad input included, are values; only storage failures throw.</summary>
/// <param name="CarId">The car, or null when the topic could not be parsed.</param>
/// <param name="Rejection">Why the whole message was rejected, or <see cref="BatchRejection.None"/>.</param>
/// <param name="Detail">A short human-readable reason for a batch rejection, empty otherwise.</param>
/// <param name="Decoded">Fixes in the message (0 when rejected as a whole).</param>
/// <param name="Accepted">Fixes newly stored.</param>
/// <param name="Rejected">Fixes each filter rejected, one entry per <see cref="FixFilter"/> (zero included).</param>
/// <param name="LatestAdvanced">True when the car's latest position moved forward.</param>
public sealed record IngestResult(
    string? CarId,
    BatchRejection Rejection,
    string Detail,
    int Decoded,
    int Accepted,
    IReadOnlyDictionary<FixFilter, int> Rejected,
    bool LatestAdvanced)
{
    /// <summary>Fixes rejected by any filter.</summary>
    public int RejectedTotal => Rejected.Values.Sum();

    /// <summary>The rejection counts keyed by filter name (<see cref="FixFilterNames.Name"/>), for logs and metrics.</summary>
    public IReadOnlyDictionary<string, int> RejectedByName =>
        Rejected.ToDictionary(pair => FixFilterNames.Name(pair.Key), pair => pair.Value, StringComparer.Ordinal);
}
