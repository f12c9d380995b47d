namespace Tracker.Cloud.Infra.Tests;

/// <summary>
/// A test that synthesizes in process: Amazon.CDK.Lib runs the construct library in node (jsii). Without
/// node it skips, saying so, except under CI=true, where it runs and fails.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SynthFactAttribute : FactAttribute
{
    /// <summary>Why synth tests skip here, or null.</summary>
    public static string? SkipReason { get; } =
        Repository.Node is not null || Repository.IsCi ? null : "node is not on PATH: the CDK library (jsii) needs it. Skipped.";

    public SynthFactAttribute()
    {
        if (SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
