using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Tracker.Core.Uplink;

namespace Tracker.Core.Tests.Uplink;

public class StatusCodecTests
{
    // The vectors of Uplink/README.md, "Status message": checked by hand against zlib's CRC-32.
    private const string OnlineVector = "028C16353001F601901C80C3BBC206B8628420A90102110003" + "05312E302E30";
    private const string OfflineVector = "027D70EF7300";

    // Format version 1 (firmware before the backup-cell voltage): still read, with the backup voltage unknown.
    private const string OnlineVectorV1 = "0157A2A6FA01F6901C80C3BBC206B862A9010211000305312E302E30";
    private const string OfflineVectorV1 = "01BE23C25800";

    private static StatusReport VectorReport()
    {
        StatusReport r = StatusReport.CreateOnline();
        r.Ignition = IgnitionState.On;
        r.Moving = true;
        r.UptimeS = 3600;
        r.UtcS = 1_750_000_000;
        r.SupplyMv = 12_600;
        r.BackupMv = 4_100;
        r.SignalDbm = -85;
        r.FixAgeS = 2;
        r.QueueDepth = 17;
        r.Evictions = 0;
        r.Reconnects = 3;
        r.FirmwareVersion = "1.0.0";
        return r;
    }

    private static byte[] Encode(StatusReport r)
    {
        var buffer = new byte[StatusCodec.MaxBytes + 3];
        int n = StatusCodec.Encode(ref r, buffer, 3);
        return buffer[3..(3 + n)];
    }

    [Fact]
    public void Encode_MatchesTheReadmeVectors()
    {
        Assert.Equal(OnlineVector, Convert.ToHexString(Encode(VectorReport())));
        Assert.Equal(OfflineVector, Convert.ToHexString(StatusCodec.EncodeOffline()));
        Assert.Equal(StatusCodec.OfflineBytes, StatusCodec.EncodeOffline().Length);

        string readme = File.ReadAllText(Path.Combine(UplinkReadme.Dir, "README.md"));
        Assert.Contains(OnlineVector, readme.Replace(" ", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains(OfflineVector, readme.Replace(" ", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_ReadsTheVector()
    {
        byte[] data = Convert.FromHexString(OnlineVector);
        Assert.True(StatusCodec.TryDecode(data, 0, data.Length, out StatusReport r, out StatusError error), error.ToString());
        Assert.Equal(VectorReport(), r);

        data = Convert.FromHexString(OfflineVector);
        Assert.True(StatusCodec.TryDecode(data, 0, data.Length, out r, out _));
        Assert.Equal(StatusKind.Offline, r.Kind);
    }

    [Fact]
    public void Decode_ReadsFormatVersion1_WithTheBackupVoltageUnknown()
    {
        byte[] data = Convert.FromHexString(OnlineVectorV1);
        Assert.True(StatusCodec.TryDecode(data, 0, data.Length, out StatusReport r, out StatusError error), error.ToString());
        StatusReport expected = VectorReport();
        expected.BackupMv = StatusReport.Unknown;
        Assert.Equal(expected, r);

        data = Convert.FromHexString(OfflineVectorV1);
        Assert.True(StatusCodec.TryDecode(data, 0, data.Length, out r, out _));
        Assert.Equal(StatusKind.Offline, r.Kind);
        Assert.Contains(OnlineVectorV1, File.ReadAllText(Path.Combine(UplinkReadme.Dir, "README.md")).Replace(" ", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_Version2WithAnUnknownSecondFlag_IsBadFlags_AndVersion3IsUnsupported()
    {
        byte[] data = Convert.FromHexString(OnlineVector);
        data[7] = 0x03;
        Sealed(data);
        Assert.False(StatusCodec.TryDecode(data, 0, data.Length, out _, out StatusError error));
        Assert.Equal(StatusError.BadFlags, error);

        data = Convert.FromHexString(OnlineVector);
        data[0] = 3;
        Sealed(data);
        Assert.False(StatusCodec.TryDecode(data, 0, data.Length, out _, out error));
        Assert.Equal(StatusError.UnsupportedVersion, error);
    }

    [Fact]
    public void UnknownFields_StayUnknown_AndCostNothing()
    {
        StatusReport r = StatusReport.CreateOnline();
        byte[] data = Encode(r);
        Assert.Equal(6 + 2 + 4 + 1, data.Length); // flags, flags 2, uptime, queue, evictions, reconnects, empty version
        Assert.True(StatusCodec.TryDecode(data, 0, data.Length, out StatusReport back, out _));
        Assert.Equal(StatusReport.Unknown, back.SupplyMv);
        Assert.Equal(StatusReport.Unknown, back.BackupMv);
        Assert.Equal(StatusReport.Unknown, back.SignalDbm);
        Assert.Equal(StatusReport.Unknown, back.FixAgeS);
        Assert.Equal(StatusReport.Unknown, back.UtcS);
        Assert.Equal(IgnitionState.Unknown, back.Ignition);
    }

    [Fact]
    public void OutOfDomainValues_AreWrittenAsUnknownOrZero_AndTheVersionIsCleaned()
    {
        StatusReport r = StatusReport.CreateOnline();
        r.SupplyMv = 70_000;
        r.FixAgeS = -3;
        r.QueueDepth = -1;
        r.FirmwareVersion = "v2 \u00e9\n" + new string('x', 40);
        byte[] data = Encode(r);
        Assert.True(StatusCodec.TryDecode(data, 0, data.Length, out StatusReport back, out _));
        Assert.Equal(StatusReport.Unknown, back.SupplyMv);
        Assert.Equal(StatusReport.Unknown, back.FixAgeS);
        Assert.Equal(0, back.QueueDepth);
        Assert.Equal("v2 ??" + new string('x', 27), back.FirmwareVersion);
    }

    public static readonly Gen<StatusReport> Reports =
        from ignition in Gen.Elements(IgnitionState.Unknown, IgnitionState.Off, IgnitionState.On)
        from moving in ArbMap.Default.GeneratorFor<bool>()
        from watched in ArbMap.Default.GeneratorFor<bool>()
        from uptime in Gen.Choose(0, int.MaxValue)
        from utc in Gen.Frequency((1, Gen.Constant((long)StatusReport.Unknown)), (3, Gen.Choose(0, int.MaxValue).Select(x => (long)x * 3)))
        from supply in Gen.Frequency((1, Gen.Constant(StatusReport.Unknown)), (3, Gen.Choose(0, StatusCodec.MaxSupplyMv)))
        from signal in Gen.Frequency((1, Gen.Constant(StatusReport.Unknown)), (3, Gen.Choose(-140, 10)), (1, Gen.Choose(int.MinValue + 1, int.MaxValue)))
        from age in Gen.Frequency((1, Gen.Constant(StatusReport.Unknown)), (3, Gen.Choose(0, int.MaxValue)))
        from queue in Gen.Choose(0, int.MaxValue).Select(x => (long)x * 1000)
        from evictions in Gen.Choose(0, int.MaxValue)
        from reconnects in Gen.Choose(0, 100000)
        from version in Gen.Choose(0, StatusCodec.MaxFirmwareVersionLength).SelectMany(n => Gen.ArrayOf(Gen.Choose(32, 126).Select(c => (char)c), n)).Select(c => new string(c))
        select new StatusReport
        {
            Kind = StatusKind.Online, Ignition = ignition, Moving = moving, Watched = watched, UptimeS = uptime, UtcS = utc,
            SupplyMv = supply, SignalDbm = signal, FixAgeS = age, QueueDepth = queue, Evictions = evictions, Reconnects = reconnects,
            FirmwareVersion = version,
        };

    [Property(MaxTest = 500)]
    public Property EveryReport_RoundTrips() =>
        Prop.ForAll(Reports.ToArbitrary(), r =>
        {
            byte[] data = Encode(r);
            Assert.InRange(data.Length, StatusCodec.OfflineBytes, StatusCodec.MaxBytes);
            Assert.True(StatusCodec.TryDecode(data, 0, data.Length, out StatusReport back, out StatusError error), error.ToString());
            Assert.Equal(r, back);
        });

    [Property(MaxTest = 300)]
    public Property EveryPrefixAndEveryBitFlip_IsRejected() =>
        Prop.ForAll(Reports.ToArbitrary(), r =>
        {
            byte[] data = Encode(r);
            for (int n = 0; n < data.Length; n++)
            {
                Assert.False(StatusCodec.TryDecode(data, 0, n, out _, out StatusError error));
                Assert.NotEqual(StatusError.None, error);
            }

            for (int bit = 0; bit < data.Length * 8; bit++)
            {
                byte[] flipped = (byte[])data.Clone();
                flipped[bit / 8] ^= (byte)(1 << (bit % 8));
                Assert.False(StatusCodec.TryDecode(flipped, 0, flipped.Length, out _, out _));
            }
        });

    [Property(MaxTest = 2000)]
    public Property RandomBytes_NeverThrow(byte[] data) =>
        (StatusCodec.TryDecode(data, 0, data.Length, out _, out StatusError e) || e != StatusError.None).ToProperty();

    [Fact]
    public void BadFrames_GiveTheirReason()
    {
        byte[] good = Convert.FromHexString(OnlineVector);
        Assert.Equal(StatusError.TooShort, DecodeError([0x01, 0, 0, 0, 0]));
        byte[] v3 = (byte[])good.Clone();
        v3[0] = 3;
        Assert.Equal(StatusError.UnsupportedVersion, DecodeError(v3));
        Assert.Equal(StatusError.BadFlags, DecodeError(Sealed([0x02, 0, 0, 0, 0, 1, 0, 0x02, 0, 0, 0, 0, 0])));
        Assert.Equal(StatusError.Truncated, DecodeError(Sealed([0x02, 0, 0, 0, 0, 1, 0])));
        Assert.Equal(StatusError.OutOfRange, DecodeError(Sealed([0x02, 0, 0, 0, 0, 1, 0, 0x01, 0, 0x80, 0x80, 0x04, 0, 0, 0, 0])));
        byte[] crc = (byte[])good.Clone();
        crc[^1] ^= 1;
        Assert.Equal(StatusError.BadCrc, DecodeError(crc));
        Assert.Equal(StatusError.UnknownKind, DecodeError(Sealed([0x01, 0, 0, 0, 0, 7])));
        Assert.Equal(StatusError.TrailingBytes, DecodeError(Sealed([0x01, 0, 0, 0, 0, 0, 0])));
        Assert.Equal(StatusError.BadFlags, DecodeError(Sealed([0x01, 0, 0, 0, 0, 1, 0x03, 0, 0, 0, 0, 0])));
        Assert.Equal(StatusError.OutOfRange, DecodeError(Sealed([0x01, 0, 0, 0, 0, 1, 0x20, 0, 0x80, 0x80, 0x04, 0, 0, 0, 0])));
        Assert.Equal(StatusError.BadFirmwareVersion, DecodeError(Sealed([0x01, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0x07])));
        Assert.Equal(StatusError.BadFirmwareVersion, DecodeError(Sealed([0x01, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 33, .. new byte[33]])));
        Assert.Equal(StatusError.Truncated, DecodeError(Sealed([0x01, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 2, 0x41])));
        Assert.Throws<ArgumentNullException>(() => StatusCodec.TryDecode(null!, 0, 0, out _, out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => StatusCodec.TryDecode(good, 1, good.Length, out _, out _));
    }

    private static StatusError DecodeError(byte[] data)
    {
        Assert.False(StatusCodec.TryDecode(data, 0, data.Length, out StatusReport r, out StatusError error));
        Assert.Equal(StatusKind.Online, r.Kind);
        return error;
    }

    // Writes a correct CRC into bytes 1..4: CRC-32/ISO-HDLC of byte 0 and bytes 5.., bit by bit,
    // independently of Common/Crc32.
    private static byte[] Sealed(byte[] data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in (byte[])[data[0], .. data[5..]])
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
            }
        }

        BitConverter.GetBytes(~crc).CopyTo(data, 1);
        return data;
    }

    [Fact]
    public void Will_IsPrintableAsciiThatAnAtStringCanCarry_AndDecodesAsOffline()
    {
        byte[] will = StatusCodec.EncodeWill();
        Assert.All(will, b => Assert.InRange(b, (byte)0x20, (byte)0x7E));
        Assert.DoesNotContain((byte)'"', will);
        Assert.True(StatusCodec.TryDecode(will, 0, will.Length, out StatusReport report, out StatusError error));
        Assert.Equal(StatusError.None, error);
        Assert.Equal(StatusKind.Offline, report.Kind);
    }
}

/// <summary>Where Uplink/README.md lives in the source tree.</summary>
internal static class UplinkReadme
{
    public static string Dir => Path.GetFullPath(Path.Combine(SourceDir(), "../../../firmware/Tracker.Core/Uplink"));

    private static string SourceDir([System.Runtime.CompilerServices.CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;

}
