using System.Globalization;
using Microsoft.Data.Sqlite;
using Tracker.Cloud.Core.Storage;

namespace Tracker.Cloud.Sqlite;

/// <summary>
/// The embedded adapter of <see cref="IFixStore"/> and <see cref="IRentalStore"/>: one SQLite file in
/// WAL mode. Every call opens a pooled connection, so the store is safe to share between threads.
/// Fixes expire <see cref="SqliteStoreOptions.Retention"/> after their timestamp (an append purges at
/// most once per <see cref="SqliteStoreOptions.PurgeInterval"/>, or call <see cref="PurgeExpiredAsync"/>);
/// the latest position is kept until a newer one replaces it, so a car parked for weeks is still found.
/// </summary>
public sealed class SqliteStore : IFixStore, IRentalStore, IFixFeed, ILateDays
{
    private const string CursorTag = "s1";

    private readonly SqliteStoreOptions _options;
    private readonly string _connectionString;
    private const string SetupNormal = "PRAGMA busy_timeout=30000; PRAGMA synchronous=NORMAL;";
    private const string SetupFlushed = "PRAGMA busy_timeout=30000; PRAGMA synchronous=FULL;";

    // The setup each pooled SQLite handle was given, by handle (weakly: a handle the pool closes drops out).
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<SQLitePCL.sqlite3, string> SetUp = new();

    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private long _lastPurgeMs = long.MinValue;

    private readonly GroupCommit _groups;
    private readonly ReadCache<IReadOnlyList<Rental>> _carRentals = new();

    private SqliteStore(SqliteStoreOptions options, string connectionString)
    {
        _options = options;
        _connectionString = connectionString;
        _groups = new GroupCommit(this);
        Reads = new PreparedReads(this);
    }

    /// <summary>The connections that keep the frequent reads' statements prepared (the Derive and trip stores use them too).</summary>
    internal PreparedReads Reads { get; }

    /// <summary>How many messages each of the store's write transactions held (group commit), since it opened.</summary>
    public GroupSizes Groups => _groups.Sizes;

    /// <summary>Opens (and creates, when absent) the database at <see cref="SqliteStoreOptions.Path"/>.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public static async Task<SqliteStore> OpenAsync(SqliteStoreOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        string connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = options.Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        CreatePrivate(options.Path);
        var store = new SqliteStore(options, connectionString);
        await using SqliteConnection connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, SqliteSchema.EnableWal, cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, SqliteSchema.Create, cancellationToken).ConfigureAwait(false);
        return store;
    }

    /// <summary>
    /// The database holds every rental and position: on Unix it is made 0600 before SQLite opens it (SQLite gives its
    /// -wal and -shm files the database's mode), and an existing one and its journals are tightened to 0600.
    /// </summary>
    private static void CreatePrivate(string path)
    {
        if (OperatingSystem.IsWindows() || path == ":memory:" || path.StartsWith("file:", StringComparison.Ordinal))
        {
            return;
        }

        const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        if (!File.Exists(path))
        {
            string? folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
            if (folder is not null && !Directory.Exists(folder))
            {
                Directory.CreateDirectory(folder, OwnerOnly | UnixFileMode.UserExecute);
            }

            using (new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerOnly }))
            {
            }
        }

        foreach (string file in new[] { path, path + "-wal", path + "-shm", path + "-journal" })
        {
            if (File.Exists(file))
            {
                File.SetUnixFileMode(file, OwnerOnly);
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>Written with whatever other appends are waiting, in one transaction (<see cref="GroupCommit"/>).</remarks>
    public async Task<AppendResult> AppendAsync(string carId, IReadOnlyList<StoredFix> fixes, CancellationToken cancellationToken)
    {
        CheckBatch(carId, fixes);
        cancellationToken.ThrowIfCancellationRequested();
        if (fixes.Count == 0)
        {
            await PurgeIfDueAsync(cancellationToken).ConfigureAwait(false);
            return new AppendResult(0, 0);
        }

        return (await _groups.WriteAsync(carId, fixes, null, cancellationToken).ConfigureAwait(false)).Appended;
    }

    /// <inheritdoc />
    /// <remarks>
    /// The fixes, their change-feed entry and the latest position in one transaction, with whatever other messages are
    /// waiting (<see cref="GroupCommit"/>): one commit for them all rather than two a message.
    /// </remarks>
    public Task<AppendedWithLatest> AppendWithLatestAsync(string carId, IReadOnlyList<StoredFix> fixes, CancellationToken cancellationToken)
    {
        CheckBatch(carId, fixes);
        ArgumentOutOfRangeException.ThrowIfZero(fixes.Count, nameof(fixes));
        cancellationToken.ThrowIfCancellationRequested();
        return _groups.WriteAsync(carId, fixes, fixes[^1], cancellationToken);
    }

    private static void CheckBatch(string carId, IReadOnlyList<StoredFix> fixes)
    {
        ArgumentException.ThrowIfNullOrEmpty(carId);
        ArgumentNullException.ThrowIfNull(fixes);
        foreach (StoredFix fix in fixes)
        {
            if (fix.CarId != carId)
            {
                throw new ArgumentException($"Fix at {fix.Ts} belongs to car '{fix.CarId}', not '{carId}'.", nameof(fixes));
            }
        }
    }

    private async Task PurgeIfDueAsync(CancellationToken cancellationToken)
    {
        using WriteTurn turn = await TakeWriteTurnAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteConnection connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await PurgeIfDueAsync(connection, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Purges expired fixes when the last purge is <see cref="SqliteStoreOptions.PurgeInterval"/> old; call within a write turn.</summary>
    internal async Task PurgeIfDueAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        long now = _options.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        long lastPurge = Interlocked.Read(ref _lastPurgeMs);
        if (lastPurge == long.MinValue || now - lastPurge >= (long)_options.PurgeInterval.TotalMilliseconds)
        {
            await PurgeAsync(connection, now, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<LateDay>> ListLateDaysAsync(CancellationToken cancellationToken)
    {
        await using SqliteConnection connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand read = connection.CreateCommand();
        read.CommandText = "SELECT day, marks FROM late_days ORDER BY day;";
        List<LateDay> days = [];
        await using SqliteDataReader reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            string text = reader.IsDBNull(0) ? string.Empty : reader.GetValue(0) as string ?? string.Empty;
            days.Add(DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly day) && reader.GetFieldType(1) == typeof(long)
                ? new LateDay(day, reader.GetInt64(1).ToString(CultureInfo.InvariantCulture))
                : throw new InvalidDataException($"late_days row '{text}' is not a day (yyyy-MM-dd) with a count of marks"));
        }

        return days;
    }

    /// <inheritdoc />
    public async Task<bool> ClearLateDayAsync(LateDay day, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(day);
        if (!long.TryParse(day.Mark, NumberStyles.None, CultureInfo.InvariantCulture, out long marks))
        {
            throw new ArgumentException($"'{day.Mark}' is not a mark this store lists", nameof(day));
        }

        using WriteTurn turn = await TakeWriteTurnAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteConnection connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand delete = connection.CreateCommand();
        delete.CommandText = "DELETE FROM late_days WHERE day = $day AND marks = $marks;";
        delete.Parameters.AddWithValue("$day", day.Text());
        delete.Parameters.AddWithValue("$marks", marks);
        return await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> PendingCarsAsync(CancellationToken cancellationToken)
    {
        await using SqliteConnection connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand read = connection.CreateCommand();
        read.CommandText = "SELECT DISTINCT car_id FROM fix_feed ORDER BY car_id;";
        List<string> cars = [];
        await using SqliteDataReader reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            cars.Add(reader.GetString(0));
        }

        return cars;
    }

    /// <inheritdoc />
    public Task<FeedSpan?> PeekAsync(string carId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(carId);
        return Reads.ReadAsync(
            "SELECT MAX(seq), MIN(from_ts), MAX(to_ts), COUNT(*) FROM fix_feed WHERE car_id = $car;",
            CarParameter,
            carId,
            BindKey,
            static async (reader, carId, ct) => !await reader.ReadAsync(ct).ConfigureAwait(false) || reader.IsDBNull(0)
                ? null
                : new FeedSpan(carId, reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt32(3)),
            cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>Written with whatever appends are waiting, in one transaction (<see cref="GroupCommit"/>).</remarks>
    public Task AcknowledgeAsync(string carId, long throughSeq, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(carId);
        cancellationToken.ThrowIfCancellationRequested();

        // seq is the rowid (no AUTOINCREMENT, which would add a write to every append). A rowid is reused only once the
        // highest rows are gone, and the car's row numbered throughSeq stays until this delete: every entry appended
        // since the peek is numbered above it and survives.
        return _groups.AcknowledgeAsync(carId, throughSeq, cancellationToken);
    }

    /// <summary>Deletes the fixes older than the retention, now; returns how many went.</summary>
    public async Task<int> PurgeExpiredAsync(CancellationToken cancellationToken)
    {
        using WriteTurn turn = await TakeWriteTurnAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteConnection connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await PurgeAsync(connection, _options.Clock.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> AdvanceLatestAsync(StoredFix fix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fix);
        ArgumentException.ThrowIfNullOrEmpty(fix.CarId, nameof(fix));
        using WriteTurn turn = await TakeWriteTurnAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteConnection connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand upsert = connection.CreateCommand();
        upsert.CommandText = AdvanceLatestSql;
        AddFixParameters(upsert);
        BindFix(upsert, fix);
        return await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task<StoredFix?> GetLatestAsync(string carId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(carId);
        IReadOnlyList<StoredFix> rows = await ReadFixesAsync(
            $"SELECT {SqliteSchema.FixColumns} FROM latest WHERE car_id = $car;",
            CarParameter,
            carId,
            BindKey,
            cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredFix>> GetAllLatestAsync(CancellationToken cancellationToken) =>
        Reads.ReadAsync($"SELECT {SqliteSchema.FixColumns} FROM latest ORDER BY car_id;", ReadFixRowsAsync, cancellationToken);

    /// <inheritdoc />
    public async Task<StoredFix?> GetBeforeAsync(string carId, long ts, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(carId);
        IReadOnlyList<StoredFix> rows = await ReadFixesAsync(
            $"SELECT {SqliteSchema.FixColumns} FROM fixes WHERE car_id = $car AND ts < $ts ORDER BY ts DESC LIMIT 1;",
            ["$car", "$ts"],
            (carId, ts),
            static (p, s) =>
            {
                p[0].Value = s.carId;
                p[1].Value = s.ts;
            },
            cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <inheritdoc />
    public async Task<FixPage> QueryAsync(string carId, long fromTs, long toTs, int limit, string? cursor, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(carId);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        long after = cursor is null ? long.MinValue : RangeCursor.Decode(CursorTag, cursor, carId, fromTs, toTs);
        if (fromTs >= toTs)
        {
            return new FixPage([], null);
        }

        // One row more than the page tells whether another page follows, so the last page has no cursor.
        IReadOnlyList<StoredFix> rows = await ReadFixesAsync(
            $"SELECT {SqliteSchema.FixColumns} FROM fixes WHERE car_id = $car AND ts >= $from AND ts < $to AND ts > $after ORDER BY ts LIMIT $take;",
            ["$car", "$from", "$to", "$after", "$take"],
            (carId, fromTs, toTs, after, take: (long)limit + 1),
            static (p, s) =>
            {
                p[0].Value = s.carId;
                p[1].Value = s.fromTs;
                p[2].Value = s.toTs;
                p[3].Value = s.after;
                p[4].Value = s.take;
            },
            cancellationToken).ConfigureAwait(false);
        if (rows.Count <= limit)
        {
            return new FixPage(rows, null);
        }

        StoredFix[] page = rows.Take(limit).ToArray();
        return new FixPage(page, RangeCursor.Encode(CursorTag, carId, fromTs, toTs, page[^1].Ts));
    }

    /// <inheritdoc />
    public async Task PutAsync(Rental rental, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rental);
        ArgumentException.ThrowIfNullOrEmpty(rental.CarId, nameof(rental));
        ArgumentException.ThrowIfNullOrEmpty(rental.Renter, nameof(rental));
        using WriteTurn turn = await TakeWriteTurnAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteConnection connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "INSERT OR REPLACE INTO rentals (car_id, renter, from_ms, to_ms) VALUES ($car, $renter, $from, $to);";
        command.Parameters.AddWithValue("$car", rental.CarId);
        command.Parameters.AddWithValue("$renter", rental.Renter);
        command.Parameters.AddWithValue("$from", rental.FromMs);
        command.Parameters.AddWithValue("$to", rental.ToMs);
        await _carRentals.WrittenByAsync(command.ExecuteNonQueryAsync(cancellationToken)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<Rental>> GetForRenterAsync(string renter, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(renter);
        return ReadRentalsAsync("SELECT car_id, renter, from_ms, to_ms FROM rentals WHERE renter = $car ORDER BY from_ms, car_id;", renter, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>Served from memory between this store's writes of rentals, for at most <see cref="ReadCache{T}.MaxAge"/> (every Derive step of the car reads it).</remarks>
    public Task<IReadOnlyList<Rental>> GetForCarAsync(string carId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(carId);
        return _carRentals.GetAsync(
            carId,
            this,
            static (store, car, ct) => store.ReadRentalsAsync("SELECT car_id, renter, from_ms, to_ms FROM rentals WHERE car_id = $car ORDER BY from_ms, renter;", car, ct),
            cancellationToken);
    }

    private async Task<int> PurgeAsync(SqliteConnection connection, long nowMs, CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _lastPurgeMs, nowMs);
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "DELETE FROM fixes WHERE ts < $cutoff;";
        command.Parameters.AddWithValue("$cutoff", nowMs - (long)_options.Retention.TotalMilliseconds);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>True when appends write the change feed (<see cref="SqliteStoreOptions.ChangeFeed"/>).</summary>
    public bool FeedEnabled => _options.ChangeFeed;

    /// <summary>The options it was opened with (the Derive store shares them).</summary>
    internal SqliteStoreOptions Options => _options;

    /// <summary>A pooled connection to the file, set up as every connection of this store is (the Derive store uses it too).</summary>
    internal async Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            string setup = _options.SyncEveryCommit ? SetupFlushed : SetupNormal;
            if (!SetUp.TryGetValue(connection.Handle!, out string? applied) || !ReferenceEquals(applied, setup))
            {
                // Per connection, and a pooled one keeps them: set once for each SQLite handle (or again when a store
                // with the other setting on the same file had it), not at every open. A writer outside this process's
                // turns (TakeWriteTurnAsync; another process on the file) is waited for by SQLite's own busy handler, not
                // by Microsoft.Data.Sqlite's retry, which sleeps 150 ms between tries.
                await ExecuteAsync(connection, setup, cancellationToken).ConfigureAwait(false);
                SetUp.AddOrUpdate(connection.Handle!, setup);
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Waits for this process's turn to write the file; every write of the store and of the stores that share it (Derive,
    /// notify, trips) takes one, around its whole transaction. SQLite lets one writer in at a time anyway, but a writer
    /// that finds the lock taken gets SQLITE_BUSY, on which Microsoft.Data.Sqlite sleeps 150 ms before it tries again
    /// (SQLite's busy handler, set too, sleeps 1, 2, 5, 10 ms and more): with ingest's four writers and Derive's two,
    /// that sleeping, not the work, set the pace. Here the next writer goes in as soon as the last one commits.
    /// Turns do not nest: a method that holds one calls no other that takes one.
    /// </summary>
    internal async Task<WriteTurn> TakeWriteTurnAsync(CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new WriteTurn(_writeGate);
    }

    internal static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The one parameter of a read keyed on a car (or a renter).</summary>
    internal static readonly string[] CarParameter = ["$car"];

    /// <summary>Binds a read's one key.</summary>
    internal static readonly Action<SqliteParameterCollection, string> BindKey = static (p, key) => p[0].Value = key;

    private Task<IReadOnlyList<StoredFix>> ReadFixesAsync<TState>(string sql, string[] parameters, TState state, Action<SqliteParameterCollection, TState> bind, CancellationToken cancellationToken) =>
        Reads.ReadAsync(sql, parameters, state, bind, static (reader, _, ct) => ReadFixRowsAsync(reader, ct), cancellationToken);

    private static async Task<IReadOnlyList<StoredFix>> ReadFixRowsAsync(SqliteDataReader reader, CancellationToken cancellationToken)
    {
        var fixes = new List<StoredFix>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            fixes.Add(new StoredFix(
                reader.GetString(0),
                reader.GetInt64(1),
                reader.GetInt32(2),
                reader.GetInt32(3),
                NullableInt(reader, 4),
                NullableInt(reader, 5),
                NullableInt(reader, 6),
                NullableInt(reader, 7),
                NullableInt(reader, 8),
                reader.GetByte(9),
                reader.GetByte(10),
                reader.GetInt64(11) != 0,
                reader.GetInt64(12) != 0,
                reader.GetInt64(13)));
        }

        return fixes;
    }

    private Task<IReadOnlyList<Rental>> ReadRentalsAsync(string sql, string key, CancellationToken cancellationToken) =>
        Reads.ReadAsync(sql, CarParameter, key, BindKey, static (reader, _, ct) => ReadRentalRowsAsync(reader, ct), cancellationToken);

    private static async Task<IReadOnlyList<Rental>> ReadRentalRowsAsync(SqliteDataReader reader, CancellationToken cancellationToken)
    {
        var rentals = new List<Rental>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rentals.Add(new Rental(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3)));
        }

        return rentals;
    }

    private static int? NullableInt(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt32(ordinal);

    /// <summary>
    /// The latest position's conditional write. It is one statement, so concurrent advances cannot interleave between a
    /// read and a write: the row changes only when the offered fix is strictly newer.
    /// </summary>
    internal const string AdvanceLatestSql = $"""
        INSERT INTO latest ({SqliteSchema.FixColumns}) VALUES ({SqliteSchema.FixParameters})
        ON CONFLICT (car_id) DO UPDATE SET
            ts = excluded.ts, lat_e7 = excluded.lat_e7, lon_e7 = excluded.lon_e7, alt_cm = excluded.alt_cm,
            speed_mmps = excluded.speed_mmps, course_cdeg = excluded.course_cdeg, hdop_x100 = excluded.hdop_x100,
            satellites = excluded.satellites, mode = excluded.mode, quality = excluded.quality,
            speed_derived = excluded.speed_derived, moving = excluded.moving,
            received_ms = excluded.received_ms
        WHERE excluded.ts > latest.ts;
        """;

    private static readonly string[] s_fixParameterNames = SqliteSchema.FixParameters.Split(", ");

    internal static void AddFixParameters(SqliteCommand command)
    {
        foreach (string name in s_fixParameterNames)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }
    }

    internal static void BindFix(SqliteCommand command, StoredFix fix)
    {
        SqliteParameterCollection p = command.Parameters;
        p[0].Value = fix.CarId;
        p[1].Value = fix.Ts;
        p[2].Value = fix.LatE7;
        p[3].Value = fix.LonE7;
        p[4].Value = (object?)fix.AltCm ?? DBNull.Value;
        p[5].Value = (object?)fix.SpeedMmps ?? DBNull.Value;
        p[6].Value = (object?)fix.CourseCdeg ?? DBNull.Value;
        p[7].Value = (object?)fix.HdopX100 ?? DBNull.Value;
        p[8].Value = (object?)fix.Satellites ?? DBNull.Value;
        p[9].Value = (int)fix.Mode;
        p[10].Value = (int)fix.Quality;
        p[11].Value = fix.SpeedDerived ? 1 : 0;
        p[12].Value = fix.Moving ? 1 : 0;
        p[13].Value = fix.ReceivedMs;
    }
}
