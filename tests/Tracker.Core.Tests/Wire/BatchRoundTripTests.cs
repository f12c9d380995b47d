using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Tracker.Core.Fixes;
using Tracker.Core.Wire;

namespace Tracker.Core.Tests.Wire;

/// <summary>Every fix field survives the codec exactly, for generated sequences and for named edge cases.</summary>
public sealed class BatchRoundTripTests
{
    [Property(MaxTest = 400)]
    public Property AnyBatch_RoundTripsExactly_WithinTheSizeBound() =>
        Prop.ForAll(FixGenerators.Batches(40).ToArbitrary(), fixes =>
        {
            byte[] message = WireTestSupport.EncodeAll(fixes);
            Assert.True(message.Length <= BatchFormat.MaxEncodedSize(fixes.Length));
            WireTestSupport.AssertSameFixes(fixes, WireTestSupport.DecodeAll(message));
        });

    [Property(MaxTest = 100)]
    public Property AnyBatch_UnderASmallCap_IsSplitIntoMessagesThatEachFitAndRoundTrip() =>
        Prop.ForAll(FixGenerators.Batches(60).ToArbitrary(), Gen.Choose(BatchFormat.MaxEncodedSize(1), 700).ToArbitrary(), (fixes, cap) =>
        {
            var encoder = new BatchEncoder(cap);
            byte[] buffer = new byte[BatchFormat.MaxPayloadBytes];
            var decoded = new List<Fix>();
            Fix[] scratch = new Fix[fixes.Length];
            int start = 0;
            do
            {
                int size = encoder.Encode(fixes, start, fixes.Length - start, buffer, 0, out int written);
                Assert.True(size <= cap, $"{size} > cap {cap}");
                Assert.True(written >= 1 || fixes.Length == 0);
                Assert.True(BatchDecoder.TryDecode(buffer, 0, size, scratch, out int count, out BatchError error), error.ToString());
                Assert.Equal(written, count);
                decoded.AddRange(scratch.Take(count));
                start += written;
            }
            while (start < fixes.Length);

            WireTestSupport.AssertSameFixes(fixes, [.. decoded]);
        });

    [Fact]
    public void EmptyBatch_IsSixBytes_AndDecodesToNoFixes()
    {
        byte[] message = WireTestSupport.EncodeAll([]);
        Assert.Equal(BatchFormat.MinMessageBytes, message.Length);
        Assert.Empty(WireTestSupport.DecodeAll(message));
    }

    [Fact]
    public void SingleFix_WithEveryOptionalFieldUnknown_RoundTrips()
    {
        Fix[] fixes = [Fix.Create(1_700_000_000_123, 0, 0)];
        WireTestSupport.AssertSameFixes(fixes, WireTestSupport.DecodeAll(WireTestSupport.EncodeAll(fixes)));
    }

    [Fact]
    public void Antimeridian_CrossingBothWays_AndBothEndsOfTheRange_RoundTrip()
    {
        int[] lons = [1_799_999_990, 1_800_000_000, -1_800_000_000, -1_799_999_990, 1_799_999_999, -1_799_999_999, 1_800_000_000];
        Fix[] fixes = lons.Select((lon, i) => Fix.Create(1_000L * i, 899_999_999 - i, lon)).ToArray();
        WireTestSupport.AssertSameFixes(fixes, WireTestSupport.DecodeAll(WireTestSupport.EncodeAll(fixes)));
    }

    [Fact]
    public void Poles_NegativeAltitudes_CourseWrap_AndExtremeTimes_RoundTrip()
    {
        Fix[] fixes =
        [
            WireTestSupport.Make(long.MaxValue, 900_000_000, 0, -41_500, 0, 35_999, 0, 0, mode: 2, quality: 8),
            WireTestSupport.Make(long.MinValue, -900_000_000, 0, int.MinValue + 1, int.MaxValue, 0, int.MaxValue, int.MaxValue),
            WireTestSupport.Make(-1, 900_000_000, 0, int.MaxValue, Fix.Unknown, 1, Fix.Unknown, 12, mode: 2, quality: 2),
            WireTestSupport.Make(long.MaxValue, -900_000_000, 0, -1, 1, 35_998, 9_999, Fix.Unknown),
        ];
        WireTestSupport.AssertSameFixes(fixes, WireTestSupport.DecodeAll(WireTestSupport.EncodeAll(fixes)));
    }

    [Fact]
    public void NonWholeSecond_RepeatedAndOutOfOrderTimes_RoundTrip()
    {
        long[] times = [1_700_000_009_500, 1_700_000_000_250, 1_700_000_000_250, 1_700_000_001_001, 1_699_999_999_999, 1_700_000_001_001];
        Fix[] fixes = times.Select(t => Fix.Create(t, 395_296_417, -1_198_136_462)).ToArray();
        WireTestSupport.AssertSameFixes(fixes, WireTestSupport.DecodeAll(WireTestSupport.EncodeAll(fixes)));
    }

    [Fact]
    public void SteadyFixes_CostNothingPerFix_BeyondTheFirstFew()
    {
        // A parked car reporting at 1 Hz: only the time moves, in equal steps. Each extra fix is free.
        Fix[] ten = Enumerable.Range(0, 10).Select(i => WireTestSupport.Make(1_700_000_000_000 + (1000L * i), 395_296_417, -1_198_136_462, 137_390, 0, 9_000, 117, 8)).ToArray();
        Fix[] thousand = Enumerable.Range(0, 1000).Select(i => WireTestSupport.Make(1_700_000_000_000 + (1000L * i), 395_296_417, -1_198_136_462, 137_390, 0, 9_000, 117, 8)).ToArray();
        byte[] small = WireTestSupport.EncodeAll(ten);
        byte[] large = WireTestSupport.EncodeAll(thousand);
        Assert.True(large.Length - small.Length <= 1, $"{small.Length} vs {large.Length}");
        WireTestSupport.AssertSameFixes(thousand, WireTestSupport.DecodeAll(large));
    }
}
