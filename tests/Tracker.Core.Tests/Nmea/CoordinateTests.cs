using FsCheck;
using FsCheck.Xunit;
using Tracker.Core.Nmea;
using static Tracker.Core.Tests.Nmea.NmeaTestKit;

namespace Tracker.Core.Tests.Nmea;

public class CoordinateTests
{
    private static FieldResult Read(string value, string hemisphere, bool latitude, out int e7)
    {
        NmeaSentence s = Scan(Sentence($"GPXXX,{value},{hemisphere}"));
        return s.TryGetCoordinate(1, latitude, out e7);
    }

    [Theory]
    [InlineData("4807.038", "N", true, 481173000)]
    [InlineData("4807.038", "S", true, -481173000)]
    [InlineData("01131.000", "E", false, 115166667)]
    [InlineData("12311.12", "W", false, -1231853333)]
    [InlineData("4134.49821229", "N", true, 415749702)]   // 8 decimal places (RTK)
    [InlineData("09345.03351845", "W", false, -937505586)]
    [InlineData("9000.0000", "N", true, 900000000)]
    [InlineData("18000.0000", "W", false, -1800000000)]
    [InlineData("0000.0001", "N", true, 17)]
    [InlineData("4807", "N", true, 481166667)]           // no fraction
    public void Coordinate_ParsesToE7_WithIntegerRounding(string value, string hemisphere, bool latitude, int expected)
    {
        Assert.Equal(FieldResult.Ok, Read(value, hemisphere, latitude, out int e7));
        Assert.Equal(expected, e7);
    }

    [Theory]
    [InlineData("4860.000", "N", true)]   // 60 minutes
    [InlineData("9000.0001", "N", true)]  // beyond the pole
    [InlineData("18000.01", "E", false)]
    [InlineData("48O7.038", "N", true)]   // letter O
    [InlineData("4807.038", "E", true)]   // wrong hemisphere letter
    [InlineData("-4807.038", "N", true)]
    [InlineData("48.07", "N", true)]      // too few integer digits
    [InlineData("123456.0", "N", true)]   // too many
    [InlineData("4807.03.8", "N", true)]
    [InlineData("4807.038", "", true)]    // hemisphere missing
    [InlineData("", "N", true)]
    public void Coordinate_OutOfFormOrRange_IsMalformed(string value, string hemisphere, bool latitude)
    {
        Assert.Equal(FieldResult.Malformed, Read(value, hemisphere, latitude, out _));
    }

    [Fact]
    public void Coordinate_BothFieldsEmpty_IsUnknown()
    {
        Assert.Equal(FieldResult.Empty, Read("", "", true, out _));
    }

    [Property(MaxTest = 500)]
    public bool Coordinate_MatchesExactDecimalArithmetic(NonNegativeInt degrees, NonNegativeInt minuteMillionths)
    {
        int deg = degrees.Get % 180;
        long micro = minuteMillionths.Get % 60_000_000L; // minutes with 6 decimals
        string text = $"{deg:D3}{micro / 1_000_000:D2}.{micro % 1_000_000:D6}";
        Read(text, "E", false, out int e7);
        decimal exact = (deg + (micro / 1_000_000m / 60m)) * 10_000_000m;
        return Math.Abs(e7 - exact) <= 0.5m;
    }
}
