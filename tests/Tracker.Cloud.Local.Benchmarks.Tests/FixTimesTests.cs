using Microsoft.Data.Sqlite;
using Tracker.Cloud.Local.Benchmarks.Load;
using Tracker.Core.Fixes;
using Tracker.Core.Storage;
using Tracker.Simulation.Car;
using Tracker.Testing;

namespace Tracker.Cloud.Local.Benchmarks.Tests;

/// <summary>
/// The account's two readers: the fixes still in the cars' FixLogs on their flash folders (what was never acknowledged,
/// committed records excluded), and the store's rows, each by car and fix time. A damaged log gives what it holds intact
/// and nothing invented.
/// </summary>
public sealed class FixTimesTests : IDisposable
{
    private const long T0 = 1_780_000_000_000;
    private readonly TempFolder _folder = new("tracker-fix-times-");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }

    [Fact]
    public void ACarsLog_GivesTheFixesNotYetAcknowledged_AndNoneItCommitted()
    {
        FixLog log = Log("car-0001", 5);
        var batch = new LogBatch();
        Assert.Equal(3, log.TakeBatch(new Fix[3], 3, batch)); // the newest first, then the oldest two
        Assert.Equal(FixLogResult.Ok, log.Commit(batch));

        Dictionary<string, long[]> logs = FixTimes.InCarLogs(_folder.Path);

        Assert.Equal(new[] { T0 + 2000, T0 + 3000 }, logs["car-0001"]);
    }

    [Fact]
    public void AnEmptyLog_AnUpdatesFolder_AndNoFlashFolder_GiveNothing()
    {
        FixLog log = Log("car-0001", 2);
        var batch = new LogBatch();
        Assert.Equal(2, log.TakeBatch(new Fix[2], 2, batch));
        Assert.Equal(FixLogResult.Ok, log.Commit(batch));
        Directory.CreateDirectory(_folder.Combine("car-0001.app"));
        File.WriteAllBytes(Path.Combine(_folder.Combine("car-0001.app"), "00000000.fxl"), [1, 2, 3]);

        Assert.Empty(FixTimes.InCarLogs(_folder.Path));
        Assert.Empty(FixTimes.InCarLogs(_folder.Combine("absent")));
    }

    [Fact]
    public void AGarbageSegment_GivesNoFix_AndAGoodLogWithAGarbageTail_KeepsItsFixes()
    {
        Directory.CreateDirectory(_folder.Combine("car-0002"));
        File.WriteAllBytes(Path.Combine(_folder.Combine("car-0002"), "00000000.fxl"), [.. Enumerable.Range(0, 300).Select(i => (byte)(i * 37))]);
        Log("car-0003", 4);
        string segment = Directory.GetFiles(_folder.Combine("car-0003"), "*.fxl").Single();
        using (FileStream tail = File.Open(segment, FileMode.Append))
        {
            tail.Write([0xFF, 0x00, 0x13, 0x37, 0xAB]);
        }

        Dictionary<string, long[]> logs = FixTimes.InCarLogs(_folder.Path);

        Assert.False(logs.TryGetValue("car-0002", out long[]? invented) && invented.Length > 0);
        Assert.Equal(new[] { T0, T0 + 1000, T0 + 2000, T0 + 3000 }, logs["car-0003"]);
    }

    [Fact]
    public void TheStore_GivesEachCarsRows_Ascending()
    {
        string database = _folder.Combine("tracker.db");
        using (var connection = new SqliteConnection($"Data Source={database}"))
        {
            connection.Open();
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE fixes (car_id TEXT, ts INTEGER, PRIMARY KEY (car_id, ts)); INSERT INTO fixes VALUES ('car-0002', 5), ('car-0001', 9), ('car-0001', 3);";
            command.ExecuteNonQuery();
        }

        Dictionary<string, long[]> stored = FixTimes.InStore(database);

        Assert.Equal(new[] { 3L, 9L }, stored["car-0001"]);
        Assert.Equal(new[] { 5L }, stored["car-0002"]);
    }

    private FixLog Log(string car, int fixes)
    {
        FixLog log = FixLog.Open(new ClosedFileFlash(), _folder.Combine(car), FixLogOptions.ForCapacity(SimulatedCarOptions.DefaultLogCapacityBytes));
        for (int i = 0; i < fixes; i++)
        {
            Fix fix = Fix.Create(T0 + (i * 1000), 395_296_000 + (i * 900), -1_198_138_000);
            Assert.Equal(FixLogResult.Ok, log.Append(ref fix));
        }

        return log;
    }
}
