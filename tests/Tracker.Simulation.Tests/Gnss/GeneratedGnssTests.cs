using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Tracker.Core.Fixes;
using Tracker.Simulation.Gnss;
using Tracker.Simulation.Routes;
using Tracker.Simulation.Tests.Support;

namespace Tracker.Simulation.Tests.Gnss;

public class GeneratedGnssTests
{
    private const long Start = 1_767_268_800_250; // 2026-01-01T12:00:00.250Z

    [Fact]
    public void Read_PrintsEachEpochOnce_OnWholeSeconds()
    {
        var gnss = new GeneratedGnss(new RouteGenerator(Drives.Town, 1), Start);
        Assert.Equal(1_767_268_801_000, gnss.FirstEpochUtcMs);
        Assert.Equal(0, gnss.Read(gnss.FirstEpochUtcMs - 1, new byte[64], 0, 64));

        var all = new List<Fix>();
        var reader = new NmeaFixReader();
        for (long now = Start; now <= Start + 600_000; now += 250)
        {
            all.AddRange(Firmware.Decode(Firmware.ReadAll(gnss, now, chunk: 37), reader));
        }

        Assert.Equal(600, gnss.Epochs);
        Assert.Equal(0, reader.Counters.ChecksumErrors + reader.Counters.Malformed);
        long[] times = all.Select(f => f.TimeMs).ToArray();
        Assert.Equal(times.Distinct().Count(), times.Length);
        Assert.All(times, t => Assert.Equal(0, t % 1000));
        Assert.True(times.Zip(times.Skip(1)).All(p => p.Second > p.First));
        Assert.Equal(600 - reader.Counters.EpochsWithoutFix, times.Length);
    }

    [Fact]
    public void Read_DecodesToTheRouteObservations()
    {
        var expected = new RouteGenerator(Drives.Town, 2);
        var gnss = new GeneratedGnss(new RouteGenerator(Drives.Town, 2), Start);
        List<Fix> fixes = Firmware.Decode(Firmware.ReadAll(gnss, Start + 3_600_000));
        int f = 0;
        for (int s = 0; s < 3600; s++)
        {
            RouteEpoch e = expected.Next();
            if (!e.Gnss.HasFix)
            {
                Assert.True(f == fixes.Count || fixes[f].TimeMs != gnss.FirstEpochUtcMs + (s * 1000L));
                continue;
            }

            Fix fix = fixes[f++];
            Assert.Equal(gnss.FirstEpochUtcMs + (s * 1000L), fix.TimeMs);
            Assert.InRange(fix.LatE7 - (e.Gnss.LatitudeDeg * 1e7), -1.5, 1.5);
            Assert.InRange(fix.LonE7 - (e.Gnss.LongitudeDeg * 1e7), -1.5, 1.5);
            Assert.Equal(e.Gnss.Satellites, fix.Satellites);
        }

        Assert.Equal(f, fixes.Count);
    }

    [Property(MaxTest = 25)]
    public Property ChunkSizes_DoNotChangeWhatTheFirmwareReads() =>
        Prop.ForAll(Gen.Choose(1, 300).ToArbitrary(), Gen.Choose(0, 1000).ToArbitrary(), (chunk, car) =>
        {
            byte[] whole = Firmware.ReadAll(new GeneratedGnss(new RouteGenerator(Drives.Town, car), Start), Start + 120_000);
            byte[] pieces = Firmware.ReadAll(new GeneratedGnss(new RouteGenerator(Drives.Town, car), Start), Start + 120_000, chunk);
            Assert.Equal(whole, pieces);
            Assert.Equal(Firmware.Decode(whole), Firmware.Decode(pieces, chunk: chunk));
        });

    [Fact]
    public void InCoverage_FollowsTheRoutesDeadZones()
    {
        var route = new RouteGenerator(Drives.Town, 3);
        var gnss = new GeneratedGnss(new RouteGenerator(Drives.Town, 3), Start);
        for (long ms = -5000; ms < 4 * 3_600_000; ms += 10_000)
        {
            Assert.Equal(route.Coverage.InCoverage(ms), gnss.InCoverage(gnss.FirstEpochUtcMs + ms));
        }

        Assert.True(route.Coverage.DeadZonesDrawn >= 2);
    }

    [Fact]
    public void Read_BadArguments_Throw()
    {
        var gnss = new GeneratedGnss(new RouteGenerator(Drives.Town, 1), Start);
        Assert.Throws<ArgumentOutOfRangeException>(() => gnss.Read(Start, new byte[10], 5, 6));
        Assert.Throws<ArgumentOutOfRangeException>(() => gnss.Read(Start, new byte[10], -1, 1));
        Assert.Throws<ArgumentNullException>(() => gnss.Read(Start, null!, 0, 1));
        Assert.Equal(0, gnss.Read(Start + 5000, new byte[10], 0, 0));
    }
}
