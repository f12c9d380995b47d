using Tracker.Cloud.Core.Storage;

namespace Tracker.Cloud.Archive.Benchmarks;

/// <summary>
/// A deterministic synthetic day per car: 5-second fixes (or any interval) over 24 hours, alternating
/// 40 minutes of driving (speed easing between 0 and ~25 m/s, heading drifting, position integrated
/// from speed and heading) and 20 minutes parked (position fixed to within GNSS wander of a few 1e-7
/// degrees). Seeded by the car's number only, so every run produces the same rows.
/// </summary>
internal static class SyntheticRoute
{
    public static string CarId(int car) => "car-" + car.ToString("D4", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Fixes <paramref name="from"/> to <paramref name="to"/> (exclusive) of the car's day, by index.</summary>
    public static IEnumerable<StoredFix> Fixes(int car, long dayStartMs, int intervalS, int from, int to)
    {
        string carId = CarId(car);
        var state = new State(car);
        for (int i = 0; i < to; i++)
        {
            StoredFix fix = state.Next(carId, dayStartMs, intervalS, i);
            if (i >= from)
            {
                yield return fix;
            }
        }
    }

    private sealed class State(int car)
    {
        private ulong _random = 0x9E3779B97F4A7C15UL ^ ((ulong)(car + 1) * 0xBF58476D1CE4E5B9UL);
        private double _lat = 52.30 + (car % 40 * 0.005);
        private double _lon = 4.80 + (car / 40 * 0.005);
        private double _heading = car * 37 % 360;
        private double _speed;
        private int _hdop = 90;
        private int _satellites = 10;
        private int _altCm = 1500 + (car % 50 * 10);

        public StoredFix Next(string carId, long dayStartMs, int intervalS, int i)
        {
            long ts = dayStartMs + ((long)i * intervalS * 1000);
            int cycleS = (int)((((long)i * intervalS) + (car * 97)) % 3600);
            bool driving = cycleS < 2400;
            double target = driving ? 8 + (Noise() * 17) : 0;
            _speed += (target - _speed) * 0.2;
            if (!driving && _speed < 0.3)
            {
                _speed = 0;
            }

            bool moving = _speed >= 0.5;
            if (moving)
            {
                _heading = (_heading + ((Noise() - 0.5) * 20) + 360) % 360;
                double metres = _speed * intervalS;
                _lat += metres * Math.Cos(_heading * Math.PI / 180) / 111_320;
                _lon += metres * Math.Sin(_heading * Math.PI / 180) / (111_320 * Math.Cos(_lat * Math.PI / 180));
            }

            int wander = moving ? 0 : (int)(Noise() * 6) - 3;

            // Satellites and HDOP change now and then, altitude drifts with the road.
            if (Noise() < 0.02)
            {
                _satellites = Math.Clamp(_satellites + (Noise() < 0.5 ? -1 : 1), 4, 16);
                _hdop = Math.Clamp(_hdop + (int)((Noise() - 0.5) * 30), 60, 250);
            }

            if (moving)
            {
                _altCm = Math.Clamp(_altCm + (int)((Noise() - 0.5) * 40), -500, 30_000);
            }

            return new StoredFix(
                carId,
                ts,
                (int)Math.Round(_lat * 1e7) + wander,
                (int)Math.Round(_lon * 1e7) - wander,
                i % 97 == 0 ? null : _altCm,
                (int)Math.Round(_speed * 1000),
                moving ? (int)Math.Round(_heading * 100) : null,
                _hdop,
                _satellites,
                3,
                1,
                false,
                moving,
                ts + 400 + (long)(Noise() * 2000));
        }

        private double Noise()
        {
            // splitmix64: fast and deterministic.
            ulong z = _random += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            return (z >> 11) * (1.0 / (1UL << 53));
        }
    }
}
