using System.Text;
using Tracker.Core.Modem;

namespace Tracker.Core.Tests.Modem;

/// <summary>The value parsers: CCLK, CSQ, CPSI, +SMSUB, field splitting, CME texts.</summary>
public class ModemParserTests
{
    private static long Utc(int y, int mo, int d, int h, int mi, int s) =>
        new DateTimeOffset(y, mo, d, h, mi, s, TimeSpan.Zero).ToUnixTimeMilliseconds();

    [Theory]
    [InlineData("\"24/05/17,10:22:33+32\"", 2024, 5, 17, 2, 22, 33)] // +8 h (quarter hours)
    [InlineData("\"26/03/01,13:00:00+08\"", 2026, 3, 1, 11, 0, 0)]  // +2 h
    [InlineData("\"26/03/01,00:15:00-20\"", 2026, 3, 1, 5, 15, 0)]  // -5 h: the UTC day is the same
    [InlineData("\"26/01/01,01:00:00+22\"", 2025, 12, 31, 19, 30, 0)] // +5:30 crosses the year
    [InlineData("26/03/01,12:00:00+00", 2026, 3, 1, 12, 0, 0)]      // without quotes
    [InlineData("\"28/02/29,23:59:59+0\"", 2028, 2, 29, 23, 59, 59)] // leap day, one-digit zone
    public void Cclk_LocalTimeWithQuarterHourZone_BecomesUtc(string value, int y, int mo, int d, int h, int mi, int s)
    {
        Assert.True(NetworkTime.TryParseCclk(value, out long utc));
        Assert.Equal(Utc(y, mo, d, h, mi, s), utc);
    }

    [Theory]
    [InlineData("\"80/01/06,00:01:02+00\"")] // the unsynchronised default (GPS epoch)
    [InlineData("\"04/01/01,00:00:00+00\"")] // before MinValidYear
    [InlineData("\"23/12/31,23:59:59+00\"")]
    [InlineData("\"26/02/30,00:00:00+00\"")] // no such day
    [InlineData("\"26/03/01,24:00:00+00\"")]
    [InlineData("\"26/03/01,12:00:00+99\"")]
    [InlineData("\"26/03/01,12:00:00\"")]
    [InlineData("\"26-03-01,12:00:00+00\"")]
    [InlineData("")]
    [InlineData("garbage")]
    public void Cclk_Unsynchronised_OrMalformed_IsRejected(string value)
    {
        Assert.False(NetworkTime.TryParseCclk(value, out _));
    }

    [Fact]
    public void Cclk_FormatAndParse_RoundTrip()
    {
        long t = Utc(2026, 8, 31, 23, 59, 58) + 123;
        Assert.True(NetworkTime.TryFormatCclk(t, out string text));
        Assert.Equal("\"26/08/31,23:59:58+00\"", text);
        Assert.True(NetworkTime.TryParseCclk(text, out long back));
        Assert.Equal(t - 123, back);
        Assert.False(NetworkTime.TryFormatCclk(Utc(1999, 1, 1, 0, 0, 0), out _));
        Assert.False(NetworkTime.TryFormatCclk(Utc(2070, 1, 1, 0, 0, 0), out _));
    }

    [Fact]
    public void Cclk_FormatsEveryDayOfFourYears_LikeTheBcl()
    {
        for (long day = 0; day < 4 * 366; day++)
        {
            long t = Utc(2027, 1, 1, 0, 0, 0) + (day * 86_400_000L) + 45_296_000L;
            Assert.True(NetworkTime.TryFormatCclk(t, out string text));
            string expected = "\"" + DateTimeOffset.FromUnixTimeMilliseconds(t).ToString("yy/MM/dd,HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + "+00\"";
            Assert.Equal(expected, text);
        }
    }

    [Theory]
    [InlineData(0, -115)]
    [InlineData(1, -111)]
    [InlineData(2, -110)]
    [InlineData(20, -74)]
    [InlineData(30, -54)]
    [InlineData(31, -52)]
    [InlineData(99, int.MinValue)]
    [InlineData(50, int.MinValue)]
    public void Csq_MapsToDbm(int rssi, int dbm) => Assert.Equal(dbm, SignalQuality.CsqToDbm(rssi));

    [Theory]
    [InlineData("20,99", true, -74)]
    [InlineData("99,99", true, int.MinValue)]
    [InlineData("32,0", false, int.MinValue)]
    [InlineData("x,0", false, int.MinValue)]
    [InlineData("20", false, int.MinValue)]
    public void Csq_Parse(string value, bool ok, int dbm)
    {
        Assert.Equal(ok, SignalQuality.TryParseCsq(value, out int d));
        Assert.Equal(dbm, d);
    }

    [Fact]
    public void Cpsi_LteCell_IsParsed()
    {
        Assert.True(CellInfo.TryParse("LTE CAT-M1,Online,262-01,0x1A2B,27447553,256,EUTRAN-BAND20,6300,3,3,-10,-95,-65,12", out CellInfo c));
        Assert.True(c.HasService);
        Assert.True(c.Online);
        Assert.Equal("LTE CAT-M1", c.SystemMode);
        Assert.Equal((262, 1, 0x1A2B, 27447553), (c.Mcc, c.Mnc, c.Tac, c.CellId));
        Assert.Equal("EUTRAN-BAND20", c.Band);
        Assert.Equal((6300, -10, -95, -65, 4), (c.Earfcn, c.RsrqDb, c.RsrpDbm, c.RssiDbm, c.SinrDb));
    }

    [Fact]
    public void Cpsi_NoService_AndOddNumbers()
    {
        Assert.True(CellInfo.TryParse("NO SERVICE,Online", out CellInfo none));
        Assert.False(none.HasService);
        Assert.True(CellInfo.TryParse("LTE NB-IOT,Online,001-01,0xZZ,1,2,B,3,4,5,-10.5,-95,-65,", out CellInfo odd));
        Assert.Equal(CellInfo.Unknown, odd.Tac);
        Assert.Equal(CellInfo.Unknown, odd.RsrqDb);
        Assert.Equal(CellInfo.Unknown, odd.SinrDb);
        Assert.False(CellInfo.TryParse("", out _));
    }

    [Fact]
    public void Smsub_HexPayload_IsBinarySafe()
    {
        Assert.True(SubscriptionUrc.TryParse(" \"cars/c1/cmd\",\"00220D0A4F4BFF\"", true, out string topic, out byte[] payload));
        Assert.Equal("cars/c1/cmd", topic);
        Assert.Equal(new byte[] { 0x00, 0x22, 0x0D, 0x0A, 0x4F, 0x4B, 0xFF }, payload);
    }

    [Theory]
    [InlineData("\"t\",\"0\"", true)]        // odd hex
    [InlineData("\"t\",\"GG\"", true)]       // not hex
    [InlineData("\"\",\"00\"", true)]        // empty topic
    [InlineData("t,00", true)]               // unquoted
    [InlineData("\"t\"", false)]
    [InlineData("", false)]
    public void Smsub_Malformed_IsRejected(string value, bool hex) =>
        Assert.False(SubscriptionUrc.TryParse(value, hex, out _, out _));

    [Fact]
    public void Smsub_TextPayload_KeepsQuotesInside()
    {
        Assert.True(SubscriptionUrc.TryParse("\"t/x\",\"{\"watch\":60}\"", false, out string topic, out byte[] payload));
        Assert.Equal("t/x", topic);
        Assert.Equal("{\"watch\":60}", Encoding.ASCII.GetString(payload));
        Assert.True(SubscriptionUrc.TryParse("\"t\",\"\"", true, out _, out byte[] empty));
        Assert.Empty(empty);
    }

    [Fact]
    public void Fields_SplitOutsideQuotes()
    {
        Assert.Equal(["0", "1", "10.0.0.1"], AtText.SplitFields("0,1,\"10.0.0.1\""));
        Assert.Equal(["URL", "a,b", "8883"], AtText.SplitFields("\"URL\",\"a,b\",8883"));
        Assert.Equal([""], AtText.SplitFields(""));
        Assert.Equal(["a", "b"], AtText.SplitFields("a,\"b"));
    }

    [Theory]
    [InlineData("42", true, 42)]
    [InlineData(" -7 ", true, -7)]
    [InlineData("+3", true, 3)]
    [InlineData("2147483647", true, int.MaxValue)]
    [InlineData("2147483648", false, 0)]
    [InlineData("99999999999", false, 0)]
    [InlineData("1a", false, 0)]
    [InlineData("-", false, 0)]
    [InlineData("", false, 0)]
    public void Integers_Parse(string s, bool ok, int value)
    {
        Assert.Equal(ok, AtText.TryParseInt(s, out int v));
        Assert.Equal(value, v);
    }

    [Theory]
    [InlineData("3", 3)]
    [InlineData("operation not allowed", 3)]
    [InlineData("SIM busy", 14)]
    [InlineData("incorrect password", 16)]
    [InlineData("CFUN state is 0 or 4", 797)]
    [InlineData("unknown words", -1)]
    public void CmeErrors_NumericOrVerbose(string text, int code) => Assert.Equal(code, CmeError.Parse(text));

    [Fact]
    public void Hex_AndQuoting()
    {
        Assert.Equal("0A1B2C3D", AtText.ToHex(0x0A1B2C3D));
        Assert.True(AtText.IsQuotable("cars/car-42/fixes", 128));
        Assert.False(AtText.IsQuotable("a\"b", 128));
        Assert.False(AtText.IsQuotable("a\rb", 128));
        Assert.False(AtText.IsQuotable("", 128));
        Assert.False(AtText.IsQuotable(new string('a', 129), 128));
    }
}
