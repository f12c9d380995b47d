using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Tracker.Core.Fixes;
using Tracker.Simulation.Gnss;
using Tracker.Simulation.Tests.Support;

namespace Tracker.Simulation.Tests.Gnss;

public class NmeaWriterTests
{
    private const long Noon = 1_767_268_800_000; // 2026-01-01T12:00:00Z

    private static readonly GnssObservation Reno = new(true, 39.5296, -119.8138, 1373.4, 13.9, 271.25, 0.92, 14);

    [Fact]
    public void Write_PrintsRmcGgaGsa_WithReceiverFormats()
    {
        string text = new NmeaWriter().Format(Noon, Reno);
        string[] lines = text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("$GNRMC,120000.00,A,3931.77600,N,11948.82800,W,27.02,271.25,010126,,,A*", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("$GNGGA,120000.00,3931.77600,N,11948.82800,W,1,14,0.92,1373.4,M,,,,*", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("$GNGSA,A,3,02,05,07,09,13,15,18,20,23,25,29,30,1.58,0.92,1.29*", lines[2], StringComparison.Ordinal);
        Assert.EndsWith("\r\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_EverySentence_HasItsChecksumAndFitsNmeaLength()
    {
        var writer = new NmeaWriter();
        var random = new Random(1);
        for (int i = 0; i < 500; i++)
        {
            foreach (string line in writer.Format(Noon + (i * 1000L), RandomObservation(random)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries))
            {
                Assert.True(line.Length + 2 <= 82, line);
                int star = line.IndexOf('*', StringComparison.Ordinal);
                byte sum = 0;
                foreach (char c in line[1..star])
                {
                    sum ^= (byte)c;
                }

                Assert.Equal(sum.ToString("X2", System.Globalization.CultureInfo.InvariantCulture), line[(star + 1)..]);
            }
        }
    }

    [Fact]
    public void Write_GpTalkerWithoutGsa_PrintsTwoGpSentences()
    {
        string[] lines = new NmeaWriter("GP", includeGsa: false).Format(Noon, Reno).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["$GPRMC", "$GPGGA"], lines.Select(l => l[..6]));
    }

    [Fact]
    public void Write_NoFix_PrintsTimeAndDateWithVoidStatusAndNoPosition()
    {
        byte[] bytes = Encoding.ASCII.GetBytes(new NmeaWriter().Format(Noon, GnssObservation.NoFix(2)));
        string[] lines = Encoding.ASCII.GetString(bytes).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("$GNRMC,120000.00,V,,,,,,,010126,,,N*", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("$GNGGA,120000.00,,,,,0,02,99.99,,,,,,*", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("$GNGSA,A,1,,,,,,,,,,,,,99.99,99.99,99.99*", lines[2], StringComparison.Ordinal);

        var reader = new Tracker.Core.Fixes.NmeaFixReader();
        Assert.Empty(Firmware.Decode(bytes, reader));
        Assert.Equal(3, reader.Counters.ParsedTotal);
        Assert.Equal(1, reader.Counters.EpochsWithoutFix);
        Assert.Equal(0, reader.Counters.Malformed + reader.Counters.ChecksumErrors);
    }

    [Theory]
    [InlineData(45.999999999, 7.0, "4600.00000,N,00700.00000,E")]
    [InlineData(-0.0000001, -0.0000001, "0000.00001,S,00000.00001,W")]
    [InlineData(-89.5, 179.9999999, "8930.00000,S,17959.99999,E")]
    [InlineData(1e-9, -180, "0000.00000,N,18000.00000,W")]
    public void Write_RoundsAngles_CarryingIntoDegreesAndKeepingHemispheres(double lat, double lon, string expected)
    {
        string rmc = new NmeaWriter().Format(Noon, Reno with { LatitudeDeg = lat, LongitudeDeg = lon });
        Assert.Contains("," + expected + ",", rmc, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_UnknownCourseSpeedAltitude_LeavesTheFieldsEmpty()
    {
        var o = Reno with { CourseDeg = double.NaN, SpeedMps = double.NaN, AltitudeM = double.NaN, Hdop = double.NaN };
        string[] lines = new NmeaWriter().Format(Noon, o).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(",W,,,010126,", lines[0], StringComparison.Ordinal);
        Assert.Contains(",W,1,14,,,,,,,*", lines[1], StringComparison.Ordinal);
        Fix fix = Assert.Single(Firmware.Decode(Encoding.ASCII.GetBytes(string.Concat(lines.Select(l => l + "\r\n")))));
        Assert.Equal(Fix.Unknown, fix.CourseCdeg);
        Assert.Equal(Fix.Unknown, fix.SpeedMmps);
        Assert.Equal(Fix.Unknown, fix.AltCm);
    }

    [Fact]
    public void Write_Misuse_Throws()
    {
        Assert.Throws<ArgumentException>(() => new NmeaWriter("GL"));
        var writer = new NmeaWriter();
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Write(Noon, Reno, new byte[100], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Format(0, Reno));
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Format(Noon, Reno with { LatitudeDeg = 91 }));
    }

    [Property(MaxTest = 200)]
    public Property FirmwareReader_DecodesEveryWrittenFix_ToTheObservationWithinQuantisation() =>
        Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), seed =>
        {
            var random = new Random(seed);
            var writer = new NmeaWriter(random.Next(2) == 0 ? "GN" : "GP", random.Next(2) == 0);
            var buffer = new byte[20 * NmeaWriter.MaxEpochBytes];
            var observations = new List<(long Time, GnssObservation O)>();
            long time = 946_684_800_000 + (long)(random.NextDouble() * 2_500_000_000_000);
            int length = 0;
            for (int i = 0; i < 20; i++)
            {
                time += 1000 + random.Next(5000) * 10;
                GnssObservation o = RandomObservation(random);
                observations.Add((time, o));
                length += writer.Write(time, o, buffer, length);
            }

            List<Fix> fixes = Firmware.Decode(buffer[..length], chunk: 1 + random.Next(64));
            Assert.Equal(observations.Count, fixes.Count);
            for (int i = 0; i < fixes.Count; i++)
            {
                (long t, GnssObservation o) = observations[i];
                Fix f = fixes[i];
                Assert.Equal(t - (t % 10), f.TimeMs);

                // ddmm.mmmmm: 1e-5 arc-minute is 1.67e-7°, so half of it plus the reader's rounding stays within 2e-7°.
                Assert.InRange(f.LatE7 - (o.LatitudeDeg * 1e7), -1.5, 1.5);
                Assert.InRange(f.LonE7 - (o.LongitudeDeg * 1e7), -1.5, 1.5);

                // 0.01 knot is 5.14 mm/s: half of it plus rounding to whole mm/s.
                Assert.InRange(f.SpeedMmps - (o.SpeedMps * 1000), -3.1, 3.1);
                double course = Math.Abs(f.CourseCdeg - (o.CourseDeg * 100));
                Assert.True(Math.Min(course, 36000 - course) <= 0.5 + 1e-6, $"course {f.CourseCdeg} vs {o.CourseDeg}");
                Assert.InRange(f.AltCm - (o.AltitudeM * 100), -5 - 1e-6, 5 + 1e-6);
                Assert.InRange(f.HdopX100 - (o.Hdop * 100), -0.5 - 1e-6, 0.5 + 1e-6);
                Assert.Equal(o.Satellites, f.Satellites);
                Assert.Equal(FixQuality.Autonomous, f.Quality);
                Assert.Equal(FixMode.ThreeD, f.Mode);
            }
        });

    internal static GnssObservation RandomObservation(Random random)
    {
        double lat = (random.NextDouble() * 179.8) - 89.9;
        double lon = (random.NextDouble() * 359.98) - 179.99;
        if (Math.Abs(lat) < 1e-3 && Math.Abs(lon) < 1e-3)
        {
            lat = 1; // the firmware never reports 0,0
        }

        return new GnssObservation(
            true,
            lat,
            lon,
            (random.NextDouble() * 8400) - 400,
            random.NextDouble() * 80,
            random.NextDouble() * 360,
            0.5 + (random.NextDouble() * 20),
            random.Next(1, 40)); // a "fix" from 0 satellites is not one: the firmware ignores such a GGA
    }
}
