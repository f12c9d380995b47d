using System.Text;
using Tracker.Core.Fixes;
using static Tracker.Core.Tests.Nmea.NmeaTestKit;

namespace Tracker.Core.Tests.Nmea;

/// <summary>
/// Sentences without a time of their own that arrive after the learnt end of the receiver's cycle
/// belong to the epoch that just closed, never to the next one; and a GGA "fix" from no satellites is
/// not a fix. Every sentence here is hand-written (times, positions and values made up for the test).
/// </summary>
public sealed class CycleEndTests
{
    // A receiver whose cycle is RMC then GGA: after two cycles the assembler closes an epoch at its GGA.
    private static string RmcGga(int second, string ggaSatsAndHdop = "09,0.9") =>
        Sentence($"GPRMC,1015{second:D2}.00,A,5012.34567,N,01904.56789,E,12.5,81.0,140622,,,A")
        + Sentence($"GPGGA,1015{second:D2}.00,5012.34567,N,01904.56789,E,1,{ggaSatsAndHdop},231.4,M,40.1,M,,");

    private const string NoFixGsa = "GPGSA,A,1,,,,,,,,,,,,,,,";

    private static List<(Fix Fix, string AfterLine)> ReadLineByLine(string text)
    {
        var reader = new NmeaFixReader();
        var fixes = new List<(Fix, string)>();
        foreach (string line in text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries))
        {
            byte[] bytes = Encoding.ASCII.GetBytes(line + "\r\n");
            int used = 0;
            while (used < bytes.Length)
            {
                used += reader.Push(bytes, used, bytes.Length - used);
                while (reader.TryTakeFix(out Fix fix))
                {
                    fixes.Add((fix, line));
                }
            }
        }

        return fixes;
    }

    private static int Second(Fix fix) => DateTimeOffset.FromUnixTimeMilliseconds(fix.TimeMs).Second;

    [Fact]
    public void NoFixGsa_AfterTheLearntCycleEnd_DoesNotVetoTheNextEpochsValidFix()
    {
        string text = RmcGga(10) + RmcGga(11) + RmcGga(12)
            + Sentence(NoFixGsa)
            + RmcGga(13) + RmcGga(14);

        List<(Fix Fix, string AfterLine)> fixes = ReadLineByLine(text);

        Assert.Equal([10, 11, 12, 13], fixes.Select(f => Second(f.Fix)));
    }

    [Fact]
    public void GsaSatellitesAndHdop_AfterTheLearntCycleEnd_NeverLandOnTheNextFix()
    {
        // The GGAs leave satellites and HDOP empty, so a leaked GSA would supply them.
        string text = RmcGga(10, ",") + RmcGga(11, ",") + RmcGga(12, ",")
            + Sentence("GPGSA,A,3,04,05,09,12,24,25,29,,,,,,2.5,1.3,2.1")
            + RmcGga(13, ",") + RmcGga(14, ",");

        List<(Fix Fix, string AfterLine)> fixes = ReadLineByLine(text);

        Fix thirteen = fixes.Single(f => Second(f.Fix) == 13).Fix;
        Assert.Equal(Fix.Unknown, thirteen.Satellites);
        Assert.Equal(Fix.Unknown, thirteen.HdopX100);
    }

    [Fact]
    public void ATail_TeachesTheLongerCycle_AndThenTheFixLeavesWithItsOwnGsa()
    {
        // Three cycles of RMC, GGA; then the receiver adds a GSA to every cycle.
        string gsa = Sentence("GPGSA,A,3,04,05,09,12,24,25,29,,,,,,2.5,1.3,2.1");
        string text = RmcGga(10, ",") + RmcGga(11, ",") + RmcGga(12, ",")
            + RmcGga(13, ",") + gsa
            + RmcGga(14, ",") + gsa
            + RmcGga(15, ",") + gsa
            + RmcGga(16, ",") + gsa;

        List<(Fix Fix, string AfterLine)> fixes = ReadLineByLine(text);

        // 13 left at its GGA (its GSA was the tail), 14 when 15 began (the new end not yet
        // confirmed), 15 and 16 at their own GSA, carrying its satellites and HDOP.
        Assert.Equal([10, 11, 12, 13, 14, 15, 16], fixes.Select(f => Second(f.Fix)));
        (Fix sixteen, string after) = fixes[^1];
        Assert.StartsWith("$GPGSA", after, StringComparison.Ordinal);
        Assert.Equal(7, sixteen.Satellites);
        Assert.Equal(130, sixteen.HdopX100);
        Assert.Equal(Fix.Unknown, fixes.Single(f => Second(f.Fix) == 13).Fix.Satellites);
    }

    [Fact]
    public void TimelessSentences_BeforeAnyCycleIsLearnt_StillBelongToTheEpochInProgress()
    {
        // No learnt end yet: the GSA after the first GGA is the first epoch's, as before.
        string text = RmcGga(10, ",") + Sentence("GPGSA,A,3,04,05,09,12,24,25,29,,,,,,2.5,1.3,2.1") + RmcGga(11, ",");

        var (fixes, _) = Read(text);

        Assert.Equal(7, fixes[0].Satellites);
        Assert.Equal(130, fixes[0].HdopX100);
    }

    [Fact]
    public void GgaThatSaysFix_WithZeroSatellites_IsNotAFix()
    {
        // A GGA-only epoch, dated by a ZDA: the GGA is its only valid vote.
        string text = Sentence("GPZDA,101510.00,14,06,2022,00,00")
            + Sentence("GPGGA,101510.00,5012.34567,N,01904.56789,E,1,00,50.0,231.4,M,40.1,M,,")
            + Sentence("GPZDA,101511.00,14,06,2022,00,00")
            + Sentence("GPGGA,101511.00,5012.34567,N,01904.56789,E,1,05,1.8,231.4,M,40.1,M,,");

        var (fixes, reader) = Read(text);

        Fix only = Assert.Single(fixes);
        Assert.Equal(11, Second(only));
        Assert.Equal(5, only.Satellites);
        Assert.True(reader.Counters.EpochsWithoutFix >= 1);
    }

    [Fact]
    public void GgaWithZeroSatellites_DoesNotVeto_AnRmcThatSaysValid_AndNoneOfItsDataIsUsed()
    {
        string text = Sentence("GPRMC,101510.00,A,5012.34567,N,01904.56789,E,0.0,0.0,140622,,,A")
            + Sentence("GPGGA,101510.00,5012.34567,N,01904.56789,E,1,00,3.1,746.1,M,44.2,M,,");

        var (fixes, _) = Read(text);

        Fix fix = Assert.Single(fixes);
        Assert.Equal(Fix.Unknown, fix.AltCm);
        Assert.Equal(Fix.Unknown, fix.HdopX100);
        Assert.Equal(Fix.Unknown, fix.Satellites);
    }

    [Fact]
    public void GgaWithAnEmptySatelliteCount_IsStillAFix()
    {
        // Empty is unknown, not zero.
        string text = Sentence("GPZDA,101510.00,14,06,2022,00,00")
            + Sentence("GPGGA,101510.00,5012.34567,N,01904.56789,E,2,,,231.4,M,40.1,M,,");

        var (fixes, _) = Read(text);

        Fix fix = Assert.Single(fixes);
        Assert.Equal(Fix.Unknown, fix.Satellites);
        Assert.Equal(FixQuality.Differential, fix.Quality);
    }
}
