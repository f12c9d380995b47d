using Microsoft.Data.Sqlite;
using Tracker.Cloud.Local.Ingest;
using Tracker.Testing;

namespace Tracker.Cloud.Local.Tests.Host;

/// <summary>
/// The host's stop closes the ingest gate once the MQTT server has stopped: what holds a slot is stored, what still waits
/// for one is refused without touching the store (its connection is gone, so no PUBACK could go; its car sends it again).
/// Storing the queue would hold the stop, and Derive's last steps behind it (issue 19: 10,000 cars, a 19.8 s stop).
/// </summary>
public sealed class IngestGateCloseTests : IDisposable
{
    private const int Waiting = 4;
    private const int FixesPerBatch = 3;
    private readonly TempFolder _folder = new("tracker-ingest-close-");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }

    [Fact]
    public async Task AClosedGate_RefusesWhatWaitsForASlot_AndStoresWhatHoldsOne()
    {
        string database = _folder.Combine("tracker.db");
        var (store, metrics, gate) = await IngestCountTests.OpenGateAsync(database);
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        int cars = IngestGate.MaxConcurrent + Waiting;
        var calls = new Task<bool>[cars];

        // Another writer holds the file: the first MaxConcurrent batches take the slots and wait in the store, the rest at the gate.
        await using (var blocker = new SqliteConnection($"Data Source={database}"))
        {
            await blocker.OpenAsync();
            await using SqliteTransaction hold = blocker.BeginTransaction(deferred: false);
            for (int i = 0; i < cars; i++)
            {
                string car = $"car-{i + 1:0000}";
                calls[i] = gate.IngestAsync(car, $"tracker/{car}/fixes", LocalHostFixture.Encode(LocalHostFixture.Drive(FixesPerBatch, now - (i * 60_000))), CancellationToken.None);
            }

            Assert.True(await Poll.UntilAsync(() => metrics.IngestWaiting == Waiting, TimeSpan.FromSeconds(10)), metrics.IngestWaiting + " waiting");
            gate.Close();
            await hold.RollbackAsync();
        }

        bool[] handled = await Task.WhenAll(calls);

        Assert.Equal(IngestGate.MaxConcurrent, handled.Count(h => h));
        Assert.Equal(Waiting, handled.Count(h => !h)); // not acknowledged: each car keeps its batch and sends it again
        Assert.Equal(Waiting, gate.RefusedClosed);
        Assert.Equal(0, metrics.IngestWaiting);
        Assert.Equal(0, metrics.IngestRunning);
        Assert.Equal(0, metrics.IngestFailures); // a refusal at the stop is not a storage failure

        // A later write through the store's groups returns only once everything queued before it is committed.
        await store.AcknowledgeAsync("car-0001", 0, CancellationToken.None);
        Assert.Equal(IngestGate.MaxConcurrent * FixesPerBatch, IngestCountTests.StoredRows(database));
        Assert.Equal(IngestGate.MaxConcurrent * FixesPerBatch, metrics.FixesAccepted);
    }
}
