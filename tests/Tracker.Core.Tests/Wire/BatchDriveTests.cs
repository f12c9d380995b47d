using System.Globalization;
using Tracker.Core.Fixes;
using Tracker.Core.Wire;
using Xunit.Abstractions;

namespace Tracker.Core.Tests.Wire;

/// <summary>Bytes per fix on the real three-hour drive (../shared/data/drives), every batch decoded back.</summary>
public sealed class BatchDriveTests(ITestOutputHelper output)
{
    [SharedDataFact(DriveData.DrivePath)]
    public void Drive_InTenFixBatches_CostsAtMostTwelveBytesPerFix()
    {
        Fix[] fixes = DriveData.LoadFixes()!;
        double perFix = BytesPerFix(fixes, 10);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{fixes.Length} fixes, batches of 10: {perFix:F2} B/fix"));
        Assert.True(perFix <= 12.0, $"{perFix:F2} B/fix");
    }

    [SharedDataFact(DriveData.DrivePath)]
    public void Drive_BytesPerFix_ForEveryBatchSize()
    {
        Fix[] fixes = DriveData.LoadFixes()!;
        double previous = double.MaxValue;
        foreach (int size in new[] { 1, 5, 10, 25, 50, 100 })
        {
            double perFix = BytesPerFix(fixes, size);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"batches of {size,3}: {perFix,6:F2} B/fix"));
            Assert.True(perFix < previous, "bigger batches must not cost more per fix");
            previous = perFix;
        }
    }

    [SharedDataFact(DriveData.DrivePath)]
    public void Drive_NewestFirstThenBacklog_RoundTrips()
    {
        // After a reconnect the uplink sends the newest fix first, then the backlog in order.
        Fix[] fixes = DriveData.LoadFixes()!;
        Fix[] batch = new Fix[10];
        batch[0] = fixes[2000 + 9];
        Array.Copy(fixes, 2000, batch, 1, 9);
        WireTestSupport.AssertSameFixes(batch, WireTestSupport.DecodeAll(WireTestSupport.EncodeAll(batch)));
    }

    /// <summary>Total message bytes over fixes when the drive is sent in consecutive batches of <paramref name="size"/>.</summary>
    private static double BytesPerFix(Fix[] fixes, int size)
    {
        var encoder = new BatchEncoder();
        byte[] buffer = new byte[BatchFormat.MaxPayloadBytes];
        Fix[] decoded = new Fix[size];
        long total = 0;
        for (int start = 0; start < fixes.Length; start += size)
        {
            int count = Math.Min(size, fixes.Length - start);
            int bytes = encoder.Encode(fixes, start, count, buffer, 0, out int written);
            Assert.Equal(count, written);
            Assert.True(BatchDecoder.TryDecode(buffer, 0, bytes, decoded, out int n, out BatchError error), error.ToString());
            WireTestSupport.AssertSameFixes(fixes[start..(start + count)], decoded[..n]);
            total += bytes;
        }

        return (double)total / fixes.Length;
    }
}
