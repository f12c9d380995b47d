using Tracker.Cloud.Core.Storage;

namespace Tracker.Cloud.Testing;

/// <summary>
/// Deterministic synthetic fixes: each car drives a loop near its own depot, 60 fixes moving then 20
/// parked, with the unknowns a real tracker has (no altitude, speed, course, HDOP or satellites on some
/// fixes), so every nullable column holds nulls and values.
/// </summary>
public static class SyntheticFleet
{
    /// <summary>The car id of car number <paramref name="index"/>.</summary>
    public static string CarId(int index) => "car-" + index.ToString("D4", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary><paramref name="count"/> fixes of a car, <paramref name="intervalMs"/> apart from <paramref name="startMs"/>.</summary>
    public static StoredFix[] Drive(string carId, int carIndex, long startMs, int count, int intervalMs)
    {
        var fixes = new StoredFix[count];
        int lat = 523_700_000 + (carIndex * 10_000);
        int lon = 48_900_000 + (carIndex * 7_000);
        for (int i = 0; i < count; i++)
        {
            bool moving = i % 80 < 60;
            int speed = moving ? 8_000 + (i % 60 * 150) : 0;
            if (moving)
            {
                lat += 300 + (i % 7 * 20);
                lon += (i / 80 % 2 == 0 ? 1 : -1) * (250 + (i % 5 * 30));
            }

            fixes[i] = new StoredFix(
                carId,
                startMs + ((long)i * intervalMs),
                lat,
                lon,
                i % 7 == 3 ? null : 1_250 + (i % 50 * 10),
                i % 11 == 5 ? null : speed,
                moving && i % 13 != 2 ? (4_500 + (i * 37)) % 36_000 : null,
                i % 17 == 4 ? null : 80 + (i % 9 * 5),
                i % 19 == 6 ? null : 7 + (i % 6),
                (byte)(i % 23 == 0 ? 2 : 3),
                (byte)(i % 29 == 0 ? 2 : 1),
                i % 11 == 5,
                moving,
                startMs + ((long)i * intervalMs) + 1_500 + (i % 4 * 100));
        }

        return fixes;
    }
}
