using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Tracker.Core.Fixes;
using Tracker.Core.Nmea;

namespace Tracker.Core.Tests.Nmea;

/// <summary>
/// Bytes from outside never make the reader throw, and never make it invent a position: every fix
/// it reports from damaged input carries a time and position that some sentence of the clean input
/// claimed as valid.
/// </summary>
public class ReaderRobustnessTests
{
    private static readonly string Synthetic = BuildSynthetic();

    private static string BuildSynthetic()
    {
        var sb = new StringBuilder();
        for (int s = 0; s < 40; s++)
        {
            string t = $"1200{s:D2}.00";
            int lat = 4717_11437 + (s * 123);
            string latText = $"{lat / 100000:D4}.{lat % 100000:D5}";
            sb.Append(NmeaTestKit.Sentence($"GPRMC,{t},{(s % 9 == 4 ? 'V' : 'A')},{latText},N,00833.91522,E,{s * 0.5:F1},77.52,091202,,,A"));
            sb.Append(NmeaTestKit.Sentence("GPVTG,77.52,T,,M,0.004,N,0.008,K,A"));
            sb.Append(NmeaTestKit.Sentence($"GPGGA,{t},{latText},N,00833.91522,E,{(s % 7 == 3 ? 0 : 1)},08,1.01,499.6,M,48.0,M,,"));
            sb.Append(NmeaTestKit.Sentence($"GPGSA,A,{(s % 11 == 5 ? 1 : 3)},23,29,07,08,09,18,26,28,,,,,1.94,1.18,1.54"));
            sb.Append(NmeaTestKit.Sentence("PGRME,2.3,M,3.3,M,4.0,M"));
        }

        return sb.ToString();
    }

    /// <summary>(time of day, lat, lon) of every position a sentence of <paramref name="clean"/> claims valid.</summary>
    private static HashSet<(long, int, int)> ClaimedPositions(byte[] clean)
    {
        var claimed = new HashSet<(long, int, int)>();
        var framer = new NmeaLineFramer();
        var s = new NmeaSentence();
        int used = 0;
        while (used < clean.Length)
        {
            used += framer.Push(clean, used, clean.Length - used);
            if (!framer.HasLine || NmeaChecksum.Verify(framer.Line, framer.LineLength, out int end) != ChecksumResult.Valid || !s.Load(framer.Line, end))
            {
                continue;
            }

            switch (s.Type)
            {
                case SentenceType.Rmc when Rmc.TryParse(s, out Rmc r) && r.HasPosition: claimed.Add((r.TimeMs, r.LatE7, r.LonE7)); break;
                case SentenceType.Gga when Gga.TryParse(s, out Gga g) && g.HasPosition: claimed.Add((g.TimeMs, g.LatE7, g.LonE7)); break;
                case SentenceType.Gns when Gns.TryParse(s, out Gns n) && n.HasPosition: claimed.Add((n.TimeMs, n.LatE7, n.LonE7)); break;
                case SentenceType.Gll when Gll.TryParse(s, out Gll l) && l.HasPosition: claimed.Add((l.TimeMs, l.LatE7, l.LonE7)); break;
            }
        }

        return claimed;
    }

    private static void AssertNothingInvented(IEnumerable<Fix> fixes, HashSet<(long, int, int)> claimed, string what)
    {
        foreach (Fix f in fixes)
        {
            Assert.True(claimed.Contains((f.TimeMs % 86_400_000, f.LatE7, f.LonE7)), $"{what}: invented {f.TimeMs} {f.LatE7},{f.LonE7}");
            Assert.False(f.LatE7 == 0 && f.LonE7 == 0, what);
        }
    }

    private static IEnumerable<(string Name, byte[] Bytes)> Inputs()
    {
        yield return ("synthetic", Encoding.ASCII.GetBytes(Synthetic));
        foreach (string log in GpsdCorpus.Logs())
        {
            yield return (Path.GetFileName(log), GpsdCorpus.Input(log));
        }
    }

    [Property(MaxTest = 300)]
    public void RandomBytes_NeverThrow_AndYieldNoFix(byte[] bytes, PositiveInt chunk)
    {
        List<Fix> fixes = GpsdCorpus.Read(bytes, chunk.Get);
        Assert.Empty(fixes); // a random byte string carrying a checksummed, dated, valid sentence is out of reach
    }

    [Fact]
    public void TruncationAtEveryOffset_NeverThrows_NorInventsAFix()
    {
        foreach (var (name, bytes) in Inputs())
        {
            HashSet<(long, int, int)> claimed = ClaimedPositions(bytes);
            List<Fix> full = GpsdCorpus.Read(bytes);
            int step = bytes.Length <= 12_000 ? 1 : bytes.Length / 1500;
            for (int cut = 0; cut <= bytes.Length; cut += step)
            {
                List<Fix> partial = GpsdCorpus.Read(bytes[..cut]);
                AssertNothingInvented(partial, claimed, $"{name} cut at {cut}");
                Assert.True(partial.Count <= full.Count + 1, $"{name} cut at {cut}");
            }
        }
    }

    [Fact]
    public void MutatedLogs_NeverThrow_NorInventAFix()
    {
        var random = new Random(7);
        foreach (var (name, bytes) in Inputs())
        {
            HashSet<(long, int, int)> claimed = ClaimedPositions(bytes);
            for (int round = 0; round < 40; round++)
            {
                byte[] mutated = Mutate(bytes, random);
                AssertNothingInvented(GpsdCorpus.Read(mutated, random.Next(1, 300)), claimed, $"{name} round {round}");
            }
        }
    }

    [Fact]
    public void DamageToOneSentence_LosesOnlyThatSentence()
    {
        byte[] clean = Encoding.ASCII.GetBytes(Synthetic);
        int cleanCount = GpsdCorpus.Read(clean).Count;
        string damaged = Synthetic.Replace("GPVTG,77.52", "GPVTG,7\u00ff.52", StringComparison.Ordinal); // every VTG broken
        var (fixes, reader) = NmeaTestKit.Read(damaged);
        Assert.Equal(cleanCount, fixes.Count);
        Assert.Equal(0, reader.Counters.Parsed(SentenceType.Vtg));
    }

    [Fact]
    public void EveryLine_IsAccountedFor_InExactlyOneCounter()
    {
        foreach (var (name, bytes) in Inputs())
        {
            var reader = new NmeaFixReader();
            GpsdCorpus.Read(bytes, 512, reader);
            NmeaCounters c = reader.Counters;
            long outcomes = c.ParsedTotal + c.ChecksumErrors + c.MissingChecksum + c.Malformed + c.Proprietary + c.UnknownType + c.OtherTalker;
            Assert.True(c.Lines == outcomes, $"{name}: {c.Lines} lines, {outcomes} outcomes");
        }
    }

    private static byte[] Mutate(byte[] input, Random random)
    {
        var bytes = new List<byte>(input);
        int edits = random.Next(1, 20);
        for (int i = 0; i < edits && bytes.Count > 0; i++)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(5))
            {
                case 0: bytes[at] = (byte)random.Next(256); break;
                case 1: bytes[at] ^= (byte)(1 << random.Next(8)); break;
                case 2: bytes.RemoveRange(at, Math.Min(random.Next(1, 40), bytes.Count - at)); break;
                case 3: bytes.InsertRange(at, Enumerable.Range(0, random.Next(1, 30)).Select(_ => (byte)random.Next(256))); break;
                default:
                    int from = random.Next(bytes.Count), length = Math.Min(random.Next(1, 200), bytes.Count - from);
                    bytes.InsertRange(at, bytes.GetRange(from, length)); // duplicated slice, like a UART buffer replay
                    break;
            }
        }

        return bytes.ToArray();
    }
}
