using Microsoft.VisualStudio.TestPlatform.ObjectModel;
using Tracker.Testing.Logger;

namespace Tracker.Testing.Tests;

/// <summary>The line per skip reason that ends a test run's default output.</summary>
public sealed class SkipSummaryTests
{
    [Fact]
    public void Skips_AreCountedByReason_MostFirst()
    {
        var summary = new SkipSummary();
        for (int i = 0; i < 27; i++)
        {
            summary.Add("dynalite not installed (npm ci in cloud/dynalite)");
        }

        summary.Add("s3rver not installed (npm ci in cloud/s3rver)");
        summary.Add("s3rver not installed (npm ci in cloud/s3rver) ");
        summary.Add(null);

        Assert.Equal(
            ["27 skipped: dynalite not installed (npm ci in cloud/dynalite)", "2 skipped: s3rver not installed (npm ci in cloud/s3rver)", "1 skipped: no reason given"],
            summary.Lines());
    }

    [Fact]
    public void NoSkips_NoLines()
    {
        Assert.Empty(new SkipSummary().Lines());
    }

    [Fact]
    public void Reason_IsReadFromXunitsAdditionalInfo()
    {
        var result = new TestResult(new TestCase("A.B", new Uri("executor://xunit/VsTestRunner2/netcoreapp"), "a.dll")) { Outcome = TestOutcome.Skipped };
        result.Messages.Add(new TestResultMessage(TestResultMessage.AdditionalInfoCategory, "chromium not installed (apt-get install chromium)"));

        Assert.Equal("chromium not installed (apt-get install chromium)", SkipSummaryLogger.ReasonOf(result));
    }
}
