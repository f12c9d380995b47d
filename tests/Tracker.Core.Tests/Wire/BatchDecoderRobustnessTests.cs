using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Tracker.Core.Fixes;
using Tracker.Core.Wire;

namespace Tracker.Core.Tests.Wire;

/// <summary>
/// The decoder never throws, whatever the bytes: truncated, bit-flipped, random, or crafted to break
/// the format behind a valid checksum. It says why, and never hands back fixes the input did not hold.
/// </summary>
public sealed class BatchDecoderRobustnessTests
{
    [ThreadStatic]
    private static Fix[]? _output;

    private static readonly BatchError[] TruncationErrors = [BatchError.Empty, BatchError.Truncated, BatchError.ChecksumMismatch];

    public static TheoryData<string> SampleNames => new(BatchVectors.Names);

    [Theory]
    [MemberData(nameof(SampleNames))]
    public void EveryTruncation_OfAVector_IsRejectedAsTruncated(string name)
    {
        byte[] message = WireTestSupport.EncodeAll(BatchVectors.Fixes(name));

        // The whole message stays in the buffer, so reading one byte past the given length would be caught.
        for (int length = 0; length < message.Length; length++)
        {
            AssertRejected(message, length, TruncationErrors);
        }
    }

    [Property(MaxTest = 150)]
    public Property EveryTruncation_OfAGeneratedBatch_IsRejected() =>
        Prop.ForAll(FixGenerators.Batches(25).ToArbitrary(), fixes =>
        {
            byte[] message = WireTestSupport.EncodeAll(fixes);
            for (int length = 0; length < message.Length; length++)
            {
                AssertRejected(message, length, TruncationErrors);
            }
        });

    [Theory]
    [MemberData(nameof(SampleNames))]
    public void EverySingleBitFlip_OfAVector_IsDetected(string name)
    {
        // CRC-32 detects every 1- and 2-bit error in messages far longer than 128 KB.
        byte[] message = WireTestSupport.EncodeAll(BatchVectors.Fixes(name));
        for (int bit = 0; bit < message.Length * 8; bit++)
        {
            byte[] flipped = (byte[])message.Clone();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            AssertRejected(flipped, flipped.Length, null);
        }
    }

    [Property(MaxTest = 400)]
    public Property RandomCorruption_OfAGeneratedBatch_IsDetected() =>
        Prop.ForAll(
            FixGenerators.Batches(30).ToArbitrary(),
            Gen.Choose(1, 8).SelectMany(flips => Gen.ArrayOf(Gen.Choose(0, int.MaxValue), flips)).ToArbitrary(),
            (fixes, positions) =>
            {
                byte[] message = WireTestSupport.EncodeAll(fixes);
                byte[] garbled = (byte[])message.Clone();
                foreach (int p in positions)
                {
                    int bit = p % (garbled.Length * 8);
                    garbled[bit / 8] ^= (byte)(1 << (bit % 8));
                }

                if (!garbled.AsSpan().SequenceEqual(message))
                {
                    AssertRejected(garbled, garbled.Length, null);
                }
            });

    [Property(MaxTest = 1000)]
    public Property RandomBytes_NeverThrow_AndAreRejected() =>
        Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), Gen.Elements(true, false).ToArbitrary(), (bytes, versionFirst) =>
        {
            if (versionFirst && bytes.Length > 0)
            {
                bytes[0] = BatchFormat.Version;
            }

            AssertRejected(bytes, bytes.Length, null);
        });

    [Property(MaxTest = 3000)]
    public Property RandomBodies_BehindAValidChecksum_NeverThrow_AndYieldOnlyValidFixes() =>
        Prop.ForAll(Gen.Choose(0, 40).ToArbitrary(), Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b)).ToArbitrary(), (count, body) =>
        {
            byte[] message = new SpecMessage().Build(count, extraBytes: body.Length);
            Array.Copy(body, 0, message, message.Length - body.Length, body.Length);
            AssertValidOrRejected(SpecMessage.WithCrc(message), count);
        });

    [Property(MaxTest = 500)]
    public Property BitFlipsBehindAValidChecksum_NeverThrow_AndYieldOnlyValidFixes() =>
        Prop.ForAll(
            FixGenerators.Batches(30).ToArbitrary(),
            Gen.Choose(1, 3).SelectMany(flips => Gen.ArrayOf(Gen.Choose(0, int.MaxValue), flips)).ToArbitrary(),
            (fixes, positions) =>
            {
                // What a faulty encoder might send: a damaged body with a checksum that matches it.
                byte[] message = WireTestSupport.EncodeAll(fixes);
                int bodyBits = (message.Length - 6) * 8;
                if (bodyBits == 0)
                {
                    return;
                }

                foreach (int p in positions)
                {
                    int bit = 48 + (p % bodyBits);
                    message[bit / 8] ^= (byte)(1 << (bit % 8));
                }

                SpecMessage.WithCrc(message);
                AssertValidOrRejected(message, fixes.Length);
            });

    [Fact]
    public void Empty_IsEmpty() => AssertRejected([], 0, [BatchError.Empty]);

    [Theory]
    [InlineData(0x00)]
    [InlineData(0x02)]
    [InlineData(0x7B)] // '{', the first byte of a JSON payload
    [InlineData(0xFF)]
    public void UnknownVersion_IsUnsupportedVersion(byte version)
    {
        byte[] message = SpecMessage.OneFix(395_296_417).Build(1, version);
        AssertRejected(message, message.Length, [BatchError.UnsupportedVersion]);
        Assert.False(BatchDecoder.TryReadCount(message, 0, message.Length, out _, out BatchError error));
        Assert.Equal(BatchError.UnsupportedVersion, error);
    }

    [Fact]
    public void CountAboveTheFormatLimit_IsCountTooLarge_OrGarbledWhenTheChecksumFails()
    {
        byte[] message = new SpecMessage().Build(BatchFormat.MaxFixes + 1);
        AssertRejected(message, message.Length, [BatchError.CountTooLarge]);
        message[1] ^= 1;
        AssertRejected(message, message.Length, [BatchError.ChecksumMismatch]);
    }

    [Fact]
    public void OutputShorterThanTheCount_IsOutputTooSmall_AndTryReadCountSaysHowBigToMakeIt()
    {
        byte[] message = WireTestSupport.EncodeAll(BatchVectors.Fixes("route10"));
        Assert.False(BatchDecoder.TryDecode(message, 0, message.Length, new Fix[9], out int count, out BatchError error));
        Assert.Equal((0, BatchError.OutputTooSmall), (count, error));
        Assert.True(BatchDecoder.TryReadCount(message, 0, message.Length, out int announced, out _));
        Assert.Equal(10, announced);
    }

    [Fact]
    public void BytesAfterACompleteBatch_AreTrailingBytes()
    {
        byte[] message = WireTestSupport.EncodeAll(BatchVectors.Fixes("single"));
        byte[] longer = SpecMessage.WithCrc([.. message, 0x00]);
        AssertRejected(longer, longer.Length, [BatchError.TrailingBytes]);

        // Appended without fixing the CRC, it is simply garbage after the message: the checksum
        // over the batch still matches, so it is still reported as trailing bytes.
        byte[] appended = [.. message, 0x5A];
        AssertRejected(appended, appended.Length, [BatchError.TrailingBytes]);
    }

    [Fact]
    public void NonZeroPadding_BehindAValidChecksum_IsMalformed()
    {
        byte[] message = SpecMessage.OneFix(395_296_417).Build(1, setPadding: true);
        AssertRejected(message, message.Length, [BatchError.Malformed]);
        Assert.True(BatchDecoder.TryDecode(SpecMessage.OneFix(395_296_417).Build(1), 0, message.Length, new Fix[1], out _, out _));
    }

    [Fact]
    public void WideCodeLongerThan64Bits_IsMalformed()
    {
        byte[] message = new SpecMessage().Bits(0, 2).Bits(65, 7).Bits(0, 64).Build(1);
        AssertRejected(message, message.Length, [BatchError.Malformed]);
    }

    [Theory]
    [InlineData(900_000_001L, 0)]
    [InlineData(-900_000_001L, 0)]
    [InlineData(54_000_001L, 2)] // 54,000,001 units of 1e-4 arc-minute: just past 90 degrees
    [InlineData(1L << 40, 3)]
    public void LatitudeBeyondAPole_BehindAValidChecksum_IsFieldOutOfRange(long q, int unit)
    {
        byte[] message = SpecMessage.OneFix(q, unit).Build(1);
        AssertRejected(message, message.Length, [BatchError.FieldOutOfRange]);
    }

    [Fact]
    public void CraftedMessage_FollowingTheReadme_Decodes()
    {
        byte[] message = SpecMessage.OneFix(54_000_000, 2).Build(1);
        var output = new Fix[1];
        Assert.True(BatchDecoder.TryDecode(message, 0, message.Length, output, out int count, out BatchError error), error.ToString());
        Assert.Equal(1, count);
        WireTestSupport.AssertSameFixes([Fix.Create(0, 900_000_000, 0) with { Mode = FixMode.ThreeD }], output);
    }

    [Fact]
    public void MessageInsideALargerBuffer_DecodesAtItsOffset()
    {
        byte[] message = WireTestSupport.EncodeAll(BatchVectors.Fixes("route10"));
        byte[] buffer = [0xEE, 0xEE, 0xEE, .. message, 0xEE];
        var output = new Fix[10];
        Assert.True(BatchDecoder.TryDecode(buffer, 3, message.Length, output, out int count, out BatchError error), error.ToString());
        WireTestSupport.AssertSameFixes(BatchVectors.Fixes("route10"), output, count);
    }

    [Fact]
    public void NullOrOutOfRangeArguments_AreProgrammerErrors()
    {
        Assert.Throws<ArgumentNullException>(() => BatchDecoder.TryDecode(null!, 0, 0, [], out _, out _));
        Assert.Throws<ArgumentNullException>(() => BatchDecoder.TryDecode([1], 0, 1, null!, out _, out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => BatchDecoder.TryDecode([1, 2], 1, 2, [], out _, out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => BatchDecoder.TryReadCount([1, 2], -1, 1, out _, out _));
    }

    /// <summary>
    /// For a message whose checksum matches: either it decodes into fixes that are all valid and
    /// re-encode to themselves, or it is rejected for a reason other than the checksum.
    /// </summary>
    private static void AssertValidOrRejected(byte[] message, int count)
    {
        var output = new Fix[count];
        if (BatchDecoder.TryDecode(message, 0, message.Length, output, out int n, out BatchError error))
        {
            Assert.Equal(count, n);
            Assert.All(output, f => Assert.True(BatchFormat.IsEncodable(f), WireTestSupport.Describe(f)));
            WireTestSupport.AssertSameFixes(output, WireTestSupport.DecodeAll(WireTestSupport.EncodeAll(output)));
        }
        else
        {
            Assert.Equal(0, n);
            Assert.Contains(error, new[] { BatchError.Truncated, BatchError.Malformed, BatchError.TrailingBytes, BatchError.FieldOutOfRange });
        }
    }

    /// <summary>Decoding must fail, without throwing, with a reason (one of <paramref name="allowed"/> when given), and yield no fixes.</summary>
    private static void AssertRejected(byte[] data, int length, BatchError[]? allowed)
    {
        Fix[] output = _output ??= new Fix[BatchFormat.MaxFixes];
        bool ok = BatchDecoder.TryDecode(data, 0, length, output, out int count, out BatchError error);
        Assert.False(ok, $"decoded {count} fixes from {length} bytes: {WireTestSupport.Hex(data[..length])}");
        Assert.Equal(0, count);
        Assert.NotEqual(BatchError.None, error);
        if (allowed is not null)
        {
            Assert.Contains(error, allowed);
        }
    }
}
