namespace Tracker.Cloud.Infra.Tests;

/// <summary>
/// A test that synthesizes in process: Amazon.CDK.Lib runs the construct library in node (jsii). Without
/// node it skips, saying so, except under CI=true, where it runs and fails (tests/Tracker.Testing's rule).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SynthFactAttribute : FactAttribute
{
    /// <summary>Why synth tests skip here, or null.</summary>
    public static string? SkipReason { get; } = Tracker.Testing.PartCatalog.Current.SkipReason([Tracker.Testing.Part.Node]);

    public SynthFactAttribute()
    {
        if (SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
