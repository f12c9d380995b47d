using Tracker.Cloud.Local.Benchmarks.Load;
using Tracker.Cloud.Local.Fleet;
using Tracker.Cloud.Local.Options;
using Tracker.Core.Reporting;

namespace Tracker.Cloud.Local.Benchmarks.Tests;

public sealed class LoadOptionsTests
{
    [Fact]
    public void Parse_WithTheModeFlagAlone_GivesTheDefaults()
    {
        LoadOptions options = LoadOptions.Parse([LoadOptions.ModeFlag]);

        Assert.Equal(1000, options.Cars);
        Assert.Equal(TimeSpan.FromSeconds(5), options.LivePeriod);
        Assert.Equal(TimeSpan.Zero, options.PauseHost);
        Assert.False(options.Browser);
        Assert.Null(options.HostExecutable);
        Assert.Null(options.ConnectConcurrency);
    }

    [Fact]
    public void Parse_WithoutAPolicy_RunsTheLivePolicyItNames()
    {
        Assert.True(FleetPolicies.TryLoad("live", out ReportConfig? live, out _));

        LoadOptions options = LoadOptions.Parse([LoadOptions.ModeFlag]);

        Assert.Equal("live", options.ReportPolicy);
        Assert.Equal(live!.MovingMaxPeriodS, options.Policy.MovingMaxPeriodS);
        Assert.NotEqual(ReportConfig.Default.MovingMaxPeriodS, options.Policy.MovingMaxPeriodS);
    }

    [Fact]
    public void Parse_ReadsEveryOption()
    {
        LoadOptions options = LoadOptions.Parse(
        [
            "--cars", "10000", LoadOptions.ModeFlag, "--seconds", "300", "--warmup", "0", "--live-period", "1s", "--report-policy", "device",
            "--connect-timeout", "10m", "--drain-timeout", "0", "--seed", "7", "--browser", "--max-pending-connections", "512", "--pause-host", "20s", "--start-spread", "0",
            "--webhook-overspeed", "20", "--connect-concurrency", "64",
        ]);

        Assert.Equal(10_000, options.Cars);
        Assert.Equal(TimeSpan.FromSeconds(300), options.Measured);
        Assert.Equal(TimeSpan.Zero, options.Warmup);
        Assert.Equal(TimeSpan.FromSeconds(1), options.LivePeriod);
        Assert.Equal("device", options.ReportPolicy);
        Assert.Equal(TimeSpan.FromMinutes(10), options.ConnectTimeout);
        Assert.Equal(TimeSpan.Zero, options.DrainTimeout);
        Assert.Equal(7, options.Seed);
        Assert.True(options.Browser);
        Assert.Equal(512, options.MaxPendingConnections);
        Assert.Equal(TimeSpan.FromSeconds(20), options.PauseHost);
        Assert.Equal(TimeSpan.Zero, options.StartSpread);
        Assert.Equal(20, options.WebhookOverspeedKmh);
        Assert.Equal(64, options.ConnectConcurrency);
    }

    [Theory]
    [InlineData("--webhook-overspeed", "9", "from 10 to 300")]
    [InlineData("--webhook-overspeed", "301", "from 10 to 300")]
    [InlineData("--webhook-overspeed", "fast", "whole number")]
    [InlineData("--cars", "0", "from 1 to 20,000")]
    [InlineData("--cars", "20001", "from 1 to 20,000")]
    [InlineData("--cars", "-5", "whole number")]
    [InlineData("--cars", "1e3", "whole number")]
    [InlineData("--cars", " 12", "whole number")]
    [InlineData("--seconds", "0", "from 1")]
    [InlineData("--warmup", "ten", "whole number")]
    [InlineData("--live-period", "5", "unit")]
    [InlineData("--live-period", "10ms", "must be from")]
    [InlineData("--report-policy", "fast", "live, device or a policy file")]
    [InlineData("--host-exe", "/no/such/tracker-local", "there is no file")]
    [InlineData("--max-pending-connections", "0", "from 1")]
    [InlineData("--pause-host", "11m", "must be from")]
    [InlineData("--start-spread", "2h", "must be from")]
    [InlineData("--connect-concurrency", "0", "from 1 to 1,000")]
    [InlineData("--connect-concurrency", "1001", "from 1 to 1,000")]
    [InlineData("--connect-concurrency", "-8", "whole number")]
    [InlineData("--connect-concurrency", "eight", "whole number")]
    [InlineData("--connect-concurrency", "99999999999", "whole number")]
    [InlineData("--connect-concurrency", "", "whole number")]
    public void Parse_WithABadValue_NamesTheOptionAndWhatIsExpected(string option, string value, string expected)
    {
        var e = Assert.Throws<LocalOptionsException>(() => LoadOptions.Parse([LoadOptions.ModeFlag, option, value]));

        Assert.Equal(option, e.Option);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_WithAPauseAsLongAsTheWindow_SaysTheHostMustHaveTimeToCatchUp()
    {
        var e = Assert.Throws<LocalOptionsException>(() => LoadOptions.Parse([LoadOptions.ModeFlag, "--seconds", "10", "--pause-host", "10s"]));

        Assert.Equal("--pause-host", e.Option);
        Assert.Contains("shorter than the measured window", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_WithARestartAndAPause_RefusesToCombineTwoFaults()
    {
        Assert.True(LoadOptions.Parse([LoadOptions.ModeFlag, "--restart-host"]).RestartHost);

        var e = Assert.Throws<LocalOptionsException>(() => LoadOptions.Parse([LoadOptions.ModeFlag, "--restart-host", "--seconds", "60", "--pause-host", "10s"]));

        Assert.Equal("--restart-host", e.Option);
        Assert.Contains("cannot be combined with --pause-host", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_WithSweep_GrowsByATenthOfTheCarsUnlessAStepIsGiven()
    {
        LoadOptions tenth = LoadOptions.Parse([LoadOptions.ModeFlag, "--sweep", "--cars", "5000"]);
        LoadOptions stepped = LoadOptions.Parse([LoadOptions.ModeFlag, "--cars", "5000", "--sweep", "--sweep-step", "250"]);
        LoadOptions few = LoadOptions.Parse([LoadOptions.ModeFlag, "--sweep", "--cars", "3"]);

        Assert.True(tenth.Sweep);
        Assert.Null(tenth.SweepStepCars);
        Assert.Equal(500, tenth.SweepStepOrDefault);
        Assert.Equal(250, stepped.SweepStepOrDefault);
        Assert.Equal(1, few.SweepStepOrDefault);
        Assert.False(LoadOptions.Parse([LoadOptions.ModeFlag]).Sweep);
    }

    [Theory]
    [InlineData("--pause-host", "10s")]
    [InlineData("--webhook-overspeed", "20")]
    [InlineData("--restart-host", null)]
    [InlineData("--browser", null)]
    public void Parse_WithSweepAndAnotherExperiment_RefusesToCombineThem(string option, string? value)
    {
        string[] args = value is null ? [LoadOptions.ModeFlag, "--sweep", option] : [LoadOptions.ModeFlag, "--sweep", "--seconds", "60", option, value];

        var e = Assert.Throws<LocalOptionsException>(() => LoadOptions.Parse(args));

        Assert.Equal("--sweep", e.Option);
        Assert.Contains("cannot be combined with " + option, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_WithASweepStepAlone_SaysItGoesWithSweep()
    {
        var e = Assert.Throws<LocalOptionsException>(() => LoadOptions.Parse([LoadOptions.ModeFlag, "--sweep-step", "100"]));

        Assert.Equal("--sweep-step", e.Option);
        Assert.Contains("goes with --sweep", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("101", "at most --cars (100)")]
    [InlineData("0", "from 1 to 20,000")]
    [InlineData("many", "whole number")]
    public void Parse_WithABadSweepStep_NamesItAndWhatIsExpected(string value, string expected)
    {
        var e = Assert.Throws<LocalOptionsException>(() => LoadOptions.Parse([LoadOptions.ModeFlag, "--sweep", "--cars", "100", "--sweep-step", value]));

        Assert.Equal("--sweep-step", e.Option);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_WithAnUnknownOption_ListsTheKnownOnes()
    {
        var e = Assert.Throws<LocalOptionsException>(() => LoadOptions.Parse([LoadOptions.ModeFlag, "--car", "5"]));

        Assert.Equal("--car", e.Option);
        Assert.Contains("--cars", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_WithAValueMissingAtTheEnd_SaysSo()
    {
        var e = Assert.Throws<LocalOptionsException>(() => LoadOptions.Parse([LoadOptions.ModeFlag, "--seconds"]));

        Assert.Equal("--seconds", e.Option);
        Assert.Contains("needs a value", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_WithAStrayWord_SaysOptionsStartWithDashes()
    {
        var e = Assert.Throws<LocalOptionsException>(() => LoadOptions.Parse([LoadOptions.ModeFlag, "1000"]));

        Assert.Contains("options start with --", e.Message, StringComparison.Ordinal);
    }
}
