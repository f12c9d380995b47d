namespace Tracker.Cloud.Core.Storage;

/// <summary>
/// A fix store's change feed: every append that stores at least one new fix leaves an entry, in the append's own
/// transaction, naming the car and the span of fix times it stored. The Derive stage of the local host follows it
/// (cloud/Tracker.Cloud.Derive/README.md, "Where it runs"), as a stream step would on AWS: ingest returns once the
/// fixes are stored, and one Derive step covers every entry a car gathered meanwhile. An entry stays until it is
/// acknowledged, so what was stored but not yet derived when the process stopped is derived after the restart.
/// </summary>
public interface IFixFeed
{
    /// <summary>The cars with entries not yet acknowledged (after a restart: the cars to derive first).</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The cars, each once.</returns>
    Task<IReadOnlyList<string>> PendingCarsAsync(CancellationToken cancellationToken);

    /// <summary>What one car's unacknowledged entries cover, or null when it has none.</summary>
    /// <param name="carId">The car.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The span.</returns>
    Task<FeedSpan?> PeekAsync(string carId, CancellationToken cancellationToken);

    /// <summary>Removes a car's entries up to and including <paramref name="throughSeq"/>; later ones stay.</summary>
    /// <param name="carId">The car.</param>
    /// <param name="throughSeq">The last entry derived (<see cref="FeedSpan.ThroughSeq"/>).</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The task.</returns>
    Task AcknowledgeAsync(string carId, long throughSeq, CancellationToken cancellationToken);
}

/// <summary>A car's unacknowledged feed entries taken together.</summary>
/// <param name="CarId">The car.</param>
/// <param name="ThroughSeq">The newest entry's sequence number: acknowledge up to it once derived.</param>
/// <param name="FromTs">The earliest fix time the entries stored, UTC epoch ms.</param>
/// <param name="ToTs">The latest, inclusive.</param>
/// <param name="Entries">How many appends the entries stand for.</param>
public sealed record FeedSpan(string CarId, long ThroughSeq, long FromTs, long ToTs, int Entries);
