using Tracker.Core.Fixes;
using Tracker.Core.Storage;
using Xunit.Abstractions;
using static Tracker.Core.Tests.Storage.LogTestKit;

namespace Tracker.Core.Tests.Storage;

/// <summary>
/// The capacity target: at least 200,000 fixes in a 3 MB partition, i.e. at most 15.7 bytes per fix
/// including every header, keyframe, snapshot and CRC. Measured as the log's own bytes on flash.
/// </summary>
public sealed class FixLogCapacityTests(ITestOutputHelper output)
{
    private const int ThreeMegabytes = 3 * 1024 * 1024;
    private const int Target = 200_000;

    [Fact]
    public void SyntheticDrive_200000Fixes_FitIn3MB()
    {
        Fix[] fixes = SyntheticRoute.Generate(Target, seed: 11);
        double perFix = Measure(fixes, "synthetic 1 Hz route");
        Assert.True(perFix <= 15.7, $"{perFix:F2} bytes per fix");
    }

    [SharedDataFact(DriveData.DrivePath)]
    public void GarminDrive_ReplayedTo200000Fixes_FitsIn3MB()
    {
        Fix[] drive = DriveData.LoadFixes()!;
        long span = drive[^1].TimeMs - drive[0].TimeMs;
        long medianStep = drive.Zip(drive.Skip(1), (a, b) => b.TimeMs - a.TimeMs).Order().ElementAt(drive.Length / 2);
        output.WriteLine($"drive: {drive.Length} fixes over {span / 1000} s, median step {medianStep} ms");

        // Replay the drive back and forth (so that each pass continues where the last one ended),
        // shifting time so that it keeps increasing.
        var fixes = new Fix[Target];
        long shift = 0;
        int pass = 0;
        for (int i = 0; i < Target; pass++)
        {
            for (int k = 0; k < drive.Length && i < Target; k++, i++)
            {
                Fix f = drive[pass % 2 == 0 ? k : drive.Length - 1 - k];
                f.TimeMs = drive[0].TimeMs + shift + (k * medianStep);
                fixes[i] = f;
            }

            shift += (drive.Length + 60) * medianStep;
        }

        double perFix = Measure(fixes, "garmin-drive-2005 replayed");
        Assert.True(perFix <= 15.7, $"{perFix:F2} bytes per fix");
    }

    private double Measure(Fix[] fixes, string what)
    {
        var fs = new FaultyFlash();
        FixLogOptions options = FixLogOptions.ForCapacity(ThreeMegabytes);
        var log = FixLog.Open(fs, Dir, options);
        AppendAll(log, fixes);

        Assert.Equal(0, log.Evictions);
        Assert.Equal(fixes.Length, log.PendingCount);
        Assert.True(log.UsedBytes <= ThreeMegabytes);
        Assert.Equal(fs.TotalBytes, log.UsedBytes);
        double perFix = (double)log.UsedBytes / fixes.Length;
        output.WriteLine(
            $"{what}: {fixes.Length} fixes in {log.UsedBytes} bytes ({log.SegmentCount} segments of {options.SegmentBytes}), "
            + $"{perFix:F2} bytes/fix; 3 MB holds {ThreeMegabytes / perFix:F0} fixes");

        // Everything reads back bit-exact after a reopen.
        List<Fix> read = Drain(FixLog.Open(fs, Dir, options), commit: false, max: 10_000);
        Assert.True(Same(fixes[^1], read[0]));
        AssertSameSequence(fixes.Take(fixes.Length - 1).ToArray(), read.Skip(1).ToArray());
        return perFix;
    }
}
