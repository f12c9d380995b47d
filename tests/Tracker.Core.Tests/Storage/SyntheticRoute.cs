using Tracker.Core.Fixes;

namespace Tracker.Core.Tests.Storage;

/// <summary>
/// A deterministic 1 Hz drive for tests that must run without ../shared: town and highway legs,
/// accelerating at up to 2 m/s², turns at junctions, stops at lights, with receiver-like noise
/// (correlated position error of about half a metre, speed and course jitter) and NMEA-like output
/// resolution (5 decimals of arc-minutes, speed to 0.01 knot, course to 0.01°, altitude to 0.1 m).
/// </summary>
public static class SyntheticRoute
{
    private const double MetresPerDegree = 111_320.0;

    /// <summary>Generates <paramref name="count"/> consecutive 1 Hz fixes.</summary>
    public static Fix[] Generate(int count, int seed, long startMs = 1_700_000_000_000)
    {
        var random = new Random(seed);
        var fixes = new Fix[count];
        double lat = 48.137, lon = 11.575, alt = 520.0;
        double heading = random.NextDouble() * 360.0, speed = 0.0, targetSpeed = 13.9;
        double noiseN = 0, noiseE = 0, altDrift = 0;
        int legLeft = 60, stopLeft = 0, turnLeft = 0;
        double turnRate = 0, curveRate = 0;
        int hdop = 90, satellites = 9;
        double lastCourse = heading;

        for (int i = 0; i < count; i++)
        {
            if (stopLeft > 0)
            {
                stopLeft--;
                targetSpeed = 0;
                if (stopLeft == 0)
                {
                    targetSpeed = random.NextDouble() < 0.3 ? 27.8 + (random.NextDouble() * 5) : 11 + (random.NextDouble() * 5);
                }
            }
            else if (--legLeft <= 0)
            {
                // End of a leg: stop at a light, or turn at a junction, or change road class.
                double r = random.NextDouble();
                if (r < 0.35)
                {
                    stopLeft = 10 + random.Next(50);
                }
                else if (r < 0.75)
                {
                    turnLeft = 5 + random.Next(5);
                    turnRate = (random.Next(2) == 0 ? 90.0 : -90.0) / turnLeft;
                    targetSpeed = Math.Min(targetSpeed, 8);
                }
                else
                {
                    targetSpeed = random.NextDouble() < 0.5 ? 30 + (random.NextDouble() * 5) : 12 + (random.NextDouble() * 4);
                }

                legLeft = 20 + random.Next(120);
            }

            if (turnLeft > 0)
            {
                heading += turnRate;
                if (--turnLeft == 0)
                {
                    targetSpeed = 12 + (random.NextDouble() * 4);
                }
            }
            else if (speed > 1)
            {
                curveRate = Math.Clamp((curveRate * 0.95) + ((random.NextDouble() - 0.5) * 0.4), -3, 3);
                heading += curveRate;
            }

            heading = ((heading % 360) + 360) % 360;
            double accel = Math.Clamp(targetSpeed - speed, -2.5, 2.0);
            speed = Math.Max(0, speed + accel + ((random.NextDouble() - 0.5) * 0.2));

            double north = speed * Math.Cos(heading * Math.PI / 180);
            double east = speed * Math.Sin(heading * Math.PI / 180);
            lat += north / MetresPerDegree;
            lon += east / (MetresPerDegree * Math.Cos(lat * Math.PI / 180));
            alt += (speed * 0.01 * Math.Sin(i / 300.0)) + ((random.NextDouble() - 0.5) * 0.05);
            altDrift = (0.98 * altDrift) + ((random.NextDouble() - 0.5) * 0.3);

            // Receiver error wanders slowly (AR(1)), it is not white noise.
            noiseN = (0.97 * noiseN) + ((random.NextDouble() - 0.5) * 0.25);
            noiseE = (0.97 * noiseE) + ((random.NextDouble() - 0.5) * 0.25);

            double reportedSpeed = Math.Max(0, speed + ((random.NextDouble() - 0.5) * 0.1));
            double course = reportedSpeed > 0.5 ? heading + ((random.NextDouble() - 0.5) * 0.6) : lastCourse;
            course = ((course % 360) + 360) % 360;
            lastCourse = course;

            if (random.NextDouble() < 0.03)
            {
                hdop = Math.Clamp(hdop + ((random.Next(3) - 1) * 10), 60, 200);
            }

            if (random.NextDouble() < 0.02)
            {
                satellites = Math.Clamp(satellites + random.Next(3) - 1, 5, 14);
            }

            Fix fix = Fix.Create(
                startMs + (i * 1000L),
                ToE7(lat + (noiseN / MetresPerDegree)),
                ToE7(lon + (noiseE / (MetresPerDegree * Math.Cos(lat * Math.PI / 180)))));
            fix.AltCm = (int)Math.Round((alt + altDrift) * 10) * 10;
            fix.SpeedMmps = (int)Math.Round(Math.Round(reportedSpeed / 0.514444 * 100) / 100 * 514.444);
            fix.CourseCdeg = (int)Math.Round(course * 100) % 36000;
            fix.HdopX100 = hdop;
            fix.Satellites = satellites;
            fix.Mode = FixMode.ThreeD;
            fixes[i] = fix;
        }

        return fixes;
    }

    // NMEA gives ddmm.mmmmm: quantise to 1e-5 arc-minute, then to 1e-7 degree.
    private static int ToE7(double degrees)
    {
        double minutes = Math.Round(degrees * 60 * 100_000) / 100_000;
        return (int)Math.Round(minutes / 60 * 10_000_000);
    }
}
