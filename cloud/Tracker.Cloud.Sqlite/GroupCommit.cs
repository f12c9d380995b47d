using System.Globalization;
using Microsoft.Data.Sqlite;
using Tracker.Cloud.Core.Storage;

namespace Tracker.Cloud.Sqlite;

/// <summary>
/// Appends of many messages, of any cars, written in one transaction (group commit). Each caller queues its batch and
/// waits; one writer at a time takes what is waiting, writes it all in one immediate transaction on one connection whose
/// statements stay prepared while work keeps coming, commits, and only then completes every caller, so whatever
/// acknowledges a message (the broker's PUBACK) still waits for the commit that holds its fixes. Under load the batches
/// that arrive while one transaction commits form the next: one commit, and one write of each B-tree page the group
/// touches, instead of two commits a message. A group that fails is written again message by message, so one bad
/// message fails only its own caller. The Derive stage's acknowledgements of change-feed entries join the same groups.
/// </summary>
internal sealed class GroupCommit
{
    /// <summary>The most messages one transaction takes; the rest form the next group.</summary>
    public const int MaxGroup = 256;

    private readonly SqliteStore _store;
    private readonly Lock _gate = new();
    private List<Pending> _waiting = [];
    private bool _writing;

    /// <summary>The sizes of the groups committed so far (groups written again one by one after a failure are not counted).</summary>
    public GroupSizes Sizes { get; } = new();

    /// <summary>Creates the writer of a store's appends.</summary>
    /// <param name="store">The store.</param>
    public GroupCommit(SqliteStore store) => _store = store;

    /// <summary>Queues one car's fixes (and, when <paramref name="latest"/> is set, its latest position) and waits for their commit.</summary>
    /// <param name="carId">The car.</param>
    /// <param name="fixes">Its fixes, checked by the caller to be the car's.</param>
    /// <param name="latest">Offered as the car's latest position in the same transaction, or null.</param>
    /// <param name="cancellationToken">Checked before the batch is queued; once queued, the caller waits for its commit (see <see cref="QueueAsync"/>).</param>
    /// <returns>What was written, and whether the latest moved.</returns>
    public Task<AppendedWithLatest> WriteAsync(string carId, IReadOnlyList<StoredFix> fixes, StoredFix? latest, CancellationToken cancellationToken) =>
        QueueAsync(new Pending(carId, fixes, latest, 0), cancellationToken);

    /// <summary>
    /// Queues the acknowledgement of a car's change-feed entries up to <paramref name="throughSeq"/> (<see cref="SqliteStore.AcknowledgeAsync"/>)
    /// and waits for its commit: under load it rides on ingest's next transaction instead of a commit of its own.
    /// </summary>
    /// <param name="carId">The car.</param>
    /// <param name="throughSeq">The last entry to delete.</param>
    /// <param name="cancellationToken">Checked before the delete is queued; once queued, the caller waits for its commit.</param>
    /// <returns>The task.</returns>
    public Task AcknowledgeAsync(string carId, long throughSeq, CancellationToken cancellationToken) =>
        QueueAsync(new Pending(carId, null, null, throughSeq), cancellationToken);

    /// <summary>
    /// Queues <paramref name="pending"/> and returns its outcome. A queued write is not abandoned: it commits with its
    /// group whether or not anyone still waits, so a caller that stopped waiting (its car's connection closed) would never
    /// learn that its fixes were stored. The host then counted fewer fixes than its store held (a 10,000-car run's
    /// <c>tracker_ingest_fixes_total</c> said 515,858 against 1,537,667 rows), and the ingest slot the caller held was
    /// freed while its write still waited, so more writes queued than the gate allows. The wait is bounded by the
    /// groups ahead of it (at most <see cref="MaxGroup"/> messages each), not by the caller.
    /// </summary>
    private Task<AppendedWithLatest> QueueAsync(Pending pending, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        bool lead;
        lock (_gate)
        {
            _waiting.Add(pending);
            lead = !_writing;
            _writing = true;
        }

        if (lead)
        {
            _ = Task.Run(WriteWaitingAsync, CancellationToken.None);
        }

        return pending.Done.Task;
    }

    private async Task WriteWaitingAsync()
    {
        Statements? statements = null;
        try
        {
            while (true)
            {
                List<Pending> group;
                lock (_gate)
                {
                    if (_waiting.Count == 0)
                    {
                        _writing = false;
                        return;
                    }

                    if (_waiting.Count <= MaxGroup)
                    {
                        group = _waiting;
                        _waiting = [];
                    }
                    else
                    {
                        group = _waiting.GetRange(0, MaxGroup);
                        _waiting.RemoveRange(0, MaxGroup);
                    }
                }

                try
                {
                    statements ??= await Statements.OpenAsync(_store).ConfigureAwait(false);
                    AppendedWithLatest[] results = await WriteGroupAsync(statements, group).ConfigureAwait(false);
                    Sizes.Add(group.Count);
                    for (int i = 0; i < group.Count; i++)
                    {
                        group[i].Done.TrySetResult(results[i]);
                    }
                }
                catch (Exception e)
                {
                    // The connection may be what failed: the next group opens another.
                    if (statements is not null)
                    {
                        await statements.DisposeAsync().ConfigureAwait(false);
                        statements = null;
                    }

                    if (group.Count == 1)
                    {
                        group[0].Done.TrySetException(e);
                    }
                    else
                    {
                        await WriteOneByOneAsync(group).ConfigureAwait(false);
                    }
                }
            }
        }
        finally
        {
            if (statements is not null)
            {
                await statements.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task WriteOneByOneAsync(List<Pending> group)
    {
        foreach (Pending pending in group)
        {
            try
            {
                await using Statements statements = await Statements.OpenAsync(_store).ConfigureAwait(false);
                pending.Done.TrySetResult((await WriteGroupAsync(statements, [pending]).ConfigureAwait(false))[0]);
            }
            catch (Exception e)
            {
                pending.Done.TrySetException(e);
            }
        }
    }

    private async Task<AppendedWithLatest[]> WriteGroupAsync(Statements statements, List<Pending> group)
    {
        var results = new AppendedWithLatest[group.Count];
        SqliteStoreOptions options = _store.Options;
        DateOnly today = DateOnly.FromDateTime(options.Clock.GetUtcNow().UtcDateTime);
        DateOnly oldest = today.AddDays(-(int)Math.Ceiling(options.Retention.TotalDays));

        // A fix of a day already over marks the day for the archive (ILateDays), in the fixes' own transaction: one mark
        // for each message that stored a fix of that day, as when each message had its own transaction.
        SortedDictionary<DateOnly, int> lateDays = [];
        using WriteTurn turn = await _store.TakeWriteTurnAsync(CancellationToken.None).ConfigureAwait(false);
        SqliteConnection connection = statements.Connection;

        // One immediate transaction: every batch of the group lands whole or none does, and one commit covers them all.
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(CancellationToken.None).ConfigureAwait(false);
        statements.Enlist(transaction);
        for (int g = 0; g < group.Count; g++)
        {
            Pending pending = group[g];
            if (pending.Fixes is null)
            {
                // seq is the rowid; the entry numbered throughSeq stays until this delete, so an entry appended before it,
                // in this transaction or an earlier one, is numbered above it and survives (SqliteStore.AcknowledgeAsync).
                statements.Acknowledge.Parameters[0].Value = pending.CarId;
                statements.Acknowledge.Parameters[1].Value = pending.ThroughSeq;
                await statements.Acknowledge.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
                results[g] = Acknowledged;
                continue;
            }

            int written = 0;
            long fromTs = long.MaxValue;
            long toTs = long.MinValue;
            HashSet<DateOnly>? marked = null;
            foreach (StoredFix fix in pending.Fixes)
            {
                SqliteStore.BindFix(statements.Insert, fix);
                if (await statements.Insert.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false) > 0)
                {
                    written++;
                    fromTs = Math.Min(fromTs, fix.Ts);
                    toTs = Math.Max(toTs, fix.Ts);
                    if (LateDay.Of(fix.Ts) is var day && day < today && day >= oldest && (marked ??= []).Add(day))
                    {
                        lateDays[day] = lateDays.GetValueOrDefault(day) + 1;
                    }
                }
            }

            if (options.ChangeFeed && written > 0)
            {
                // In the fixes' own transaction: an entry exists exactly when new fixes were stored, one a message.
                statements.Feed.Parameters[0].Value = pending.CarId;
                statements.Feed.Parameters[1].Value = fromTs;
                statements.Feed.Parameters[2].Value = toTs;
                await statements.Feed.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
            }

            bool advanced = false;
            if (pending.Latest is { } latest)
            {
                // Offered even when every fix was a duplicate (IngestService: a retry must still move the latest).
                SqliteStore.BindFix(statements.Latest, latest);
                advanced = await statements.Latest.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false) == 1;
            }

            results[g] = new AppendedWithLatest(new AppendResult(written, pending.Fixes.Count - written), advanced);
        }

        foreach (KeyValuePair<DateOnly, int> day in lateDays)
        {
            statements.Mark.Parameters[0].Value = day.Key.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            statements.Mark.Parameters[1].Value = day.Value;
            await statements.Mark.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }

        await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        await _store.PurgeIfDueAsync(connection, CancellationToken.None).ConfigureAwait(false);
        return results;
    }

    private static readonly AppendedWithLatest Acknowledged = new(new AppendResult(0, 0), false);

    /// <summary>A message's batch (<see cref="Fixes"/> set), or an acknowledgement of feed entries (<see cref="Fixes"/> null).</summary>
    private sealed class Pending(string carId, IReadOnlyList<StoredFix>? fixes, StoredFix? latest, long throughSeq)
    {
        public string CarId { get; } = carId;

        public IReadOnlyList<StoredFix>? Fixes { get; } = fixes;

        public StoredFix? Latest { get; } = latest;

        public long ThroughSeq { get; } = throughSeq;

        public TaskCompletionSource<AppendedWithLatest> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>The writer's connection and its statements, prepared once and kept while groups keep coming.</summary>
    private sealed class Statements : IAsyncDisposable
    {
        private Statements(SqliteConnection connection)
        {
            Connection = connection;
            Insert = Command($"INSERT OR IGNORE INTO fixes ({SqliteSchema.FixColumns}) VALUES ({SqliteSchema.FixParameters});");
            SqliteStore.AddFixParameters(Insert);
            Feed = Command("INSERT INTO fix_feed (car_id, from_ts, to_ts) VALUES ($car, $from, $to);", "$car", "$from", "$to");
            Mark = Command("INSERT INTO late_days (day, marks) VALUES ($day, $marks) ON CONFLICT (day) DO UPDATE SET marks = marks + excluded.marks;", "$day", "$marks");
            Latest = Command(SqliteStore.AdvanceLatestSql);
            SqliteStore.AddFixParameters(Latest);
            Acknowledge = Command("DELETE FROM fix_feed WHERE car_id = $car AND seq <= $seq;", "$car", "$seq");
        }

        public SqliteConnection Connection { get; }

        public SqliteCommand Insert { get; }

        public SqliteCommand Feed { get; }

        public SqliteCommand Mark { get; }

        public SqliteCommand Latest { get; }

        public SqliteCommand Acknowledge { get; }

        public static async Task<Statements> OpenAsync(SqliteStore store) =>
            new(await store.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false));

        public void Enlist(SqliteTransaction transaction)
        {
            Insert.Transaction = transaction;
            Feed.Transaction = transaction;
            Mark.Transaction = transaction;
            Latest.Transaction = transaction;
            Acknowledge.Transaction = transaction;
        }

        public async ValueTask DisposeAsync()
        {
            foreach (SqliteCommand command in new[] { Insert, Feed, Mark, Latest, Acknowledge })
            {
                await command.DisposeAsync().ConfigureAwait(false);
            }

            await Connection.DisposeAsync().ConfigureAwait(false);
        }

        private SqliteCommand Command(string sql, params string[] parameters)
        {
            SqliteCommand command = Connection.CreateCommand();
            command.CommandText = sql;
            foreach (string name in parameters)
            {
                command.Parameters.Add(new SqliteParameter { ParameterName = name });
            }

            return command;
        }
    }
}
