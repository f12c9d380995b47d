namespace Tracker.Core.Tests;

public class DriveDataTests
{
    [SharedDataFact(DriveData.DrivePath)]
    public void Drive_LoadsThousandsOfFixes()
    {
        var fixes = DriveData.LoadFixes()!;
        Assert.InRange(fixes.Length, 4000, 5000);
        Assert.All(fixes, f => Assert.NotEqual(0, f.LatE7));
    }
}
