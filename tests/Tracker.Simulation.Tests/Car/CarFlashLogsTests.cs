using Tracker.Core.Fixes;
using Tracker.Core.Storage;
using Tracker.Simulation.Car;

namespace Tracker.Simulation.Tests.Car;

/// <summary>
/// The one reader of what the simulated cars still hold in flash (the load bench's account and the host's restart test
/// use it): every record not committed, by car and time, from the firmware's own FixLog; a damaged log gives what it
/// holds intact and nothing invented; read from a copy, the car's folder is left as it was.
/// </summary>
public sealed class CarFlashLogsTests : IDisposable
{
    private const long T0 = 1_780_000_000_000;
    private readonly TempFolder _folder = new("tracker-car-flash-logs-");

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ACarsLog_GivesTheFixesNotYetAcknowledged_Ascending_AndNoneItCommitted(bool readCopy)
    {
        FixLog log = Log("car-0001", 5);
        var batch = new LogBatch();
        Assert.Equal(3, log.TakeBatch(new Fix[3], 3, batch)); // the newest first, then the oldest two
        Assert.Equal(FixLogResult.Ok, log.Commit(batch));
        Log("car-0002", 2);

        Dictionary<string, long[]> held = CarFlashLogs.PendingTimes(_folder.Path, readCopy);

        Assert.Equal(new[] { T0 + 2000, T0 + 3000 }, held["car-0001"]);
        Assert.Equal(new[] { T0, T0 + 1000 }, held["car-0002"]);
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

        Assert.Empty(CarFlashLogs.PendingTimes(_folder.Path, readCopy: true));
        Assert.Empty(CarFlashLogs.PendingTimes(_folder.Combine("absent"), readCopy: true));
    }

    [Fact]
    public void AGarbageSegment_AndAnEmptyOne_GiveNoFix()
    {
        Directory.CreateDirectory(_folder.Combine("car-0002"));
        File.WriteAllBytes(Path.Combine(_folder.Combine("car-0002"), "00000000.fxl"), [.. Enumerable.Range(0, 300).Select(i => (byte)(i * 37))]);
        Directory.CreateDirectory(_folder.Combine("car-0003"));
        File.WriteAllBytes(Path.Combine(_folder.Combine("car-0003"), "00000000.fxl"), []);

        Dictionary<string, long[]> held = CarFlashLogs.PendingTimes(_folder.Path, readCopy: true);

        Assert.False(held.ContainsKey("car-0002"), "fixes invented from garbage");
        Assert.False(held.ContainsKey("car-0003"), "fixes invented from an empty file");
    }

    [Fact]
    public void ATruncatedSegment_GivesOnlyFixesThatWereWritten_AndKeepsTheIntactOnes()
    {
        Log("car-0004", 6);
        string segment = Directory.GetFiles(_folder.Combine("car-0004"), "*.fxl").Single();
        using (FileStream file = File.Open(segment, FileMode.Open))
        {
            file.SetLength(file.Length - 3); // the last record cut short, as by a power cut mid-write
        }

        long[] held = CarFlashLogs.PendingTimes(_folder.Path, readCopy: true)["car-0004"];

        Assert.Subset(Enumerable.Range(0, 6).Select(i => T0 + (i * 1000)).ToHashSet(), held.ToHashSet());
        Assert.Equal(held.Length, held.Distinct().Count());
        Assert.Contains(T0, held);
        Assert.Contains(T0 + 4000, held);
    }

    [Fact]
    public void AGoodLogWithAGarbageTail_KeepsItsFixes()
    {
        Log("car-0005", 4);
        string segment = Directory.GetFiles(_folder.Combine("car-0005"), "*.fxl").Single();
        using (FileStream tail = File.Open(segment, FileMode.Append))
        {
            tail.Write([0xFF, 0x00, 0x13, 0x37, 0xAB]);
        }

        Assert.Equal(new[] { T0, T0 + 1000, T0 + 2000, T0 + 3000 }, CarFlashLogs.PendingTimes(_folder.Path, readCopy: true)["car-0005"]);
    }

    [Fact]
    public void ReadFromACopy_LeavesTheCarsFolderAsItWas_InPlaceTheLogRecovers()
    {
        Log("car-0006", 3);
        string halfMade = Path.Combine(_folder.Combine("car-0006"), "00000009.tmp"); // a segment whose creation was cut short
        File.WriteAllBytes(halfMade, [0, 1, 2]);
        string[] before = [.. Directory.GetFiles(_folder.Combine("car-0006")).Order(StringComparer.Ordinal)];
        byte[][] contents = [.. before.Select(File.ReadAllBytes)];

        Assert.Equal(3, CarFlashLogs.PendingTimes(_folder.Path, readCopy: true)["car-0006"].Length);

        Assert.Equal(before, Directory.GetFiles(_folder.Combine("car-0006")).Order(StringComparer.Ordinal));
        Assert.Equal(contents, before.Select(File.ReadAllBytes));
        Assert.Equal(3, CarFlashLogs.PendingTimes(_folder.Path, readCopy: false)["car-0006"].Length);
        Assert.False(File.Exists(halfMade), "reading in place did not recover the log (the copy test then proves nothing)");
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
