using Tracker.Core.Fixes;

namespace Tracker.Core.Tests;

public class DriveDataTests
{
    [SharedDataFact(DriveData.DrivePath)]
    public void Drive_YieldsOneFixPerRmcEpoch_WithEveryFieldKnown()
    {
        Fix[] fixes = DriveData.LoadFixes()!;

        // 4,469 RMC epochs, all status A; the two logger banners are skipped.
        Assert.Equal(4469, fixes.Length);
        Assert.All(fixes, f =>
        {
            Assert.NotEqual(Fix.Unknown, f.AltCm);
            Assert.NotEqual(Fix.Unknown, f.SpeedMmps);
            Assert.NotEqual(Fix.Unknown, f.HdopX100);
            Assert.True(f.Mode is FixMode.TwoD or FixMode.ThreeD);
        });
        Assert.True(fixes.Zip(fixes.Skip(1)).All(p => p.Second.TimeMs > p.First.TimeMs), "time only moves forward");
    }
}
