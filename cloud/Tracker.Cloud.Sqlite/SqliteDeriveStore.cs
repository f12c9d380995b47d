using System.Text.Json;
using Microsoft.Data.Sqlite;
using Tracker.Cloud.Derive.Engine;
using Tracker.Cloud.Derive.Events;
using Tracker.Cloud.Derive.Limits;
using Tracker.Cloud.Derive.Observations;
using Tracker.Cloud.Derive.Storage;
using Tracker.Cloud.Derive.Zones;
using Tracker.Core.Uplink;

namespace Tracker.Cloud.Sqlite;

/// <summary>
/// The embedded adapter of the Derive stage's ports (cloud/Tracker.Cloud.Derive/README.md), in the same file as the
/// fixes: each car's state under a version, committed with its step's events in one immediate transaction (the
/// version check inside it is the condition); events upserted on (car, id), keeping an acknowledgement; statuses keyed
/// on (car, ts); zones. Events and statuses expire with the fixes' retention, from their own time.
/// </summary>
public sealed class SqliteDeriveStore : ITripCommitStore, IDerivationVersions, IEventStore, IStatusStore, IZoneStore, ILimitStore, ICarOdometers
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS derive_state (
            car_id  TEXT    NOT NULL PRIMARY KEY,
            version INTEGER NOT NULL,
            state   TEXT    NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS events (
            car_id        TEXT    NOT NULL,
            event_id      TEXT    NOT NULL,
            type          TEXT    NOT NULL,
            episode_start INTEGER NOT NULL,
            decided_ts    INTEGER NOT NULL,
            withdrawn     INTEGER NOT NULL DEFAULT 0,
            pending       INTEGER NOT NULL DEFAULT 0,
            announced     INTEGER NOT NULL DEFAULT 0,
            ack_by        TEXT,
            ack_ms        INTEGER,
            body          TEXT    NOT NULL,
            PRIMARY KEY (car_id, event_id)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS events_by_start ON events (episode_start, car_id, event_id);
        CREATE INDEX IF NOT EXISTS events_by_decided ON events (car_id, decided_ts);
        CREATE INDEX IF NOT EXISTS events_unannounced ON events (episode_start) WHERE announced = 0;
        CREATE TABLE IF NOT EXISTS statuses (
            car_id      TEXT    NOT NULL,
            ts          INTEGER NOT NULL,
            received_ms INTEGER NOT NULL,
            online      INTEGER NOT NULL,
            ignition    INTEGER NOT NULL,
            supply_mv   INTEGER,
            backup_mv   INTEGER,
            PRIMARY KEY (car_id, ts)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS statuses_by_ts ON statuses (ts);
        CREATE TABLE IF NOT EXISTS zones (
            zone_id TEXT NOT NULL PRIMARY KEY,
            body    TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS limits (
            limit_key TEXT NOT NULL PRIMARY KEY,
            body      TEXT NOT NULL
        ) WITHOUT ROWID;
        """;

    internal const string EventColumns = "body, withdrawn, ack_by, ack_ms";

    private readonly SqliteStore _store;
    private long _lastPurgeMs = long.MinValue;
    private readonly ReadCache<IReadOnlyList<Zone>> _zones = new();
    private readonly ReadCache<IReadOnlyList<LimitSetting>> _limits = new();

    private SqliteDeriveStore(SqliteStore store) => _store = store;

    /// <summary>Opens the Derive tables in the fix store's file, creating them when absent.</summary>
    /// <param name="store">The fix store.</param>
    /// <param name="cancellationToken">Cancels the set-up.</param>
    /// <returns>The store.</returns>
    public static async Task<SqliteDeriveStore> OpenAsync(SqliteStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        await using SqliteConnection connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await SqliteStore.ExecuteAsync(connection, Schema, cancellationToken).ConfigureAwait(false);
        return new SqliteDeriveStore(store);
    }

    /// <inheritdoc/>
    public Task<CarDerivation?> GetAsync(string carId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(carId);
        return _store.Reads.ReadAsync(
            "SELECT version, state FROM derive_state WHERE car_id = $car;",
            SqliteStore.CarParameter,
            carId,
            SqliteStore.BindKey,
            static async (reader, _, ct) =>
            {
                if (!await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    return null;
                }

                CarDerivation car = DeriveJson.ReadCar(reader.GetString(1));
                car.Version = reader.GetInt64(0);
                return car;
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public Task<long> GetVersionAsync(string carId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(carId);
        return _store.Reads.ReadAsync(
            VersionSql,
            SqliteStore.CarParameter,
            carId,
            SqliteStore.BindKey,
            static async (reader, _, ct) => await reader.ReadAsync(ct).ConfigureAwait(false) ? reader.GetInt64(0) : 0L,
            cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<CarOdometer?> GetOdometerAsync(string carId, CancellationToken cancellationToken) =>
        CarOdometer.Of(await GetAsync(carId, cancellationToken).ConfigureAwait(false));

    /// <inheritdoc/>
    public Task<bool> TryCommitAsync(CarDerivation car, IReadOnlyList<FleetEvent> events, IReadOnlyList<EventKey> withdrawals, CancellationToken cancellationToken) =>
        TryCommitAsync(car, events, withdrawals, null, cancellationToken);

    /// <inheritdoc/>
    /// <remarks>
    /// A <see cref="SqliteTripStore"/> on the same file: its rows then ride in the state's transaction, so a step costs one
    /// write transaction instead of two (the trips' own, then the state's), and a step that loses the version check writes
    /// none of them.
    /// </remarks>
    public bool CanCommit(ITripStore trips) => trips is SqliteTripStore sqlite && sqlite.SharesFile(_store);

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="trips"/> is not a <see cref="SqliteTripStore"/> on this file.</exception>
    public Task<bool> TryCommitAsync(CarDerivation car, IReadOnlyList<FleetEvent> events, IReadOnlyList<EventKey> withdrawals, ITripStore trips, TripWrites? writes, CancellationToken cancellationToken) =>
        CanCommit(trips)
            ? TryCommitAsync(car, events, withdrawals, writes, cancellationToken)
            : throw new ArgumentException("only a SqliteTripStore on the same file can commit with the state", nameof(trips));

    private async Task<bool> TryCommitAsync(CarDerivation car, IReadOnlyList<FleetEvent> events, IReadOnlyList<EventKey> withdrawals, TripWrites? trips, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(car);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(withdrawals);

        // Serialized before the write turn: the turn, and SQLite's one write lock, are held only for the statements.
        var commit = new PendingCommit(this, car, events, withdrawals, trips, DeriveJson.Write(car), [.. events.Select(DeriveJson.Write)]);
        using WriteTurn turn = await _store.TakeWriteTurnAsync(cancellationToken).ConfigureAwait(false);

        // On a kept connection, so the step's statements stay prepared from one step to the next.
        return await _store.Reads.RunAsync(commit, static (connection, c, ct) => c.Store.CommitOnAsync(connection, c, ct), cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> CommitOnAsync(PreparedReads.Connection kept, PendingCommit commit, CancellationToken cancellationToken)
    {
        SqliteConnection connection = kept.Inner;
        long? restore = null;
        if (_store.Options.SyncEveryCommit)
        {
            await using (SqliteCommand read = connection.CreateCommand())
            {
                read.CommandText = "PRAGMA synchronous;";
                restore = await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as long? ?? 2;
            }

            // The Derive step's commit is not flushed to the disk even when ingest's are (synchronous=NORMAL in WAL mode
            // never corrupts the file; a power cut may lose the last commits). What it writes is derived from the fixes,
            // which ingest flushed: a lost step is derived again by the next one from the watermark it finds, with the
            // same event keys. WAL commits are ordered, so a notifier's flushed commit after it keeps it too.
            await SqliteStore.ExecuteAsync(connection, "PRAGMA synchronous=NORMAL;", cancellationToken).ConfigureAwait(false);
        }

        try
        {
            return await CommitAsync(kept, commit, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (restore is { } level)
            {
                // Kept and pooled connections keep their pragmas: hand it back as the store set it up.
                await SqliteStore.ExecuteAsync(connection, "PRAGMA synchronous=" + level.ToString(System.Globalization.CultureInfo.InvariantCulture) + ";", CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private const string VersionSql = "SELECT version FROM derive_state WHERE car_id = $car;";

    private const string StateSql = "INSERT INTO derive_state (car_id, version, state) VALUES ($car, $version, $state) "
        + "ON CONFLICT (car_id) DO UPDATE SET version = excluded.version, state = excluded.state;";

    private const string UpsertEventSql = "INSERT INTO events (car_id, event_id, type, episode_start, decided_ts, withdrawn, pending, body) "
        + "VALUES ($car, $id, $type, $start, $decided, 0, $pending, $body) "
        + "ON CONFLICT (car_id, event_id) DO UPDATE SET decided_ts = excluded.decided_ts, withdrawn = 0, pending = excluded.pending, body = excluded.body;";

    private const string WithdrawSql = "UPDATE events SET withdrawn = 1 WHERE car_id = $car AND event_id = $id;";

    private static readonly string[] StateParameters = ["$car", "$version", "$state"];
    private static readonly string[] UpsertEventParameters = ["$car", "$id", "$type", "$start", "$decided", "$pending", "$body"];
    private static readonly string[] WithdrawParameters = ["$car", "$id"];

    private async Task<bool> CommitAsync(PreparedReads.Connection kept, PendingCommit commit, CancellationToken cancellationToken)
    {
        CarDerivation car = commit.Car;

        // Immediate: the write lock is taken before the version is read, so the check and the write are one step.
        await using var transaction = (SqliteTransaction)await kept.Inner.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        SqliteCommand read = kept.Command(VersionSql, SqliteStore.CarParameter);
        read.Transaction = transaction;
        read.Parameters[0].Value = car.CarId;
        long stored = await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long v ? v : 0;
        if (stored != car.Version)
        {
            return false;
        }

        long next = car.Version + 1;
        SqliteCommand write = kept.Command(StateSql, StateParameters);
        write.Transaction = transaction;
        write.Parameters[0].Value = car.CarId;
        write.Parameters[1].Value = next;
        write.Parameters[2].Value = commit.State;
        await write.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);

        if (commit.Events.Count > 0)
        {
            SqliteCommand upsert = kept.Command(UpsertEventSql, UpsertEventParameters);
            upsert.Transaction = transaction;
            SqliteParameterCollection p = upsert.Parameters;
            for (int i = 0; i < commit.Events.Count; i++)
            {
                FleetEvent e = commit.Events[i];
                p[0].Value = e.CarId;
                p[1].Value = e.Key.Id;
                p[2].Value = EventTypeNames.Name(e.Type);
                p[3].Value = e.EpisodeStartMs;
                p[4].Value = e.DecidedTs;
                p[5].Value = e.Pending ? 1 : 0;
                p[6].Value = commit.Bodies[i];
                await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        if (commit.Withdrawals.Count > 0)
        {
            SqliteCommand withdraw = kept.Command(WithdrawSql, WithdrawParameters);
            withdraw.Transaction = transaction;
            foreach (EventKey key in commit.Withdrawals)
            {
                withdraw.Parameters[0].Value = key.CarId;
                withdraw.Parameters[1].Value = key.Id;
                await withdraw.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        if (commit.Trips is not null)
        {
            await SqliteTripStore.WriteAsync(kept.Inner, transaction, car.CarId, commit.Trips, cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        car.Version = next;
        await PurgeIfDueAsync(kept.Inner, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>A step's commit: the state and event bodies already serialized.</summary>
    private sealed record PendingCommit(SqliteDeriveStore Store, CarDerivation Car, IReadOnlyList<FleetEvent> Events, IReadOnlyList<EventKey> Withdrawals, TripWrites? Trips, string State, string[] Bodies);

    /// <inheritdoc/>
    public Task<IReadOnlyList<string>> ListCarsAsync(CancellationToken cancellationToken) =>
        _store.Reads.ReadAsync<IReadOnlyList<string>>(
            "SELECT car_id FROM derive_state ORDER BY car_id;",
            static async (reader, ct) =>
            {
                List<string> cars = [];
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    cars.Add(reader.GetString(0));
                }

                return cars;
            },
            cancellationToken);

    /// <inheritdoc/>
    public async Task<IReadOnlyList<FleetEvent>> GetDecidedSinceAsync(string carId, long decidedTs, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(carId);
        IReadOnlyList<StoredEvent> events = await ReadEventsAsync(
            "SELECT " + EventColumns + " FROM events WHERE car_id = $car AND decided_ts >= $decided AND withdrawn = 0;",
            ["$car", "$decided"],
            (carId, (object)decidedTs),
            cancellationToken).ConfigureAwait(false);
        return events.Select(e => e.Event).ToList();
    }

    /// <inheritdoc/>
    public async Task<StoredEvent?> GetAsync(EventKey key, CancellationToken cancellationToken)
    {
        IReadOnlyList<StoredEvent> found = await ReadEventsAsync(
            "SELECT " + EventColumns + " FROM events WHERE car_id = $car AND event_id = $id;",
            ["$car", "$id"],
            (key.CarId, (object)key.Id),
            cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    /// <inheritdoc/>
    public async Task<EventPage> QueryAsync(EventQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit is < 1 or > 1000)
        {
            throw new ArgumentException("limit must be 1 to 1000", nameof(query));
        }

        (long Start, string Car, string Id)? after = query.Cursor is null ? null : EventCursor.Read(query);
        List<string> where = ["episode_start >= $from", "episode_start < $to"];
        if (query.CarId is not null)
        {
            where.Add("car_id = $car");
        }

        if (!query.IncludeWithdrawn)
        {
            where.Add("withdrawn = 0");
        }

        if (query.Types.Count > 0)
        {
            where.Add("type IN (" + string.Join(", ", query.Types.Select((_, i) => "$t" + i)) + ")");
        }

        if (after is not null)
        {
            where.Add("(episode_start, car_id, event_id) < ($a_start, $a_car, $a_id)");
        }

        string sql = "SELECT " + EventColumns + ", episode_start, car_id, event_id FROM events WHERE " + string.Join(" AND ", where)
            + " ORDER BY episode_start DESC, car_id DESC, event_id DESC LIMIT $limit;";
        List<(StoredEvent Event, long Start, string Car, string Id)> rows = [];
        await using SqliteConnection connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$from", query.FromMs);
        command.Parameters.AddWithValue("$to", query.ToMs);
        command.Parameters.AddWithValue("$limit", query.Limit + 1);
        if (query.CarId is not null)
        {
            command.Parameters.AddWithValue("$car", query.CarId);
        }

        for (int i = 0; i < query.Types.Count; i++)
        {
            command.Parameters.AddWithValue("$t" + i, EventTypeNames.Name(query.Types[i]));
        }

        if (after is { } a)
        {
            command.Parameters.AddWithValue("$a_start", a.Start);
            command.Parameters.AddWithValue("$a_car", a.Car);
            command.Parameters.AddWithValue("$a_id", a.Id);
        }

        await using (SqliteDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add((ReadEvent(reader), reader.GetInt64(4), reader.GetString(5), reader.GetString(6)));
            }
        }

        string? next = null;
        if (rows.Count > query.Limit)
        {
            rows.RemoveAt(rows.Count - 1);
            var last = rows[^1];
            next = EventCursor.Write(query, last.Start, last.Car, last.Id);
        }

        return new EventPage(rows.Select(r => r.Event).ToList(), next);
    }

    /// <inheritdoc/>
    public async Task<StoredEvent?> AcknowledgeAsync(EventKey key, string by, long atMs, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(by);
        using WriteTurn turn = await _store.TakeWriteTurnAsync(cancellationToken).ConfigureAwait(false);
        await using (SqliteConnection connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        await using (SqliteCommand command = connection.CreateCommand())
        {
            command.CommandText = "UPDATE events SET ack_by = $by, ack_ms = $at WHERE car_id = $car AND event_id = $id AND ack_by IS NULL;";
            command.Parameters.AddWithValue("$by", by);
            command.Parameters.AddWithValue("$at", atMs);
            command.Parameters.AddWithValue("$car", key.CarId);
            command.Parameters.AddWithValue("$id", key.Id);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return await GetAsync(key, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<bool> AppendStatusAsync(StoredStatus status, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(status);
        using WriteTurn turn = await _store.TakeWriteTurnAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteConnection connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "INSERT OR IGNORE INTO statuses (car_id, ts, received_ms, online, ignition, supply_mv, backup_mv) "
            + "VALUES ($car, $ts, $received, $online, $ignition, $supply, $backup);";
        command.Parameters.AddWithValue("$car", status.CarId);
        command.Parameters.AddWithValue("$ts", status.Ts);
        command.Parameters.AddWithValue("$received", status.ReceivedMs);
        command.Parameters.AddWithValue("$online", status.Online ? 1 : 0);
        command.Parameters.AddWithValue("$ignition", (int)status.Ignition);
        command.Parameters.AddWithValue("$supply", (object?)status.SupplyMv ?? DBNull.Value);
        command.Parameters.AddWithValue("$backup", (object?)status.BackupMv ?? DBNull.Value);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<StoredStatus>> ReadStatusesFromAsync(string carId, long fromTs, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(carId);
        return _store.Reads.ReadAsync(
            "SELECT ts, received_ms, online, ignition, supply_mv, backup_mv FROM statuses WHERE car_id = $car AND ts >= $from ORDER BY ts;",
            ["$car", "$from"],
            (carId, fromTs),
            static (p, s) =>
            {
                p[0].Value = s.carId;
                p[1].Value = s.fromTs;
            },
            static (reader, s, ct) => ReadStatusRowsAsync(reader, s.carId, ct),
            cancellationToken);
    }

    private static async Task<IReadOnlyList<StoredStatus>> ReadStatusRowsAsync(SqliteDataReader reader, string carId, CancellationToken cancellationToken)
    {
        List<StoredStatus> statuses = [];
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            statuses.Add(new StoredStatus
            {
                CarId = carId,
                Ts = reader.GetInt64(0),
                ReceivedMs = reader.GetInt64(1),
                Online = reader.GetInt64(2) != 0,
                Ignition = (IgnitionState)reader.GetInt32(3),
                SupplyMv = reader.IsDBNull(4) ? null : reader.GetInt32(4),
                BackupMv = reader.IsDBNull(5) ? null : reader.GetInt32(5),
            });
        }

        return statuses;
    }

    /// <inheritdoc/>
    /// <remarks>Served from memory between this store's writes, for at most <see cref="ReadCache{T}.MaxAge"/> (every Derive step reads it).</remarks>
    public Task<IReadOnlyList<Zone>> ListZonesAsync(CancellationToken cancellationToken) =>
        _zones.GetAsync(string.Empty, this, static (store, _, ct) => store.ReadZonesAsync(ct), cancellationToken);

    private Task<IReadOnlyList<Zone>> ReadZonesAsync(CancellationToken cancellationToken) =>
        _store.Reads.ReadAsync<IReadOnlyList<Zone>>(
            "SELECT body FROM zones ORDER BY zone_id;",
            static async (reader, ct) =>
            {
                List<Zone> zones = [];
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    zones.Add(ZoneJson.Read(reader.GetString(0)));
                }

                return zones;
            },
            cancellationToken);

    /// <inheritdoc/>
    public async Task PutZoneAsync(Zone zone, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(zone);
        if (ZoneValidator.Problem(zone) is { } problem)
        {
            throw new ArgumentException("zone " + zone.Id + ": " + problem, nameof(zone));
        }

        using WriteTurn turn = await _store.TakeWriteTurnAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteConnection connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "INSERT INTO zones (zone_id, body) VALUES ($id, $body) ON CONFLICT (zone_id) DO UPDATE SET body = excluded.body;";
        command.Parameters.AddWithValue("$id", zone.Id);
        command.Parameters.AddWithValue("$body", ZoneJson.Write(zone));
        await _zones.WrittenByAsync(command.ExecuteNonQueryAsync(cancellationToken)).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<bool> DeleteZoneAsync(string zoneId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(zoneId);
        using WriteTurn turn = await _store.TakeWriteTurnAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteConnection connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "DELETE FROM zones WHERE zone_id = $id;";
        command.Parameters.AddWithValue("$id", zoneId);
        return await _zones.WrittenByAsync(command.ExecuteNonQueryAsync(cancellationToken)).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc/>
    /// <remarks>Served from memory between this store's writes, for at most <see cref="ReadCache{T}.MaxAge"/> (every Derive step reads it).</remarks>
    public Task<IReadOnlyList<LimitSetting>> ListLimitsAsync(CancellationToken cancellationToken) =>
        _limits.GetAsync(string.Empty, this, static (store, _, ct) => store.ReadLimitsAsync(ct), cancellationToken);

    private Task<IReadOnlyList<LimitSetting>> ReadLimitsAsync(CancellationToken cancellationToken) =>
        _store.Reads.ReadAsync<IReadOnlyList<LimitSetting>>(
            "SELECT body FROM limits ORDER BY limit_key;",
            static async (reader, ct) =>
            {
                List<LimitSetting> limits = [];
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    // Written by PutLimitAsync from a parsed setting: it reads back the same.
                    if (LimitParser.TryParse(reader.GetString(0), out LimitSetting? setting, out string? _))
                    {
                        limits.Add(setting!);
                    }
                }

                return limits;
            },
            cancellationToken);

    /// <inheritdoc/>
    public async Task PutLimitAsync(LimitSetting setting, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(setting);
        using WriteTurn turn = await _store.TakeWriteTurnAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteConnection connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand command = connection.CreateCommand();
        if (setting.IsEmpty)
        {
            command.CommandText = "DELETE FROM limits WHERE limit_key = $key;";
        }
        else
        {
            command.CommandText = "INSERT INTO limits (limit_key, body) VALUES ($key, $body) ON CONFLICT (limit_key) DO UPDATE SET body = excluded.body;";
            command.Parameters.AddWithValue("$body", LimitJson.ToJson(setting));
        }

        command.Parameters.AddWithValue("$key", setting.Key);
        await _limits.WrittenByAsync(command.ExecuteNonQueryAsync(cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Deletes events and statuses older than the retention (from their own time) now.</summary>
    /// <param name="cancellationToken">Cancels the delete.</param>
    /// <returns>Rows deleted.</returns>
    public async Task<int> PurgeExpiredAsync(CancellationToken cancellationToken)
    {
        using WriteTurn turn = await _store.TakeWriteTurnAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteConnection connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await PurgeAsync(connection, _store.Options.Clock.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken).ConfigureAwait(false);
    }

    private async Task PurgeIfDueAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        long now = _store.Options.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        long last = Interlocked.Read(ref _lastPurgeMs);
        if (last == long.MinValue || now - last >= (long)_store.Options.PurgeInterval.TotalMilliseconds)
        {
            await PurgeAsync(connection, now, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<int> PurgeAsync(SqliteConnection connection, long nowMs, CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _lastPurgeMs, nowMs);
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "DELETE FROM events WHERE episode_start < $cutoff; DELETE FROM statuses WHERE ts < $cutoff;";
        command.Parameters.AddWithValue("$cutoff", nowMs - (long)_store.Options.Retention.TotalMilliseconds);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private Task<IReadOnlyList<StoredEvent>> ReadEventsAsync(string sql, string[] parameters, (string Car, object Second) key, CancellationToken cancellationToken) =>
        _store.Reads.ReadAsync<(string Car, object Second), IReadOnlyList<StoredEvent>>(
            sql,
            parameters,
            key,
            static (p, k) =>
            {
                p[0].Value = k.Car;
                p[1].Value = k.Second;
            },
            static async (reader, _, ct) =>
            {
                List<StoredEvent> events = [];
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    events.Add(ReadEvent(reader));
                }

                return events;
            },
            cancellationToken);

    /// <summary>Reads an event from the first four columns of <c>EventColumns</c>.</summary>
    internal static StoredEvent ReadEvent(SqliteDataReader reader)
    {
        try
        {
            return new StoredEvent(
                DeriveJson.ReadEvent(reader.GetString(0)),
                reader.GetInt64(1) != 0,
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetInt64(3));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException("a stored event's body is not an event", e);
        }
    }
}
