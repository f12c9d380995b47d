using Tracker.Core.Fixes;
using Tracker.Core.Nmea;
using static Tracker.Core.Tests.Nmea.NmeaTestKit;

namespace Tracker.Core.Tests.Nmea;

public class SentenceTests
{
    [Fact]
    public void Rmc_WithAllFields_BindsEachOne()
    {
        // The RMC example of the NMEA 0183 reference pages.
        NmeaSentence s = Scan("$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A");
        Assert.Equal(SentenceType.Rmc, s.Type);
        Assert.Equal(Talker.Gp, s.Talker);
        Assert.True(Rmc.TryParse(s, out Rmc rmc));
        Assert.Equal(((12 * 3600) + (35 * 60) + 19) * 1000, rmc.TimeMs);
        Assert.True(rmc.StatusValid);
        Assert.Equal(481173000, rmc.LatE7);
        Assert.Equal(115166667, rmc.LonE7);
        Assert.Equal(11524, rmc.SpeedMmps); // 22.4 kn = 11.5236 m/s
        Assert.Equal(8440, rmc.CourseCdeg);
        Assert.Equal((int)(new DateTime(1994, 3, 23) - DateTime.UnixEpoch).TotalDays, rmc.Days);
        Assert.Equal(FaaMode.Absent, rmc.Mode);
    }

    [Fact]
    public void Rmc_WithVoidStatus_YieldsNoFix()
    {
        var (fixes, _) = Read(Sentence("GPRMC,123519,V,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W"));
        Assert.Empty(fixes);
    }

    [Fact]
    public void Rmc_WithEmptyFields_LeavesThemUnknown_NeverZero()
    {
        var (fixes, _) = Read(Sentence("GPRMC,123519,A,4807.038,N,01131.000,E,,,230394,,,A"));
        Fix fix = Assert.Single(fixes);
        Assert.Equal(Fix.Unknown, fix.SpeedMmps);
        Assert.Equal(Fix.Unknown, fix.CourseCdeg);
        Assert.Equal(Fix.Unknown, fix.AltCm);
        Assert.Equal(Fix.Unknown, fix.HdopX100);
        Assert.Equal(Fix.Unknown, fix.Satellites);
        Assert.Equal(FixMode.TwoD, fix.Mode);
    }

    [Fact]
    public void Rmc_WithFaaModeN_YieldsNoFix_EvenWithStatusA()
    {
        var (fixes, _) = Read(Sentence("GNRMC,123519,A,4807.038,N,01131.000,E,0.0,,230394,,,N"));
        Assert.Empty(fixes);
    }

    [Fact]
    public void Rmc_WithOnlyLatitude_IsMalformed()
    {
        var (fixes, reader) = Read(Sentence("GPRMC,123519,A,4807.038,N,,,022.4,084.4,230394,,,A"));
        Assert.Empty(fixes);
        Assert.Equal(1, reader.Counters.Malformed);
    }

    [Fact]
    public void Gga_WithAllFields_BindsEachOne()
    {
        NmeaSentence s = Scan("$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47");
        Assert.True(Gga.TryParse(s, out Gga gga));
        Assert.Equal(1, gga.Quality);
        Assert.Equal(8, gga.Satellites);
        Assert.Equal(90, gga.HdopX100);
        Assert.Equal(54540, gga.AltCm);
        Assert.Equal(481173000, gga.LatE7);
    }

    [Fact]
    public void Gga_WithQualityZero_YieldsNoFix_EvenWithAPosition()
    {
        var (fixes, _) = Read(Sentence("GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W") + Sentence("GPGGA,123519,4807.038,N,01131.000,E,0,08,0.9,545.4,M,46.9,M,,"));
        Assert.Empty(fixes);
    }

    [Fact]
    public void Gga_NegativeAltitude_IsKept()
    {
        Assert.True(Gga.TryParse(Scan(Sentence("GPGGA,061502.00,5301.11111,N,00433.22222,E,1,09,1.02,-3.3,M,45.8,M,,")), out Gga gga));
        Assert.Equal(-330, gga.AltCm);
    }

    [Fact]
    public void Gga_AltitudeInFeet_IsMalformed()
    {
        Assert.False(Gga.TryParse(Scan(Sentence("GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,F,46.9,M,,")), out _));
    }

    [Fact]
    public void Gns_MixedConstellationModes_TakeTheBest()
    {
        NmeaSentence s = Scan(Sentence("GNGNS,122310.2,3722.425671,N,12258.856215,W,DAAN,14,0.9,1005.543,6.5,,"));
        Assert.True(Gns.TryParse(s, out Gns gns));
        Assert.Equal((int)FixQuality.Differential, gns.Quality);
        Assert.Equal(14, gns.Satellites);
        Assert.Equal(100554, gns.AltCm);
        Assert.Equal(373737612, gns.LatE7);
    }

    [Fact]
    public void Gns_AllModesN_IsNoFix()
    {
        var (fixes, _) = Read(Sentence("GNZDA,122310.2,23,03,2022,00,00") + Sentence("GNGNS,122310.2,3722.425671,N,12258.856215,W,NNN,00,,,,,"));
        Assert.Empty(fixes);
    }

    [Fact]
    public void Gsa_CountsSatellites_AndReadsDops()
    {
        Assert.True(Gsa.TryParse(Scan("$GPGSA,A,3,04,05,,09,12,,,24,,,,,2.5,1.3,2.1*39"), out Gsa gsa));
        Assert.Equal(3, gsa.Mode);
        Assert.Equal(5, gsa.SatellitesUsed);
        Assert.Equal(250, gsa.PdopX100);
        Assert.Equal(130, gsa.HdopX100);
        Assert.Equal(210, gsa.VdopX100);
    }

    [Fact]
    public void Gsa_ModeOne_VetoesTheEpoch()
    {
        var (fixes, _) = Read(Sentence("GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W") + Sentence("GPGSA,A,1,,,,,,,,,,,,,,,"));
        Assert.Empty(fixes);
    }

    [Fact]
    public void Vtg_ModernForm_GivesSpeedAndCourse()
    {
        Assert.True(Vtg.TryParse(Scan("$GPVTG,054.7,T,034.4,M,005.5,N,010.2,K*48"), out Vtg vtg));
        Assert.Equal(5470, vtg.CourseCdeg);
        Assert.Equal(2829, vtg.SpeedMmps); // 5.5 kn
    }

    [Fact]
    public void Vtg_LegacyFormWithoutUnits_IsRead()
    {
        Assert.True(Vtg.TryParse(Scan(Sentence("GPVTG,054.7,034.4,005.5,010.2")), out Vtg vtg));
        Assert.Equal(5470, vtg.CourseCdeg);
        Assert.Equal(2829, vtg.SpeedMmps);
    }

    [Fact]
    public void Vtg_KnotsEmpty_FallsBackToKmh()
    {
        Assert.True(Vtg.TryParse(Scan(Sentence("GPVTG,054.7,T,,M,,N,010.2,K,A")), out Vtg vtg));
        Assert.Equal(2833, vtg.SpeedMmps); // 10.2 km/h
    }

    [Fact]
    public void Vtg_SuppliesSpeed_WhenRmcHasNone()
    {
        var (fixes, _) = Read(Sentence("GPRMC,123519,A,4807.038,N,01131.000,E,,,230394,,,A") + Sentence("GPVTG,054.7,T,,M,005.5,N,010.2,K,A"));
        Fix fix = Assert.Single(fixes);
        Assert.Equal(2829, fix.SpeedMmps);
        Assert.Equal(5470, fix.CourseCdeg);
    }

    [Fact]
    public void Gll_WithStatusA_AndDate_YieldsAFix()
    {
        var (fixes, _) = Read(Sentence("GPZDA,225444,10,09,2005,00,00") + Sentence("GPGLL,4916.45,N,12311.12,W,225444,A,A"));
        Fix fix = Assert.Single(fixes);
        Assert.Equal(492741667, fix.LatE7);
        Assert.Equal(-1231853333, fix.LonE7);
        Assert.Equal(new DateTimeOffset(2005, 9, 10, 22, 54, 44, TimeSpan.Zero).ToUnixTimeMilliseconds(), fix.TimeMs);
    }

    [Fact]
    public void Gll_LegacyWithoutStatus_IsNeverAFix()
    {
        Assert.True(Gll.TryParse(Scan(Sentence("GPGLL,4916.45,N,12311.12,W")), out Gll gll));
        Assert.False(gll.StatusValid);
    }

    [Fact]
    public void Zda_ReadsFourDigitYear_AndRejectsImpossibleDates()
    {
        Assert.True(Zda.TryParse(Scan(Sentence("GPZDA,160012.71,11,03,2004,-1,00")), out Zda zda));
        Assert.Equal((int)(new DateTime(2004, 3, 11) - DateTime.UnixEpoch).TotalDays, zda.Days);
        Assert.Equal(57612710, zda.TimeMs);
        Assert.False(Zda.TryParse(Scan(Sentence("GPZDA,160012.71,31,04,2004,00,00")), out _));
        Assert.False(Zda.TryParse(Scan(Sentence("GPZDA,160012.71,29,02,2023,00,00")), out _));
        Assert.True(Zda.TryParse(Scan(Sentence("GPZDA,160012.71,29,02,2024,00,00")), out _));
    }

    [Theory]
    [InlineData("GP", Talker.Gp)]
    [InlineData("GL", Talker.Gl)]
    [InlineData("GA", Talker.Ga)]
    [InlineData("GB", Talker.Gb)]
    [InlineData("BD", Talker.Bd)]
    [InlineData("GQ", Talker.Gq)]
    [InlineData("QZ", Talker.Qz)]
    [InlineData("GI", Talker.Gi)]
    [InlineData("GN", Talker.Gn)]
    public void EveryGnssTalker_IsRead(string talker, Talker expected)
    {
        var (fixes, reader) = Read(Sentence(talker + "RMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W"));
        Assert.Single(fixes);
        Assert.Equal(1, reader.Counters.Parsed(SentenceType.Rmc));
        Assert.Equal(expected, Scan(Sentence(talker + "GSA,A,1,,,,,,,,,,,,,,,")).Talker);
    }

    [Fact]
    public void ProprietaryUnknownAndForeignTalkers_AreCountedAndSkipped()
    {
        string text = Sentence("PGRME,2.3,M,3.3,M,4.0,M") + Sentence("GPGSV,1,1,01,04,16,162,46") + Sentence("IIRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W");
        var (fixes, reader) = Read(text);
        Assert.Empty(fixes);
        Assert.Equal(1, reader.Counters.Proprietary);
        Assert.Equal(1, reader.Counters.UnknownType);
        Assert.Equal(1, reader.Counters.OtherTalker);
        Assert.Equal(3, reader.Counters.Lines);
    }

    [Fact]
    public void ZeroZeroPosition_IsNeverReported()
    {
        var (fixes, reader) = Read(Sentence("GPRMC,120000.00,A,0000.0000,N,00000.0000,E,,,010124,,,A"));
        Assert.Empty(fixes);
        Assert.Equal(1, reader.Counters.ZeroPositions);
    }
}
