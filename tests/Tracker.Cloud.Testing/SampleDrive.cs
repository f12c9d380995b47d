using Tracker.Core.Fixes;

namespace Tracker.Cloud.Testing;

/// <summary>
/// The drive of the sample events (cloud/Tracker.Cloud.Lambda/sample-events): car-0042 heading north-east at about
/// 50 km/h, a fix every 5 s, every field known, our own values.
/// </summary>
public static class SampleDrive
{
    /// <summary>The sample events' car.</summary>
    public const string Car = "car-0042";

    /// <summary><paramref name="count"/> fixes 5 s apart from <paramref name="startMs"/>.</summary>
    /// <param name="startMs">The first fix's time, UTC epoch ms.</param>
    /// <param name="count">How many.</param>
    /// <returns>The fixes, oldest first.</returns>
    public static Fix[] Fixes(long startMs, int count)
    {
        Fix[] fixes = new Fix[count];
        for (int i = 0; i < count; i++)
        {
            Fix f = Fix.Create(startMs + (i * 5000L), 523791000 + (i * 4200), 49003000 + (i * 2600));
            f.AltCm = 210;
            f.SpeedMmps = 13900;
            f.CourseCdeg = 2150;
            f.HdopX100 = 90;
            f.Satellites = 11;
            f.Mode = FixMode.ThreeD;
            f.Quality = FixQuality.Autonomous;
            fixes[i] = f;
        }

        return fixes;
    }
}
