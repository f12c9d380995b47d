using Tracker.Core.Fixes;
using static Tracker.Core.Tests.Nmea.NmeaTestKit;

namespace Tracker.Core.Tests.Nmea;

public class AssemblerTests
{
    [Fact]
    public void OneEpoch_MergesEverySentence_IntoOneFix()
    {
        var (fixes, _) = Read(GoodEpoch);
        Fix fix = Assert.Single(fixes);
        Assert.Equal(new DateTimeOffset(2002, 12, 9, 8, 35, 59, TimeSpan.Zero).ToUnixTimeMilliseconds(), fix.TimeMs);
        Assert.Equal(472852395, fix.LatE7);
        Assert.Equal(85652537, fix.LonE7);
        Assert.Equal(49960, fix.AltCm);
        Assert.Equal(2, fix.SpeedMmps);
        Assert.Equal(7752, fix.CourseCdeg);
        Assert.Equal(101, fix.HdopX100);
        Assert.Equal(8, fix.Satellites);
        Assert.Equal(FixMode.ThreeD, fix.Mode);
        Assert.Equal(FixQuality.Autonomous, fix.Quality);
    }

    [Fact]
    public void GgaWithoutDate_IsDated_ByTheRmcThatFollows()
    {
        string text = Sentence("GPGGA,101502.000,5012.34567,N,01904.56789,E,1,05,02.1,231.4,M,40.1,M,,")
            + Sentence("GPRMC,101503.000,A,5012.34570,N,01904.56780,E,00.00,252.7,140622,,,A");
        var (fixes, _) = Read(text);
        Assert.Equal(2, fixes.Count);
        Assert.Equal(new DateTimeOffset(2022, 6, 14, 10, 15, 2, TimeSpan.Zero).ToUnixTimeMilliseconds(), fixes[0].TimeMs);
    }

    [Fact]
    public void DateRollsOver_AtMidnight_WithoutANewDate()
    {
        string text = Sentence("GPRMC,235959,A,4807.038,N,01131.000,E,0.0,0.0,311224,,,A")
            + Sentence("GPGGA,000000,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,")
            + Sentence("GPGGA,000001,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,");
        var (fixes, _) = Read(text);
        Assert.Equal(3, fixes.Count);
        Assert.Equal(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), fixes[1].TimeMs);
    }

    [Fact]
    public void NoDateEver_YieldsNoFix()
    {
        var (fixes, reader) = Read(Sentence("GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,"));
        Assert.Empty(fixes);
        Assert.Equal(0, reader.Counters.Fixes);
    }

    [Fact]
    public void AfterTwoCycles_TheFixLeaves_WithItsLastSentence_NotWithTheNextSecond()
    {
        var reader = new NmeaFixReader();
        string epoch(int s) => Sentence($"GPRMC,0835{s:D2}.00,A,4717.11437,N,00833.91522,E,0.004,77.52,091202,,,A")
            + Sentence($"GPGGA,0835{s:D2}.00,4717.11437,N,00833.91522,E,1,08,1.01,499.6,M,48.0,M,,");
        var fixes = GpsdCorpus.Read(System.Text.Encoding.ASCII.GetBytes(epoch(10) + epoch(11) + epoch(12)), 4096, reader, flush: false);

        // 10 and 11 closed by the next time; 12 closed by its GGA, the learnt end of the cycle.
        Assert.Equal(3, fixes.Count);
    }

    [Fact]
    public void TimelessSentencesDuringAnOutage_DoNotSpoilTheFirstFixAfterIt()
    {
        string outage = Sentence("GPVTG,,T,,M,,N,,K,N") + Sentence("GPGSA,A,1,,,,,,,,,,,,,,,") + Sentence("GPGGA,,,,,,0,,,,,,,,") + Sentence("GPRMC,,V,,,,,,,,,,N");
        string text = Sentence("GPRMC,184410.00,A,3352.123456,S,15112.654321,E,0.0,,150325,,,A") + outage + outage
            + Sentence("GPGGA,184419.00,3352.120000,S,15112.650000,E,1,08,1.0,56.0,M,37.0,M,,")
            + Sentence("GPRMC,184419.00,A,3352.120000,S,15112.650000,E,0.0,301.9,150325,,,A");
        var (fixes, _) = Read(text);

        // Whether 18:44:10 survives depends on which epoch the VTG "N" after it belongs to (it is
        // untimed); 18:44:19 must survive the outage sentences before it whatever the cycle.
        Assert.Equal(-338686667, fixes[^1].LatE7);
        Assert.Equal(new DateTimeOffset(2025, 3, 15, 18, 44, 19, TimeSpan.Zero).ToUnixTimeMilliseconds(), fixes[^1].TimeMs);
    }
}
