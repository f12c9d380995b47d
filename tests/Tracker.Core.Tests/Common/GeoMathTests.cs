using Tracker.Core.Tests.Reporting;
using Tracker.Core.Common;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Tracker.Core.Reporting;
using Xunit.Abstractions;

namespace Tracker.Core.Tests.Common;

public class GeoMathTests(ITestOutputHelper output)
{
    /// <summary>The documented bound (GeoMath remarks): 0.005% of the distance plus 2 cm.</summary>
    private const double RelativeBound = 0.00005;
    private const double AbsoluteBoundCm = 2;

    /// <summary>Great-circle distance on the same sphere, in double precision: the reference.</summary>
    private static double HaversineCm(int lat1, int lon1, int lat2, int lon2)
    {
        double p1 = lat1 / 1e7 * Math.PI / 180, p2 = lat2 / 1e7 * Math.PI / 180;
        double dp = p2 - p1, dl = (lon2 - (double)lon1) / 1e7 * Math.PI / 180;
        double a = (Math.Sin(dp / 2) * Math.Sin(dp / 2)) + (Math.Cos(p1) * Math.Cos(p2) * Math.Sin(dl / 2) * Math.Sin(dl / 2));
        return 2 * FixScript.EarthRadiusM * 100 * Math.Asin(Math.Min(1, Math.Sqrt(a)));
    }

    [Fact]
    public void CosTable_EveryWholeDegree_MatchesMathCosWithinOneUnit()
    {
        for (int deg = 0; deg <= 90; deg++)
        {
            double expected = Math.Cos(deg * Math.PI / 180) * GeoMath.CosOne;
            Assert.InRange(GeoMath.CosQ30(deg * GeoMath.E7PerDegree) - expected, -1.0, 1.0);
            Assert.Equal(GeoMath.CosQ30(deg * GeoMath.E7PerDegree), GeoMath.CosQ30(-deg * GeoMath.E7PerDegree));
        }
    }

    [Fact]
    public void CosQ30_BetweenTableEntries_IsWithinInterpolationBound()
    {
        double worst = 0;
        for (int lat = -900000000; lat <= 900000000; lat += 1234567)
        {
            double err = Math.Abs((GeoMath.CosQ30(lat) / (double)GeoMath.CosOne) - Math.Cos(lat / 1e7 * Math.PI / 180));
            worst = Math.Max(worst, err);
        }

        output.WriteLine($"worst |cos error| = {worst:E2}");
        Assert.True(worst <= 4.1e-5, $"worst {worst:E2}");
    }

    [Fact]
    public void CosQ30_BeyondThePoles_IsZero()
    {
        Assert.Equal(0, GeoMath.CosQ30(900000000));
        Assert.Equal(0, GeoMath.CosQ30(-900000000));
        Assert.Equal(0, GeoMath.CosQ30(int.MaxValue));
        Assert.Equal(0, GeoMath.CosQ30(int.MinValue));
    }

    [Fact]
    public void Distance_UpTo10KmAndLatitude85_IsWithinDocumentedBoundOfHaversine()
    {
        var rnd = new Random(20240601);
        double worstRelative = 0, worstExcess = double.NegativeInfinity, worstAbsCm = 0;
        int n = 0;
        while (n < 50000)
        {
            double lat = (rnd.NextDouble() * 170) - 85;
            double lon = (rnd.NextDouble() * 360) - 180;

            // Half the samples log-uniform from 1 cm to 10 km, half uniform up to 10 km.
            double metres = n % 2 == 0 ? Math.Pow(10, (rnd.NextDouble() * 6) - 2) : rnd.NextDouble() * 10000;
            (double lat2, double lon2) = FixScript.Offset(lat, lon, rnd.NextDouble() * 360, metres);
            if (Math.Abs(lat2) > 85)
            {
                continue;
            }

            int a1 = FixScript.E7(lat), o1 = FixScript.E7(lon), a2 = FixScript.E7(lat2), o2 = FixScript.E7(lon2);
            double reference = HaversineCm(a1, o1, a2, o2);
            long got = GeoMath.DistanceCm(a1, o1, a2, o2);
            double err = Math.Abs(got - reference);
            worstAbsCm = Math.Max(worstAbsCm, err);
            worstExcess = Math.Max(worstExcess, err - ((RelativeBound * reference) + AbsoluteBoundCm));
            if (reference > 100000)
            {
                worstRelative = Math.Max(worstRelative, err / reference);
            }

            n++;
        }

        output.WriteLine($"{n} pairs: worst relative error (d > 1 km) {worstRelative:E2}, worst absolute {worstAbsCm:F1} cm, margin to bound {-worstExcess:F2} cm");
        Assert.True(worstExcess <= 0, $"bound exceeded by {worstExcess:F2} cm");
    }

    [Fact]
    public void Distance_OneDegreeOfLatitude_Is111195Metres()
    {
        long cm = GeoMath.DistanceCm(450000000, 70000000, 460000000, 70000000);
        Assert.InRange(cm, 11119508 - 2, 11119508 + 2);
    }

    [Fact]
    public void Distance_SamePoint_IsZero()
    {
        Assert.Equal(0, GeoMath.DistanceCm(393000000, -1197000000, 393000000, -1197000000));
    }

    [Fact]
    public void Distance_AcrossTheAntimeridian_IsTheShortWay()
    {
        // 0.002° of longitude at the equator is about 222 m, whichever side of ±180° the points are.
        long cm = GeoMath.DistanceCm(0, 1799990000, 0, -1799990000);
        Assert.InRange(cm, 22239 - 2, 22239 + 2);
    }

    [Fact]
    public void Distance_ExtremeInputs_DoNotOverflow()
    {
        Assert.InRange(GeoMath.DistanceCm(-900000000, -1800000000, 900000000, 1800000000), 1_900_000_000L, 3_000_000_000L);
        Assert.InRange(GeoMath.DistanceCm(int.MinValue, int.MinValue, int.MaxValue, int.MaxValue), 0L, long.MaxValue);
    }

    [Property(MaxTest = 500)]
    public bool Distance_IsSymmetricAndNonNegative(int lat1, int lon1, int lat2, int lon2)
    {
        lat1 %= 900000001;
        lat2 %= 900000001;
        long d = GeoMath.DistanceCm(lat1, lon1, lat2, lon2);
        return d >= 0 && d == GeoMath.DistanceCm(lat2, lon2, lat1, lon1);
    }

    [Theory]
    [InlineData(0, 0, 0)]
    [InlineData(1000, 3000, 2000)]
    [InlineData(35900, 100, 200)]
    [InlineData(100, 35900, 200)]
    [InlineData(0, 18000, 18000)]
    [InlineData(9000, 27001, 17999)]
    [InlineData(35999, 0, 1)]
    [InlineData(72000, 100, 100)]
    [InlineData(-100, 100, 200)]
    public void HeadingDelta_WrapsAt360(int a, int b, int expected)
    {
        Assert.Equal(expected, GeoMath.HeadingDeltaCdeg(a, b));
    }

    [Property(MaxTest = 500)]
    public bool HeadingDelta_IsTheSmallerAngle(int a, int b)
    {
        a = ((a % 36000) + 36000) % 36000;
        b = ((b % 36000) + 36000) % 36000;
        int raw = Math.Abs(a - b);
        int d = GeoMath.HeadingDeltaCdeg(a, b);
        return d == Math.Min(raw, 36000 - raw) && d == GeoMath.HeadingDeltaCdeg(b, a) && d is >= 0 and <= 18000;
    }

    [Property(MaxTest = 1000)]
    public Property ISqrt_IsTheNearestInteger()
    {
        Gen<ulong> values = Gen.OneOf(
            Gen.Choose(0, int.MaxValue).Select(i => (ulong)i),
            ArbMap.Default.GeneratorFor<ulong>(),
            Gen.Choose(0, int.MaxValue).Select(i => (ulong)i * (ulong)i),
            Gen.Constant(ulong.MaxValue));
        return Prop.ForAll(values.ToArbitrary(), v =>
        {
            UInt128 r = GeoMath.ISqrt(v);
            UInt128 x = v;

            // Nearest: r² - r < x ≤ r² + r (x is an integer, so the .25 of (r ± ½)² drops out).
            return (r * r) - r < x + (r == 0 ? 1u : 0u) && x <= (r * r) + r;
        });
    }
}
