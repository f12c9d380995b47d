using Tracker.Cloud.Local.Benchmarks.Load;

namespace Tracker.Cloud.Local.Benchmarks.Tests;

/// <summary>The open-file check a load run makes before it starts (at 10,000 cars of three descriptors each a 20,000 limit made it abort).</summary>
public sealed class OpenFileLimitTests
{
    [Fact]
    public void Needed_CountsOneDescriptorACarAndTheProcessItself()
    {
        Assert.Equal(10_256, OpenFileLimit.Needed(10_000));
        Assert.Equal(5_256, OpenFileLimit.Needed(5_000));
    }

    [Fact]
    public void TenThousandCars_FitUnderTheDevelopmentMachinesLimit()
    {
        Assert.Null(OpenFileLimit.Plan(OpenFileLimit.Needed(10_000), 20_000, 20_000));
    }

    [Fact]
    public void Plan_WithEnoughAlready_AsksForNothing()
    {
        Assert.Null(OpenFileLimit.Plan(15_256, 20_000, 20_000));
    }

    [Fact]
    public void Plan_UnderTheHardLimit_RaisesTheSoftOneOnly()
    {
        Assert.Equal((30_256UL, 1_048_576UL), OpenFileLimit.Plan(30_256, 1024, 1_048_576));
    }

    [Fact]
    public void Plan_OverTheHardLimit_RaisesBoth()
    {
        // The machine this was found on: soft and hard 20,000, 10,000 cars.
        Assert.Equal((30_256UL, 30_256UL), OpenFileLimit.Plan(30_256, 20_000, 20_000));
    }

    [Fact]
    public void TooLow_SaysWhatIsNeededWhatThereIsHowToRaiseItAndHowManyCarsFit()
    {
        string message = OpenFileLimit.TooLow(20_000, 20_000, 20_000);

        Assert.Contains("20000 cars need about 20256 open files", message, StringComparison.Ordinal);
        Assert.Contains("1 a car: its TLS socket", message, StringComparison.Ordinal);
        Assert.Contains("the open-file limit is 20000 (hard limit 20000)", message, StringComparison.Ordinal);
        Assert.Contains("ulimit -n 20256", message, StringComparison.Ordinal);
        Assert.Contains("or run at most 19744 cars", message, StringComparison.Ordinal);
    }

    [Fact]
    public void TooLow_WithALimitUnderWhatTheProcessNeedsAlone_FitsNoCar()
    {
        Assert.Contains("or run at most 0 cars", OpenFileLimit.TooLow(10, 256, 256), StringComparison.Ordinal);
    }
}
