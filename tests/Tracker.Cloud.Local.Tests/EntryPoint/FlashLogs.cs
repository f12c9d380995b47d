using Tracker.Core.Fixes;
using Tracker.Core.Storage;
using Tracker.Device.Storage;
using Tracker.Simulation.Car;

namespace Tracker.Cloud.Local.Tests.EntryPoint;

/// <summary>What the simulated cars hold in their flash logs (data/flash/car-NNNN), read with the firmware's own FixLog.</summary>
public static class FlashLogs
{
    /// <summary>
    /// The times of the fixes each car's FixLog still holds (recorded, not yet acknowledged). Read from a copy, so the
    /// log's recovery does not touch what the host will open next.
    /// </summary>
    public static Dictionary<string, HashSet<long>> Pending(string dataDirectory)
    {
        var pending = new Dictionary<string, HashSet<long>>(StringComparer.Ordinal);
        string flash = Path.Combine(dataDirectory, "flash");
        if (!Directory.Exists(flash))
        {
            return pending;
        }

        foreach (string carDirectory in Directory.GetDirectories(flash).Order(StringComparer.Ordinal))
        {
            using var folder = new TempFolder("tracker-flash-copy-");
            string copy = folder.Path;
            foreach (string file in Directory.GetFiles(carDirectory))
            {
                File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
            }

            using var fs = new DirectoryFlashFileSystem();
            FixLog log = FixLog.Open(fs, copy, FixLogOptions.ForCapacity(SimulatedCarOptions.DefaultLogCapacityBytes));
            var times = new HashSet<long>();
            var fixes = new Fix[100];
            int taken;
            do
            {
                taken = log.TakeBatch(fixes, fixes.Length, new LogBatch()); // each batch stays in flight: the next takes what follows
                for (int i = 0; i < taken; i++)
                {
                    times.Add(fixes[i].TimeMs);
                }
            }
            while (taken > 0);

            pending[Path.GetFileName(carDirectory)] = times;
        }

        return pending;
    }
}
