namespace Tracker.Cloud.Sqlite;

/// <summary>
/// Options of <see cref="SqliteStore"/>: immutable, checked by <see cref="Validate"/> before the
/// store opens. The database path has no default (STYLE.md, principle 7).
/// </summary>
public sealed record SqliteStoreOptions
{
    /// <summary>The database file; created with its schema when absent. Key: <c>Sqlite:Path</c>.</summary>
    public required string Path { get; init; }

    /// <summary>How long fixes are kept, from their own timestamp: 30 days (DESIGN.md, "Store"). Key: <c>Sqlite:Retention</c>.</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(30);

    /// <summary>
    /// At most one automatic purge of expired fixes per interval, run by an append; 1 hour by default.
    /// <see cref="TimeSpan.Zero"/> purges on every append. Key: <c>Sqlite:PurgeInterval</c>.
    /// </summary>
    public TimeSpan PurgeInterval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// True (the default): every commit is flushed to the disk (<c>PRAGMA synchronous=FULL</c>), so an acknowledged
    /// fix survives a power cut. False: <c>synchronous=NORMAL</c>, which in WAL mode still never corrupts the database
    /// and survives a crash of the process, but may lose the last commits on a power cut or OS crash
    /// (sqlite.org/pragma.html#pragma_synchronous). It is 10-100 times faster on disks with slow flushes: the local
    /// dev host uses it. Key: <c>Sqlite:SyncEveryCommit</c>.
    /// </summary>
    public bool SyncEveryCommit { get; init; } = true;

    /// <summary>
    /// True: every append that stores a new fix also leaves an entry in the change feed (<see cref="Core.Storage.IFixFeed"/>,
    /// table <c>fix_feed</c>), in the same transaction; a consumer must acknowledge the entries, or they pile up. False
    /// (the default): no entries. The local host turns it on for its Derive stage. Key: <c>Sqlite:ChangeFeed</c>.
    /// </summary>
    public bool ChangeFeed { get; init; }

    /// <summary>The clock that retention measures against (injected in tests).</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Fails fast, naming the key, when an option is unusable.</summary>
    /// <exception cref="ArgumentException">An option is missing or out of range.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Path))
        {
            throw new ArgumentException("Sqlite:Path is required (the database file).", nameof(Path));
        }

        if (Retention <= TimeSpan.Zero)
        {
            throw new ArgumentException("Sqlite:Retention must be positive.", nameof(Retention));
        }

        if (PurgeInterval < TimeSpan.Zero)
        {
            throw new ArgumentException("Sqlite:PurgeInterval must not be negative.", nameof(PurgeInterval));
        }

        ArgumentNullException.ThrowIfNull(Clock);
    }
}
