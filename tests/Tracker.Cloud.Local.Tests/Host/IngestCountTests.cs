using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Tracker.Cloud.Core.Ingest;
using Tracker.Cloud.Local.Ingest;
using Tracker.Cloud.Local.Observability;
using Tracker.Cloud.Sqlite;
using Tracker.Testing;

namespace Tracker.Cloud.Local.Tests.Host;

/// <summary>
/// The host's count of fixes stored (<c>tracker_ingest_fixes_total</c>) is the store's, also when cars' connections close
/// while their batches are being stored: a 10,000-car run counted 515,858 against 1,537,667 rows (issue 19).
/// </summary>
public sealed class IngestCountTests : IDisposable
{
    private const int Cars = IngestGate.MaxConcurrent + 4; // some hold a slot, the others wait at the gate
    private const int FixesPerBatch = 5;
    private readonly TempFolder _folder = new("tracker-ingest-count-");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }

    [Fact]
    public async Task ConnectionsThatCloseWhileTheirBatchesAreStored_AreCountedForEveryFixTheStoreHolds()
    {
        string database = _folder.Combine("tracker.db");
        var (store, metrics, gate) = await OpenGateAsync(database);
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var connections = new CancellationTokenSource[Cars];
        var calls = new Task<bool>[Cars];

        // Another writer holds the file, so the batches that got an ingest slot wait in the store's group, the rest at the gate.
        await using (var blocker = new SqliteConnection($"Data Source={database}"))
        {
            await blocker.OpenAsync();
            await using SqliteTransaction hold = blocker.BeginTransaction(deferred: false);
            for (int i = 0; i < Cars; i++)
            {
                string car = $"car-{i + 1:0000}";
                connections[i] = new CancellationTokenSource();
                calls[i] = gate.IngestAsync(car, $"tracker/{car}/fixes", LocalHostFixture.Encode(LocalHostFixture.Drive(FixesPerBatch, now - (i * 60_000))), connections[i].Token);
            }

            for (int waited = 0; metrics.IngestWaiting < Cars - IngestGate.MaxConcurrent && waited < 100; waited++)
            {
                await Task.Delay(50);
            }

            await Task.Delay(500); // the slots' holders read the car's last fix, then queue their writes

            // Every car's connection closes (a reconnect took its session over); then the other writer lets go.
            foreach (CancellationTokenSource connection in connections)
            {
                await connection.CancelAsync();
            }

            await Task.Delay(100);
            await hold.RollbackAsync();
        }

        int finished = 0;
        foreach (Task<bool> call in calls)
        {
            try
            {
                Assert.True(await call);
                finished++;
            }
            catch (OperationCanceledException)
            {
                // It never reached the store: nothing of it was written, and nothing counted.
            }
        }

        // A later write through the store's groups returns only once everything queued before it is committed.
        await store.AcknowledgeAsync("car-0001", 0, CancellationToken.None);
        long rows = StoredRows(database);
        Assert.Equal(rows, metrics.FixesAccepted);
        Assert.Equal(finished * FixesPerBatch, rows);
        Assert.InRange(finished, 1, IngestGate.MaxConcurrent);
        foreach (CancellationTokenSource connection in connections)
        {
            connection.Dispose();
        }
    }

    /// <summary>An ingest gate over a new SQLite store on <paramref name="database"/>, with its metrics.</summary>
    internal static async Task<(SqliteStore Store, HostMetrics Metrics, IngestGate Gate)> OpenGateAsync(string database)
    {
        SqliteStore store = await SqliteStore.OpenAsync(new SqliteStoreOptions { Path = database, SyncEveryCommit = false, ChangeFeed = true }, CancellationToken.None);
        var metrics = new HostMetrics(TimeProvider.System);
        var gate = new IngestGate(new IngestService(store, new IngestOptions(), TimeProvider.System), metrics, new PublishTimes(), TimeProvider.System, NullLogger<IngestGate>.Instance);
        return (store, metrics, gate);
    }

    internal static long StoredRows(string database)
    {
        using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly");
        connection.Open();
        using SqliteCommand count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM fixes";
        return (long)count.ExecuteScalar()!;
    }
}
