using Tracker.Core.Fixes;
using Tracker.Core.Wire;

namespace Tracker.Core.Tests.Wire;

/// <summary>
/// The 128 KB guard: AWS IoT Core rejects an MQTT payload over 128 KB, so the encoder never writes
/// one. It fits as many fixes as the cap and the buffer allow and says how many.
/// </summary>
public sealed class BatchSizeGuardTests
{
    [Fact]
    public void HugeNoisyBatch_IsSplit_AndEveryMessageStaysWithin128KB()
    {
        Fix[] fixes = Noisy(25_000, seed: 1);
        var encoder = new BatchEncoder();
        Assert.Equal(BatchFormat.MaxBatchBytes, encoder.MaxMessageBytes);
        byte[] buffer = new byte[BatchFormat.MaxPayloadBytes + 1000];
        Fix[] decoded = new Fix[BatchFormat.MaxFixes];
        int start = 0;
        int messages = 0;
        while (start < fixes.Length)
        {
            int size = encoder.Encode(fixes, start, fixes.Length - start, buffer, 0, out int written);
            Assert.InRange(size, 1, BatchFormat.MaxBatchBytes);
            Assert.InRange(written, 1, fixes.Length - start);
            if (start + written < fixes.Length)
            {
                // Full: one more fix would not have fitted (each noisy fix needs well over 1 byte).
                Assert.True(size > BatchFormat.MaxBatchBytes - 64, $"message {messages} is only {size} bytes");
            }

            Assert.True(BatchDecoder.TryDecode(buffer, 0, size, decoded, out int count, out BatchError error), error.ToString());
            WireTestSupport.AssertSameFixes(fixes[start..(start + written)], decoded, count);
            start += written;
            messages++;
        }

        Assert.True(messages >= 2, "the batch should have needed several messages");
    }

    [Fact]
    public void SmallerCap_IsNeverExceeded_AndIsFilledAsFarAsOneMoreFixAllows()
    {
        Fix[] fixes = DriveLike(500);
        var capped = new BatchEncoder(1024);
        byte[] buffer = new byte[4096];
        int start = 0;
        while (start < fixes.Length)
        {
            int size = capped.Encode(fixes, start, fixes.Length - start, buffer, 0, out int written);
            Assert.True(size <= 1024, $"{size} bytes");
            if (start + written < fixes.Length)
            {
                byte[] oneMore = WireTestSupport.EncodeAll(fixes[start..(start + written + 1)]);
                Assert.True(oneMore.Length > 1024, $"{written + 1} fixes would have fitted in {oneMore.Length} bytes");
            }

            start += written;
        }
    }

    [Fact]
    public void OutputBufferSmallerThanTheCap_IsRespected()
    {
        Fix[] fixes = DriveLike(100);
        byte[] buffer = new byte[150];
        int size = new BatchEncoder().Encode(fixes, 0, fixes.Length, buffer, 20, out int written);
        Assert.InRange(size, BatchFormat.MinMessageBytes, 130);
        Assert.InRange(written, 1, 99);
        WireTestSupport.AssertSameFixes(fixes[..written], WireTestSupport.DecodeAll(buffer[20..(20 + size)]));
    }

    [Fact]
    public void SteadyFixesBeyondMaxFixes_AreCappedByCount_NotBySize()
    {
        Fix[] fixes = Enumerable.Range(0, BatchFormat.MaxFixes + 10)
            .Select(i => WireTestSupport.Make(1_700_000_000_000 + (1000L * i), 395_296_417, -1_198_136_462, 137_390, 0, 9_000, 117, 8))
            .ToArray();
        byte[] buffer = new byte[BatchFormat.MaxPayloadBytes];
        var encoder = new BatchEncoder();
        int size = encoder.Encode(fixes, 0, fixes.Length, buffer, 0, out int written);
        Assert.Equal(BatchFormat.MaxFixes, written);
        Assert.True(size < 64, $"{size} bytes");
        WireTestSupport.AssertSameFixes(fixes[..written], WireTestSupport.DecodeAll(buffer[..size]));
        size = encoder.Encode(fixes, written, fixes.Length - written, buffer, 0, out int rest);
        Assert.Equal(10, rest);
    }

    [Fact]
    public void MaxEncodedSize_BoundsTheWorstCaseFixes()
    {
        // Alternating extremes in every field: the largest residuals the format has.
        Fix[] fixes = Enumerable.Range(0, 200).Select(i => i % 2 == 0
            ? WireTestSupport.Make(long.MinValue, -900_000_000, -1_800_000_000, int.MinValue + 1, 0, 0, 0, 0, mode: 2, quality: 1)
            : WireTestSupport.Make(long.MaxValue, 900_000_000, 0, int.MaxValue, int.MaxValue, 18_000, int.MaxValue, int.MaxValue, mode: 3, quality: 8))
            .ToArray();
        for (int n = 0; n <= fixes.Length; n += 7)
        {
            Assert.True(WireTestSupport.EncodeAll(fixes[..n]).Length <= BatchFormat.MaxEncodedSize(n));
        }
    }

    [Fact]
    public void CapOutsideItsRange_OrAnInvalidFix_IsAProgrammerError()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchEncoder(BatchFormat.MaxBatchBytes + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchEncoder(BatchFormat.MaxEncodedSize(1) - 1));
        var encoder = new BatchEncoder();
        byte[] buffer = new byte[1024];
        Fix bad = Fix.Create(0, 900_000_001, 0);
        Assert.Throws<ArgumentException>(() => encoder.Encode([bad], 0, 1, buffer, 0, out _));
        Fix badMode = Fix.Create(0, 0, 0);
        badMode.Mode = (FixMode)4;
        Assert.Throws<ArgumentException>(() => encoder.Encode([badMode], 0, 1, buffer, 0, out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => encoder.Encode(new Fix[3], 2, 2, buffer, 0, out _));
        Assert.Throws<ArgumentException>(() => encoder.Encode([], 0, 0, new byte[5], 0, out _));
    }

    [Fact]
    public void EncodeAndDecode_AllocateNothing_InSteadyState()
    {
        Fix[] fixes = DriveLike(10);
        var encoder = new BatchEncoder();
        byte[] buffer = new byte[1024];
        Fix[] decoded = new Fix[10];
        int size = encoder.Encode(fixes, 0, 10, buffer, 0, out _);
        BatchDecoder.TryDecode(buffer, 0, size, decoded, out _, out _);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 200; i++)
        {
            size = encoder.Encode(fixes, 0, 10, buffer, 0, out _);
            BatchDecoder.TryDecode(buffer, 0, size, decoded, out _, out _);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    /// <summary>Fixes with uniformly random positions and fields: each costs many bytes.</summary>
    private static Fix[] Noisy(int n, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(i => WireTestSupport.Make(
            1_700_000_000_000 + random.NextInt64(0, 1_000_000_000),
            random.Next(-900_000_000, 900_000_001),
            random.Next(-1_800_000_000, 1_800_000_001),
            random.Next(-50_000, 900_000),
            random.Next(0, 100_000),
            random.Next(0, 36_000),
            random.Next(50, 5_000),
            random.Next(0, 40))).ToArray();
    }

    /// <summary>A smooth 1 Hz drive: 25 m/s north-east with small wobbles.</summary>
    private static Fix[] DriveLike(int n)
    {
        var random = new Random(7);
        return Enumerable.Range(0, n).Select(i => WireTestSupport.Make(
            1_700_000_000_000 + (1000L * i),
            395_296_417 + (i * 1_700) + random.Next(-20, 21),
            -1_198_136_462 + (i * 2_200) + random.Next(-20, 21),
            137_390 + (i * 10),
            25_000 + random.Next(-300, 301),
            4_500 + random.Next(-200, 201),
            80 + (10 * random.Next(0, 2)),
            10)).ToArray();
    }
}
