using Tracker.Core.Fixes;
using Tracker.Core.Reporting;

namespace Tracker.Core.Tests.Reporting;

/// <summary>Runs a policy over fixes and keeps every decision, for assertions.</summary>
internal sealed class PolicyRun
{
    private PolicyRun(ReportDecision[] decisions) => Decisions = decisions;

    public ReportDecision[] Decisions { get; }

    public ReportDecision[] Records => [.. Decisions.Where(d => d.IsRecord)];

    public static PolicyRun Of(IEnumerable<Fix> fixes, ReportConfig? config = null) =>
        Of(new ReportPolicy(config ?? ReportConfig.Default), fixes);

    public static PolicyRun Of(ReportPolicy policy, IEnumerable<Fix> fixes) =>
        new([.. fixes.Select(policy.Decide)]);

    public int Count(ReportReason reason) => Decisions.Count(d => d.Reason == reason);

    /// <summary>A config with some keys changed from the defaults; fails the test if it does not validate.</summary>
    public static ReportConfig Config(params (ReportSetting Setting, int Value)[] changes)
    {
        ReportConfig config = ReportConfig.Default;
        foreach ((ReportSetting setting, int value) in changes)
        {
            ReportConfigResult result = config.With(setting, value);
            Assert.True(result.IsOk, result.Message);
            config = result.Config!;
        }

        return config;
    }
}
