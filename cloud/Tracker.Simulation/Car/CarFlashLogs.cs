using Tracker.Core.Fixes;
using Tracker.Core.Storage;

namespace Tracker.Simulation.Car;

/// <summary>
/// The fixes the simulated cars still hold: each car's FixLog on its flash folder (one folder a car under the fleet's
/// flash folder, named by its id), read with the firmware's own <see cref="FixLog"/>, so what counts as held is what the
/// car itself would send at its next start: every record not committed. A damaged log gives what it holds intact and
/// nothing invented: the log skips a file whose header is not a segment's and marks a run whose records do not check as
/// unreadable.
/// </summary>
public static class CarFlashLogs
{
    /// <summary>
    /// The times of the fixes still in each car's log, ascending. The folders of updates (<c>car-0001.app</c>: a name
    /// with a dot) are not cars and are skipped; a car whose log holds nothing is absent.
    /// </summary>
    /// <param name="flashDirectory">The fleet's flash folder (absent: no car holds anything).</param>
    /// <param name="readCopy">
    /// True to read each car's folder from a copy: opening a log recovers it (deletes a half-created segment, marks
    /// unreadable runs done), so a folder a car or the host will open again is left as it was. False reads in place, for
    /// a fleet that has stopped for good.
    /// </param>
    /// <param name="capacityBytes">The logs' capacity, as the cars opened them.</param>
    /// <returns>The times by car.</returns>
    /// <exception cref="IOException">A car's folder could not be read or copied; the message names it.</exception>
    public static Dictionary<string, long[]> PendingTimes(string flashDirectory, bool readCopy, int capacityBytes = SimulatedCarOptions.DefaultLogCapacityBytes)
    {
        ArgumentNullException.ThrowIfNull(flashDirectory);
        var byCar = new Dictionary<string, long[]>(StringComparer.Ordinal);
        if (!Directory.Exists(flashDirectory))
        {
            return byCar;
        }

        FixLogOptions options = FixLogOptions.ForCapacity(capacityBytes);
        foreach (string folder in Directory.EnumerateDirectories(flashDirectory).Order(StringComparer.Ordinal))
        {
            string car = Path.GetFileName(folder);
            if (car.Contains('.', StringComparison.Ordinal))
            {
                continue;
            }

            long[] times;
            try
            {
                times = readCopy ? FromCopy(folder, options) : Pending(folder, options);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new IOException("The flash log of " + car + " (" + folder + ") could not be read: " + e.Message, e);
            }

            if (times.Length > 0)
            {
                byCar[car] = times;
            }
        }

        return byCar;
    }

    private static long[] FromCopy(string folder, FixLogOptions options)
    {
        string copy = Directory.CreateTempSubdirectory("tracker-flash-copy-").FullName;
        try
        {
            foreach (string file in Directory.EnumerateFiles(folder))
            {
                File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
            }

            return Pending(copy, options);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    private static long[] Pending(string folder, FixLogOptions options)
    {
        FixLog log = FixLog.Open(new ClosedFileFlash(), folder, options);
        long pending = log.PendingCount;
        if (pending == 0)
        {
            return [];
        }

        // One batch takes the newest record first, then the backlog from the oldest; each stays in flight, so the next
        // takes what follows: every record not committed, once.
        var output = new Fix[(int)Math.Min(pending + 1, 4096)];
        List<long> times = [];
        int taken;
        while (times.Count < pending && (taken = log.TakeBatch(output, output.Length, new LogBatch())) > 0)
        {
            for (int i = 0; i < taken; i++)
            {
                times.Add(output[i].TimeMs);
            }
        }

        times.Sort();
        return [.. times];
    }
}
