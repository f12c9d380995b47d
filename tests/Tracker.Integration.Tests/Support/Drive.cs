using Tracker.Core.Fixes;
using Tracker.Core.Reporting;

namespace Tracker.Integration.Tests.Support;

/// <summary>
/// A drive as the device sees it: every fix the firmware's NMEA reader produces from a log, and
/// whether the report policy (the default profile, or none) records it and the car is moving. The
/// car rig feeds the fixes as read to the device's recorder; what the drive says here is the
/// expectation (the same policy, run once at load).
/// </summary>
public sealed class Drive
{
    private Drive(string name, IReadOnlyList<DriveFix> fixes, bool policy)
    {
        Name = name;
        Fixes = fixes;
        UsesPolicy = policy;
    }

    /// <summary>The project's own generated route (firmware/Tracker.BenchTool/samples), copied beside the tests.</summary>
    public static string DemoPath => Path.Combine(AppContext.BaseDirectory, "samples", "demo-drive.nmea");

    /// <summary>A short name for reports.</summary>
    public string Name { get; }

    /// <summary>Every fix, in order, with the policy's decision.</summary>
    public IReadOnlyList<DriveFix> Fixes { get; }

    /// <summary>True when only the fixes the default report policy records are appended.</summary>
    public bool UsesPolicy { get; }

    /// <summary>How many fixes are appended to the log.</summary>
    public int RecordedCount => Fixes.Count(f => f.Recorded);

    /// <summary>Time of the first fix (UTC ms).</summary>
    public long StartMs => Fixes[0].Fix.TimeMs;

    /// <summary>Time of the last fix (UTC ms).</summary>
    public long EndMs => Fixes[^1].Fix.TimeMs;

    /// <summary>Reads an NMEA log through <see cref="NmeaFixReader"/>; with <paramref name="policy"/>, through the default <see cref="ReportPolicy"/> too.</summary>
    public static Drive Load(string path, bool policy)
    {
        var reader = new NmeaFixReader();
        var report = new ReportPolicy(ReportConfig.Default);
        var fixes = new List<DriveFix>();
        byte[] data = File.ReadAllBytes(path);
        int used = 0;
        while (used < data.Length)
        {
            used += reader.Push(data, used, data.Length - used);
            Take();
        }

        reader.Flush();
        Take();
        return new Drive(Path.GetFileNameWithoutExtension(path) + (policy ? " (default policy)" : " (every fix)"), fixes, policy);

        void Take()
        {
            while (reader.TryTakeFix(out Fix fix))
            {
                ReportDecision d = report.Decide(fix);
                bool moving = d.Motion == MotionState.Moving;
                fixes.Add(policy ? new DriveFix(d.IsRecord ? d.Fix : fix, d.IsRecord, moving, fix) : new DriveFix(fix, true, moving, fix));
            }
        }
    }
}

/// <summary>One fix of a drive, and what the recorder will make of it (the expectation tests compare with).</summary>
/// <param name="Fix">The fix (as recorded, when recorded).</param>
/// <param name="Recorded">True when it goes into the log.</param>
/// <param name="Moving">The policy's motion state after it.</param>
/// <param name="Read">The fix as the reader produced it (what the car's recorder is fed).</param>
public readonly record struct DriveFix(Fix Fix, bool Recorded, bool Moving, Fix Read);
