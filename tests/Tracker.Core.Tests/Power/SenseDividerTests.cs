using Tracker.Core.Power;
using Tracker.Core.Uplink;

namespace Tracker.Core.Tests.Power;

public class SenseDividerTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(1500, 12_491)] // 1,135.5 mV at the pin × 11 = 12,490.8
    [InlineData(4095, 34_100)] // full scale × 11
    public void ReferenceSupply_ScalesCodesThroughTheDivider(int code, int expectedMv)
    {
        Assert.Equal(expectedMv, SenseDivider.ReferenceSupply.ToMillivolts([code], 1));
    }

    [Fact]
    public void ReferenceBackup_ACharged18650_ReadsAbout4Point1Volts()
    {
        // 4,100 mV over a 1:1 divider is 2,050 mV at the pin: code 2,708.
        Assert.InRange(SenseDivider.ReferenceBackup.ToMillivolts([2708, 2707, 2709, 2708], 4), 4095, 4105);
    }

    [Fact]
    public void Codes_AreAveraged_AndOutOfRangeOnesIgnored_NoneIsUnknown()
    {
        var divider = new SenseDivider(0, 1, 4095);
        Assert.Equal(1001, divider.ToMillivolts([1000, 1002, -5, 9999], 4));
        Assert.Equal(StatusReport.Unknown, divider.ToMillivolts([-1, 4096], 2));
        Assert.Equal(StatusReport.Unknown, divider.ToMillivolts([], 0));
        Assert.Equal(StatusReport.Unknown, divider.ToMillivolts(null!, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SenseDivider(1, 0, 3100));
    }
}
