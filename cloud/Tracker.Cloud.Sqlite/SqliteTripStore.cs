using Microsoft.Data.Sqlite;
using Tracker.Cloud.Derive.Engine;
using Tracker.Cloud.Derive.Processors.Odometer;
using Tracker.Cloud.Derive.Processors.Trips;
using Tracker.Cloud.Derive.Storage;

namespace Tracker.Cloud.Sqlite;

/// <summary>
/// The embedded adapter of issue 17's ports, in the fixes' file: trips and stops keyed on (car, start), written a step at
/// a time in one immediate transaction (delete what the step decided again and did not find, upsert the rest), and the
/// operators' odometer readings. The figures a summary adds up are columns, so a fleet's day is one indexed scan.
/// </summary>
public sealed class SqliteTripStore : ITripStore, IOdometerReadingStore
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS trips (
            car_id      TEXT    NOT NULL,
            start_ts    INTEGER NOT NULL,
            end_ts      INTEGER NOT NULL,
            decided_ts  INTEGER NOT NULL,
            distance_m  REAL    NOT NULL,
            estimated_m REAL    NOT NULL,
            max_speed   INTEGER NOT NULL,
            body        TEXT    NOT NULL,
            PRIMARY KEY (car_id, start_ts)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS trips_by_start ON trips (start_ts, car_id, end_ts, distance_m, estimated_m, max_speed);
        CREATE TABLE IF NOT EXISTS stops (
            car_id     TEXT    NOT NULL,
            start_ts   INTEGER NOT NULL,
            end_ts     INTEGER,
            decided_ts INTEGER NOT NULL,
            body       TEXT    NOT NULL,
            PRIMARY KEY (car_id, start_ts)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS stops_by_start ON stops (start_ts, car_id);
        CREATE TABLE IF NOT EXISTS odometer_readings (
            car_id  TEXT    NOT NULL,
            at_ts   INTEGER NOT NULL,
            value_m REAL    NOT NULL,
            set_by  TEXT    NOT NULL,
            PRIMARY KEY (car_id, at_ts)
        ) WITHOUT ROWID;
        """;

    private readonly SqliteStore _store;
    private readonly ReadCache<IReadOnlyList<OdometerReading>> _readings = new();

    private SqliteTripStore(SqliteStore store) => _store = store;

    /// <summary>Opens the tables in the fix store's file, creating them when absent.</summary>
    /// <param name="store">The fix store.</param>
    /// <param name="cancellationToken">Cancels the set-up.</param>
    /// <returns>The store.</returns>
    public static async Task<SqliteTripStore> OpenAsync(SqliteStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        await using SqliteConnection connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await SqliteStore.ExecuteAsync(connection, Schema, cancellationToken).ConfigureAwait(false);
        return new SqliteTripStore(store);
    }

    /// <inheritdoc/>
    public async Task ApplyAsync(string carId, long decidedFrom, IReadOnlyList<Trip> trips, IReadOnlyList<Stop> stops, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(carId);
        ArgumentNullException.ThrowIfNull(trips);
        ArgumentNullException.ThrowIfNull(stops);
        using WriteTurn turn = await _store.TakeWriteTurnAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteConnection connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await WriteAsync(connection, transaction, carId, new TripWrites(decidedFrom, trips, stops), cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>True when this store's rows live in <paramref name="store"/>'s file, so its transactions can hold them.</summary>
    internal bool SharesFile(SqliteStore store) => ReferenceEquals(_store, store);

    /// <summary>
    /// <see cref="ApplyAsync"/>'s writes inside a transaction the caller holds (with its write turn): the Derive store
    /// commits them with the step's state (<see cref="SqliteDeriveStore"/>, <see cref="ITripCommitStore"/>).
    /// </summary>
    internal static async Task WriteAsync(SqliteConnection connection, SqliteTransaction transaction, string carId, TripWrites writes, CancellationToken cancellationToken)
    {
        (long decidedFrom, IReadOnlyList<Trip> trips, IReadOnlyList<Stop> stops) = (writes.DecidedFrom, writes.Trips, writes.Stops);
        if (decidedFrom != long.MaxValue)
        {
            await DeleteStaleAsync(connection, transaction, "trips", carId, decidedFrom, trips.Select(t => t.StartTs), cancellationToken).ConfigureAwait(false);
            await DeleteStaleAsync(connection, transaction, "stops", carId, decidedFrom, stops.Select(s => s.StartTs), cancellationToken).ConfigureAwait(false);
        }

        if (trips.Count > 0)
        {
            await using SqliteCommand upsert = connection.CreateCommand();
            upsert.Transaction = transaction;
            upsert.CommandText = "INSERT OR REPLACE INTO trips (car_id, start_ts, end_ts, decided_ts, distance_m, estimated_m, max_speed, body) "
                + "VALUES ($car, $start, $end, $decided, $distance, $estimated, $speed, $body);";
            foreach (Trip t in trips)
            {
                upsert.Parameters.Clear();
                upsert.Parameters.AddWithValue("$car", carId);
                upsert.Parameters.AddWithValue("$start", t.StartTs);
                upsert.Parameters.AddWithValue("$end", t.EndTs);
                upsert.Parameters.AddWithValue("$decided", t.DecidedTs);
                upsert.Parameters.AddWithValue("$distance", t.DistanceM);
                upsert.Parameters.AddWithValue("$estimated", t.EstimatedM);
                upsert.Parameters.AddWithValue("$speed", t.MaxSpeedMmps);
                upsert.Parameters.AddWithValue("$body", DeriveJson.Write(t));
                await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        if (stops.Count > 0)
        {
            await using SqliteCommand upsert = connection.CreateCommand();
            upsert.Transaction = transaction;
            upsert.CommandText = "INSERT OR REPLACE INTO stops (car_id, start_ts, end_ts, decided_ts, body) VALUES ($car, $start, $end, $decided, $body);";
            foreach (Stop s in stops)
            {
                upsert.Parameters.Clear();
                upsert.Parameters.AddWithValue("$car", carId);
                upsert.Parameters.AddWithValue("$start", s.StartTs);
                upsert.Parameters.AddWithValue("$end", (object?)s.EndTs ?? DBNull.Value);
                upsert.Parameters.AddWithValue("$decided", s.DecidedTs);
                upsert.Parameters.AddWithValue("$body", DeriveJson.Write(s));
                await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc/>
    public async Task<Page<Trip>> QueryTripsAsync(SpanQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        long after = SpanCursor.Read("trips", query) ?? long.MinValue;
        List<Trip> items = await ReadAsync(
            "SELECT body FROM trips WHERE car_id = $car AND start_ts >= $from AND start_ts < $to AND start_ts > $after ORDER BY start_ts LIMIT $limit;",
            query,
            after,
            DeriveJson.ReadTrip,
            cancellationToken).ConfigureAwait(false);
        return Paged("trips", query, items, t => t.StartTs);
    }

    /// <inheritdoc/>
    public async Task<Page<Stop>> QueryStopsAsync(SpanQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        long after = SpanCursor.Read("stops", query) ?? long.MinValue;
        List<Stop> items = await ReadAsync(
            "SELECT body FROM stops WHERE car_id = $car AND start_ts < $to AND (end_ts IS NULL OR end_ts > $from) AND start_ts > $after ORDER BY start_ts LIMIT $limit;",
            query,
            after,
            DeriveJson.ReadStop,
            cancellationToken).ConfigureAwait(false);
        return Paged("stops", query, items, s => s.StartTs);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<TripTotals>> SumTripsAsync(string? carId, long fromMs, long toMs, CancellationToken cancellationToken)
    {
        await using SqliteConnection connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT car_id, COUNT(*), SUM(distance_m), SUM(estimated_m), SUM(end_ts - start_ts), MAX(max_speed) FROM trips "
            + "WHERE start_ts >= $from AND start_ts < $to" + (carId is null ? string.Empty : " AND car_id = $car") + " GROUP BY car_id ORDER BY car_id;";
        command.Parameters.AddWithValue("$from", fromMs);
        command.Parameters.AddWithValue("$to", toMs);
        if (carId is not null)
        {
            command.Parameters.AddWithValue("$car", carId);
        }

        List<TripTotals> totals = [];
        await using SqliteDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            totals.Add(new TripTotals(reader.GetString(0), reader.GetInt32(1), reader.GetDouble(2), reader.GetDouble(3), reader.GetInt64(4), reader.GetInt32(5)));
        }

        return totals;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyDictionary<string, long>> SumIdleAsync(string? carId, long fromMs, long toMs, CancellationToken cancellationToken)
    {
        // The idle time is in the stop's body (JSON, camel case); a body written before it existed has none.
        await using SqliteConnection connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT car_id, SUM(COALESCE(json_extract(body, '$.idleMs'), 0)) AS idle FROM stops "
            + "WHERE start_ts >= $from AND start_ts < $to" + (carId is null ? string.Empty : " AND car_id = $car") + " GROUP BY car_id HAVING idle > 0;";
        command.Parameters.AddWithValue("$from", fromMs);
        command.Parameters.AddWithValue("$to", toMs);
        if (carId is not null)
        {
            command.Parameters.AddWithValue("$car", carId);
        }

        var idle = new Dictionary<string, long>(StringComparer.Ordinal);
        await using SqliteDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            idle[reader.GetString(0)] = reader.GetInt64(1);
        }

        return idle;
    }

    /// <inheritdoc/>
    public async Task PutReadingAsync(OdometerReading reading, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reading);
        using WriteTurn turn = await _store.TakeWriteTurnAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteConnection connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "INSERT OR REPLACE INTO odometer_readings (car_id, at_ts, value_m, set_by) VALUES ($car, $at, $value, $by);";
        command.Parameters.AddWithValue("$car", reading.CarId);
        command.Parameters.AddWithValue("$at", reading.AtTs);
        command.Parameters.AddWithValue("$value", reading.ValueM);
        command.Parameters.AddWithValue("$by", reading.By);
        await _readings.WrittenByAsync(command.ExecuteNonQueryAsync(cancellationToken)).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    /// <remarks>Served from memory between this store's writes of readings, for at most <see cref="ReadCache{T}.MaxAge"/> (every Derive step of the car reads it).</remarks>
    public Task<IReadOnlyList<OdometerReading>> GetReadingsAsync(string carId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(carId);
        return _readings.GetAsync(carId, this, static (store, car, ct) => store.ReadReadingsAsync(car, ct), cancellationToken);
    }

    private Task<IReadOnlyList<OdometerReading>> ReadReadingsAsync(string carId, CancellationToken cancellationToken) =>
        _store.Reads.ReadAsync(
            "SELECT at_ts, value_m, set_by FROM odometer_readings WHERE car_id = $car ORDER BY at_ts;",
            SqliteStore.CarParameter,
            carId,
            SqliteStore.BindKey,
            static async (reader, carId, ct) =>
            {
                List<OdometerReading> readings = [];
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    readings.Add(new OdometerReading(carId, reader.GetInt64(0), reader.GetDouble(1), reader.GetString(2)));
                }

                return (IReadOnlyList<OdometerReading>)readings;
            },
            cancellationToken);

    private static async Task DeleteStaleAsync(SqliteConnection connection, SqliteTransaction transaction, string table, string carId, long decidedFrom, IEnumerable<long> keep, CancellationToken cancellationToken)
    {
        HashSet<long> kept = [.. keep];
        List<long> stale = [];
        await using (SqliteCommand select = connection.CreateCommand())
        {
            select.Transaction = transaction;
            select.CommandText = "SELECT start_ts FROM " + table + " WHERE car_id = $car AND decided_ts >= $from;";
            select.Parameters.AddWithValue("$car", carId);
            select.Parameters.AddWithValue("$from", decidedFrom);
            await using SqliteDataReader reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!kept.Contains(reader.GetInt64(0)))
                {
                    stale.Add(reader.GetInt64(0));
                }
            }
        }

        await using SqliteCommand delete = connection.CreateCommand();
        delete.Transaction = transaction;
        delete.CommandText = "DELETE FROM " + table + " WHERE car_id = $car AND start_ts = $start;";
        foreach (long start in stale)
        {
            delete.Parameters.Clear();
            delete.Parameters.AddWithValue("$car", carId);
            delete.Parameters.AddWithValue("$start", start);
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static Page<T> Paged<T>(string kind, SpanQuery query, List<T> items, Func<T, long> start)
    {
        if (items.Count <= query.Limit)
        {
            return new Page<T>(items, null);
        }

        items.RemoveAt(items.Count - 1);
        return new Page<T>(items, SpanCursor.Write(kind, query, start(items[^1])));
    }

    private async Task<List<T>> ReadAsync<T>(string sql, SpanQuery query, long after, Func<string, T> read, CancellationToken cancellationToken)
    {
        await using SqliteConnection connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$car", query.CarId);
        command.Parameters.AddWithValue("$from", query.FromMs);
        command.Parameters.AddWithValue("$to", query.ToMs);
        command.Parameters.AddWithValue("$after", after);
        command.Parameters.AddWithValue("$limit", query.Limit + 1);
        List<T> items = [];
        await using SqliteDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            items.Add(read(reader.GetString(0)));
        }

        return items;
    }
}
