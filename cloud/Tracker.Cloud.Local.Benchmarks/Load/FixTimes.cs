using Microsoft.Data.Sqlite;
using Tracker.Simulation.Car;

namespace Tracker.Cloud.Local.Benchmarks.Load;

/// <summary>
/// The fixes a run left behind, by car and fix time, read where they are rather than from counters: the rows in the host's
/// store, and the records still in each car's FixLog on its flash folder (what it has not had acknowledged). The two
/// overlap where a batch was stored and its PUBACK never reached the car: <see cref="FixCount"/> sorts that out.
/// </summary>
public static class FixTimes
{
    /// <summary>Every row of the store's fixes table, by car: its fix times, ascending.</summary>
    /// <param name="database">The host's SQLite file.</param>
    /// <returns>The times by car.</returns>
    public static Dictionary<string, long[]> InStore(string database)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadOnly }.ToString());
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT car_id, ts FROM fixes ORDER BY car_id, ts";
        using SqliteDataReader reader = command.ExecuteReader();
        var byCar = new Dictionary<string, long[]>(StringComparer.Ordinal);
        string? car = null;
        List<long> times = [];
        while (reader.Read())
        {
            string next = reader.GetString(0);
            if (next != car)
            {
                Close(byCar, car, times);
                car = next;
            }

            times.Add(reader.GetInt64(1));
        }

        Close(byCar, car, times);
        return byCar;
    }

    /// <summary>
    /// The fixes still in the logs of the cars whose flash folders are under <paramref name="flashDirectory"/>, by car:
    /// their times, ascending (<see cref="CarFlashLogs"/>, read in place: the run's cars have stopped for good).
    /// </summary>
    /// <param name="flashDirectory">The fleet's flash folder.</param>
    /// <param name="capacityBytes">The logs' capacity (as the cars opened them).</param>
    /// <returns>The times by car (cars with an empty log are absent).</returns>
    public static Dictionary<string, long[]> InCarLogs(string flashDirectory, int capacityBytes = SimulatedCarOptions.DefaultLogCapacityBytes)
        => CarFlashLogs.PendingTimes(flashDirectory, readCopy: false, capacityBytes);

    private static void Close(Dictionary<string, long[]> byCar, string? car, List<long> times)
    {
        if (car is not null)
        {
            byCar[car] = [.. times];
        }

        times.Clear();
    }
}
