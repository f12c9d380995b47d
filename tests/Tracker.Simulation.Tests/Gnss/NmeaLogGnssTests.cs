using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Tracker.Core.Fixes;
using Tracker.Simulation.Gnss;
using Tracker.Simulation.Tests.Support;

namespace Tracker.Simulation.Tests.Gnss;

public class NmeaLogGnssTests
{
    private const long LogStart = 1_793_663_995_000; // 2026-11-02T23:59:55Z
    private const long Now = 1_767_268_800_300; // 2026-01-01T12:00:00.300Z
    private const long Base = 1_767_268_801_000; // the first whole second after Now

    private const string Garbage = "#garbage line, no dollar";
    private const string BadChecksum = "$GPGGA,000003.00,3931.77850,N,11948.81877,W,1,08,1.17,1373.9,M,,M,,*00";

    // Epoch offsets of the log, ms: 1 Hz across midnight, with a 3 s gap (a receiver that lost the sky).
    private static readonly long[] Offsets = [0, 1000, 2000, 3000, 4000, 5000, 6000, 9000, 10000, 11000];

    private static byte[] LogBytes()
    {
        var writer = new NmeaWriter("GP", includeGsa: true);
        var text = new StringBuilder();
        for (int i = 0; i < Offsets.Length; i++)
        {
            var o = new GnssObservation(true, 39.5 + (i * 1e-4), -119.8, 1373, 10 + i, 90, 1.1, 9);
            text.Append(writer.Format(LogStart + Offsets[i], o));
            if (i == 2)
            {
                text.Append(Garbage).Append("\r\n");
            }

            if (i == 7)
            {
                text.Append(BadChecksum).Append("\r\n");
            }
        }

        return Encoding.ASCII.GetBytes(text.ToString());
    }

    [Fact]
    public void Parse_CutsTheLogIntoEpochs_AndMeasuresItsSpacing()
    {
        NmeaLog log = NmeaLog.Parse(LogBytes());
        Assert.Equal(Offsets.Length, log.EpochCount);
        Assert.Equal(1000, log.SpacingMs);
        Assert.Equal(12_000, log.DurationMs);
        Assert.Equal(2, log.BadLines);
        Assert.Equal(3 * Offsets.Length, log.GoodLines);
    }

    [Fact]
    public void Replay_ShiftsTimesToNow_KeepingTheLogsSpacing()
    {
        byte[] original = LogBytes();
        var replay = new NmeaLogGnss(NmeaLog.Parse(original), Now);
        var reader = new NmeaFixReader();
        List<Fix> fixes = Firmware.Decode(Firmware.ReadAll(replay, Base + 11_000, chunk: 23), reader);
        List<Fix> source = Firmware.Decode(original);

        Assert.Equal(Offsets.Select(o => Base + o), fixes.Select(f => f.TimeMs));
        Assert.Equal(source.Select(f => (f.LatE7, f.LonE7, f.SpeedMmps)), fixes.Select(f => (f.LatE7, f.LonE7, f.SpeedMmps)));
        Assert.Equal(1, reader.Counters.ChecksumErrors);
    }

    [Fact]
    public void Read_BeforeAnEpochIsDue_ReturnsNothing()
    {
        var replay = new NmeaLogGnss(NmeaLog.Parse(LogBytes()), Now);
        Assert.Empty(Firmware.ReadAll(replay, Base - 1));
        byte[] first = Firmware.ReadAll(replay, Base + 999);
        Assert.StartsWith("$GPRMC,120001.00,A,", Encoding.ASCII.GetString(first), StringComparison.Ordinal);
        Assert.Equal(1, replay.Epochs);
    }

    [Fact]
    public void Replay_RewritesTheDate_AndFixesChecksums()
    {
        string text = Encoding.ASCII.GetString(Firmware.ReadAll(new NmeaLogGnss(NmeaLog.Parse(LogBytes()), Now), Base + 11_000));
        string[] lines = text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines.Where(l => l.StartsWith("$GPRMC", StringComparison.Ordinal)), l => Assert.Contains(",010126,", l, StringComparison.Ordinal));
        Assert.All(lines.Where(l => l.StartsWith('$') && l != BadChecksum), l => Assert.True(ChecksumOk(l), l));
    }

    [Fact]
    public void Replay_AtTheEnd_LoopsWithTimeRunningOn()
    {
        var replay = new NmeaLogGnss(NmeaLog.Parse(LogBytes()), Now);
        var reader = new NmeaFixReader();
        List<Fix> fixes = Firmware.Decode(Firmware.ReadAll(replay, Base + (3 * 12_000) - 1), reader);
        long[] expected = Enumerable.Range(0, 3).SelectMany(loop => Offsets.Select(o => Base + (loop * 12_000L) + o)).ToArray();
        Assert.Equal(expected, fixes.Select(f => f.TimeMs));
        Assert.Equal(3, replay.Loops);
        Assert.Equal(3, reader.Counters.ChecksumErrors);
    }

    [Fact]
    public void Replay_PassesBadLinesThroughUnchanged()
    {
        string text = Encoding.ASCII.GetString(Firmware.ReadAll(new NmeaLogGnss(NmeaLog.Parse(LogBytes()), Now), Base + (2 * 12_000) - 1));
        string[] lines = text.Split("\r\n");
        Assert.Equal(2, lines.Count(l => l == Garbage));
        Assert.Equal(2, lines.Count(l => l == BadChecksum));

        // In place: the garbage follows the third epoch's GSA, the bad GGA the eighth epoch's.
        int g = Array.IndexOf(lines, Garbage);
        Assert.StartsWith("$GPGSA", lines[g - 1], StringComparison.Ordinal);
        Assert.StartsWith("$GPRMC,120004.00", lines[g + 1], StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_SentenceGluedToGarbage_IsStillASentence()
    {
        // The firmware's framer starts a sentence at every '$'; so does the log parser. A sentence with
        // garbage on its tail is bad and kept as it is; the sentence glued after it is rewritten.
        string damaged = Line("GPRMC,235958.00,A,3931.77850,N,11948.81877,W,1.0,90.0,021126,,,A").TrimEnd() + "\0\u0001x";
        string log = Line("GPRMC,235957.00,A,3931.77850,N,11948.81877,W,1.0,90.0,021126,,,A").TrimEnd() + damaged
            + Line("GPRMC,235959.00,A,3931.77850,N,11948.81877,W,1.0,90.0,021126,,,A");
        var replay = new NmeaLogGnss(NmeaLog.Parse(Encoding.ASCII.GetBytes(log)), Now);
        string text = Encoding.ASCII.GetString(Firmware.ReadAll(replay, Base + 2000));
        Assert.StartsWith("$GPRMC,120001.00,A,", text, StringComparison.Ordinal);
        Assert.Contains(damaged + "$GPRMC,120003.00,A,", text, StringComparison.Ordinal);
        Assert.DoesNotContain("235957", text, StringComparison.Ordinal);
        Assert.DoesNotContain("235959", text, StringComparison.Ordinal);
        Assert.Contains(Base + 2000, Firmware.Decode(Encoding.ASCII.GetBytes(text)).Select(f => f.TimeMs));
    }

    [Fact]
    public void StartOffset_BeginsLaterInTheLog()
    {
        var replay = new NmeaLogGnss(NmeaLog.Parse(LogBytes()), Now, startOffsetMs: 7000 + (5 * 12_000));
        List<Fix> fixes = Firmware.Decode(Firmware.ReadAll(replay, Base + 12_000));

        // 7 s into the log is the gap: the first epoch at or after it is the one at 9 s, printed now.
        Assert.Equal(39.5 + (7 * 1e-4), fixes[0].LatE7 / 1e7, 7);
        Assert.Equal(Base, fixes[0].TimeMs);
        Assert.Equal(Base + 1000, fixes[1].TimeMs);
        Assert.Equal(Base + 3000, fixes[3].TimeMs); // the loop: 12 s after 9 s is the first epoch again
        Assert.Equal(39.5, fixes[3].LatE7 / 1e7, 7);
    }

    [Fact]
    public void Replay_KeepsTimeFormats_AndRewritesGllAndZda()
    {
        string log =
            Line("GPZDA,235959,02,11,2026,00,00") +
            Line("GPGLL,3931.77850,N,11948.81877,W,235959,A,A") +
            Line("GPRMC,235959,A,3931.77850,N,11948.81877,W,1.0,90.0,021126,,,A") +
            Line("GPZDA,000000.000,03,11,2026,00,00") +
            Line("GPGLL,3931.77850,N,11948.81877,W,000000.000,A,A") +
            Line("GPRMC,000000.000,A,3931.77850,N,11948.81877,W,1.0,90.0,031126,,,A");
        var replay = new NmeaLogGnss(NmeaLog.Parse(Encoding.ASCII.GetBytes(log)), Now);
        string[] lines = Encoding.ASCII.GetString(Firmware.ReadAll(replay, Base + 1000)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(6, lines.Length);
        Assert.StartsWith("$GPZDA,120001,01,01,2026,00,00*", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("$GPGLL,3931.77850,N,11948.81877,W,120001,A,A*", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("$GPZDA,120002.000,01,01,2026,00,00*", lines[3], StringComparison.Ordinal);
        Assert.StartsWith("$GPRMC,120002.000,A,", lines[5], StringComparison.Ordinal);
        Assert.All(lines, l => Assert.True(ChecksumOk(l), l));
        Assert.True(replay.InCoverage(Base));
    }

    [Fact]
    public void Parse_EmptyOrTimelessLog_ReplaysNothing()
    {
        foreach (byte[] bytes in new[] { Array.Empty<byte>(), "\r\n\r\n"u8.ToArray(), Encoding.ASCII.GetBytes(Line("GPGSA,A,3,01,,,,,,,,,,,,1.0,1.0,1.0")) })
        {
            NmeaLog log = NmeaLog.Parse(bytes);
            Assert.Equal(0, log.EpochCount);
            Assert.Empty(Firmware.ReadAll(new NmeaLogGnss(log, Now), Base + 100_000));
        }
    }

    [Fact]
    public void Parse_TruncatedLastLine_StillReplays()
    {
        byte[] bytes = LogBytes();
        byte[] cut = bytes[..(bytes.Length - 30)];
        var replay = new NmeaLogGnss(NmeaLog.Parse(cut), Now);
        List<Fix> fixes = Firmware.Decode(Firmware.ReadAll(replay, Base + 30_000));
        Assert.True(fixes.Count >= 2 * (Offsets.Length - 1), $"{fixes.Count} fixes");
        Assert.True(fixes.Zip(fixes.Skip(1)).All(p => p.Second.TimeMs > p.First.TimeMs));
    }

    [Property(MaxTest = 300)]
    public Property Parse_AnyBytes_NeverThrows_AndReplaysForward() =>
        Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), seed =>
        {
            var random = new Random(seed);
            byte[] good = LogBytes();
            byte[] bytes = random.Next(3) switch
            {
                0 => RandomBytes(random, random.Next(0, 400)),
                1 => good[..random.Next(good.Length)],
                _ => Mutate(good, random),
            };
            NmeaLog log = NmeaLog.Parse(bytes);
            var replay = new NmeaLogGnss(log, Now, random.Next(0, 100_000));
            byte[] output = Firmware.ReadAll(replay, Base + 60_000, chunk: 1 + random.Next(100));
            List<Fix> fixes = Firmware.Decode(output);
            Assert.True(fixes.Zip(fixes.Skip(1)).All(p => p.Second.TimeMs > p.First.TimeMs));
            Assert.True(log.EpochCount == 0 || replay.Epochs > 0);
        });

    private static string Line(string body)
    {
        byte sum = 0;
        foreach (char c in body)
        {
            sum ^= (byte)c;
        }

        return "$" + body + "*" + sum.ToString("X2", System.Globalization.CultureInfo.InvariantCulture) + "\r\n";
    }

    private static bool ChecksumOk(string line)
    {
        int star = line.LastIndexOf('*');
        return star > 0 && Line(line[1..star]).TrimEnd() == line;
    }

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Mutate(byte[] good, Random random)
    {
        byte[] bytes = (byte[])good.Clone();
        const string Noise = "$*,\r\n.0912ABZ\0\xFF";
        for (int i = random.Next(1, 10); i > 0; i--)
        {
            bytes[random.Next(bytes.Length)] = (byte)Noise[random.Next(Noise.Length)];
        }

        return bytes;
    }
}
