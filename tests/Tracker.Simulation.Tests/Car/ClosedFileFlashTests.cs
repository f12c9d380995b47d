using Tracker.Core.Fixes;
using Tracker.Core.Storage;
using Tracker.Simulation.Car;
using Tracker.Simulation.Gnss;
using Tracker.Simulation.Routes;
using Tracker.Simulation.Tests.Support;
using Xunit.Abstractions;

namespace Tracker.Simulation.Tests.Car;

/// <summary>
/// The simulated car's flash, which holds no file open between calls so that a load process of 10,000 cars needs one
/// descriptor a car (its socket) and not three: the FixLog's contract, its recovery after the process dies, and the
/// descriptors a few hundred running cars hold, read from /proc/self/fd.
/// </summary>
public sealed class ClosedFileFlashTests(ITestOutputHelper output) : IDisposable
{
    private const long Start = 1_767_268_800_000; // 2026-01-01T12:00:00Z

    private readonly TempFolder _folder = new("tracker-closed-flash-");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void MissingFile_HasNoLengthAndReadsNothing_AndDeletingItIsHarmless()
    {
        var flash = new ClosedFileFlash();
        string path = flash.Combine(_folder.Path, "absent.seg");

        Assert.Equal(-1, flash.Length(path));
        Assert.Equal(0, flash.ReadAt(path, 0, new byte[8], 0, 8));
        flash.Delete(path);
        Assert.Empty(flash.ListFiles(_folder.Path));
    }

    [Fact]
    public void Appends_GrowTheFile_AndReadsAtAnOffsetStopAtItsEnd()
    {
        var flash = new ClosedFileFlash();
        string sub = Path.Combine(_folder.Path, "log");
        flash.CreateDirectory(sub);
        flash.CreateDirectory(sub);
        string path = flash.Combine(sub, "0001.seg");

        flash.Append(path, [9, 10, 11, 12], 1, 2);
        flash.Append(path, [13, 14, 15], 0, 3);
        var into = new byte[6];

        Assert.Equal(5, flash.Length(path));
        Assert.Equal(2, flash.ReadAt(path, 3, into, 2, 4));
        Assert.Equal(new byte[] { 0, 0, 14, 15, 0, 0 }, into);
        Assert.Equal(0, flash.ReadAt(path, 5, into, 0, 1));
        Assert.Equal(0, flash.ReadAt(path, 500, into, 0, 1));
        Assert.Equal(["0001.seg"], flash.ListFiles(sub));
    }

    [Fact]
    public void Rename_MovesTheBytes_AndNeverReplacesAFileThatExists()
    {
        var flash = new ClosedFileFlash();
        string a = flash.Combine(_folder.Path, "a.tmp");
        string b = flash.Combine(_folder.Path, "b.seg");
        flash.Append(a, [1, 2, 3], 0, 3);
        flash.Rename(a, b);
        flash.Append(a, [4], 0, 1);

        Assert.Throws<IOException>(() => flash.Rename(a, b));
        Assert.Equal(3, flash.Length(b));
        Assert.Equal(1, flash.Length(a));
        flash.Delete(a);
        Assert.Equal(["b.seg"], flash.ListFiles(_folder.Path));
    }

    [Fact]
    public void FixLog_LeftWithoutClosing_IsRecoveredWholeByTheNextCarOnTheFolder()
    {
        // A process that dies never closes anything: the next car over the folder must find every appended fix.
        Fix[] fixes = Firmware.Decode(Firmware.ReadAll(new GeneratedGnss(new RouteGenerator(Drives.Town, 3), Start), Start + 600_000)).ToArray();
        Assert.True(fixes.Length > 500, $"only {fixes.Length} fixes");
        var options = new FixLogOptions(64 * 1024, 4096 - 64, 128, 32);
        var first = FixLog.Open(new ClosedFileFlash(), _folder.Path, options);
        for (int i = 0; i < fixes.Length; i++)
        {
            Assert.Equal(FixLogResult.Ok, first.Append(ref fixes[i]));
        }

        var batch = new LogBatch();
        int committed = first.TakeBatch(new Fix[50], 50, batch);
        Assert.Equal(FixLogResult.Ok, first.Commit(batch));
        Fix[] held = Pending(first, fixes.Length);

        var again = FixLog.Open(new ClosedFileFlash(), _folder.Path, options);

        Assert.Equal(fixes.Length - committed, again.PendingCount);
        Assert.Equal(held.Select(f => f.TimeMs), Pending(again, fixes.Length).Select(f => f.TimeMs));
    }

    [Fact]
    public void ThreeHundredRunningCars_HoldNoFileOpenOnTheirFlash()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // /proc/self/fd is Linux's
        }

        const int Cars = 300;
        int before = Directory.GetFiles("/proc/self/fd").Length;
        var cars = new List<SimulatedCar>();
        try
        {
            for (int i = 1; i <= Cars; i++)
            {
                string id = "CAR-" + i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture);
                cars.Add(new SimulatedCar(CarSetups.Options(id, Path.Combine(_folder.Path, id), 7), new GeneratedGnss(new RouteGenerator(Drives.Town, i), Start), new AckingLink(keepPublished: false)));
            }

            // 20 s of driving: every car appends, publishes, and commits what the link acknowledged.
            for (long now = 0; now <= 20_000; now += 250)
            {
                foreach (SimulatedCar car in cars)
                {
                    car.Step(Start + now, now);
                }
            }

            int onFlash = OpenUnder(_folder.Path);
            int all = Directory.GetFiles("/proc/self/fd").Length;
            output.WriteLine($"{Cars} cars: {onFlash} descriptors open on their flash, {all - before} more in the process than before them");

            Assert.True(cars.All(c => c.FixesRecorded > 0 && c.AppendFailures == 0), "every car should record and append without failing");
            Assert.True(cars.Sum(c => c.Counters.Commits) > Cars, "the cars should have read back and committed batches");
            Assert.Equal(0, onFlash);
            Assert.True(all - before < Cars / 10, $"{all - before} descriptors more with {Cars} cars");
        }
        finally
        {
            cars.ForEach(c => c.Dispose());
        }
    }

    // What the log would send next, in order, left uncommitted.
    private static Fix[] Pending(FixLog log, int most)
    {
        var into = new Fix[most];
        int n = log.TakeBatch(into, most, new LogBatch());
        return into[..n];
    }

    private static int OpenUnder(string folder)
    {
        int count = 0;
        foreach (string fd in Directory.GetFiles("/proc/self/fd"))
        {
            try
            {
                if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith(folder, StringComparison.Ordinal))
                {
                    count++;
                }
            }
            catch (IOException)
            {
                // closed while we looked
            }
        }

        return count;
    }
}
