using Tracker.Cloud.Derive.Events;

namespace Tracker.Cloud.Derive.Storage;

/// <summary>The events port: reading for revision, listing for the API, acknowledging. Written through <see cref="IDerivationStore.TryCommitAsync"/>.</summary>
public interface IEventStore
{
    /// <summary>The car's events not withdrawn that were decided at or after <paramref name="decidedTs"/> (fix time): what a rewind may withdraw.</summary>
    /// <param name="carId">The car.</param>
    /// <param name="decidedTs">Fix time.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The events.</returns>
    Task<IReadOnlyList<FleetEvent>> GetDecidedSinceAsync(string carId, long decidedTs, CancellationToken cancellationToken);

    /// <summary>One event by its key, or null.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The stored event.</returns>
    Task<StoredEvent?> GetAsync(EventKey key, CancellationToken cancellationToken);

    /// <summary>
    /// Events with <paramref name="query"/>'s car (or every car), types and episode start in [from, to), newest first,
    /// at most its limit, after an opaque cursor from a previous page.
    /// </summary>
    /// <param name="query">The query.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>A page.</returns>
    /// <exception cref="ArgumentException">The cursor is not one this store issued for this query.</exception>
    Task<EventPage> QueryAsync(EventQuery query, CancellationToken cancellationToken);

    /// <summary>Marks an event acknowledged (the first acknowledgement stands).</summary>
    /// <param name="key">The event.</param>
    /// <param name="by">The operator.</param>
    /// <param name="atMs">When.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The event as stored after, or null when there is none.</returns>
    Task<StoredEvent?> AcknowledgeAsync(EventKey key, string by, long atMs, CancellationToken cancellationToken);
}

/// <summary>A list query.</summary>
/// <param name="CarId">One car, or null for the fleet.</param>
/// <param name="Types">Types to include, or empty for all.</param>
/// <param name="FromMs">Episode start at or after.</param>
/// <param name="ToMs">Episode start before.</param>
/// <param name="Limit">Page size, 1 to 1,000.</param>
/// <param name="Cursor">From a previous page, or null.</param>
/// <param name="IncludeWithdrawn">Also withdrawn events.</param>
public sealed record EventQuery(string? CarId, IReadOnlyList<EventType> Types, long FromMs, long ToMs, int Limit, string? Cursor, bool IncludeWithdrawn = false);

/// <summary>A page of events.</summary>
/// <param name="Events">Newest first.</param>
/// <param name="NextCursor">For the next page, or null on the last.</param>
public sealed record EventPage(IReadOnlyList<StoredEvent> Events, string? NextCursor);
