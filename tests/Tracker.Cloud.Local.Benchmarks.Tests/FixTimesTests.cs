using Microsoft.Data.Sqlite;
using Tracker.Cloud.Local.Benchmarks.Load;
using Tracker.Testing;

namespace Tracker.Cloud.Local.Benchmarks.Tests;

/// <summary>
/// The account's store reader: the store's rows, by car and fix time. The other reader, the fixes still in the cars'
/// FixLogs (<see cref="FixTimes.InCarLogs"/>), is the simulation's shared one, tested with it (Tracker.Simulation.Tests,
/// CarFlashLogsTests: committed records, damaged logs, update folders, an absent flash folder).
/// </summary>
public sealed class FixTimesTests : IDisposable
{
    private readonly TempFolder _folder = new("tracker-fix-times-");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
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
}
