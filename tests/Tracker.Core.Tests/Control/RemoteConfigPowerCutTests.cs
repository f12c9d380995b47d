using Tracker.Core.Control;
using Tracker.Core.Tests.Storage;

namespace Tracker.Core.Tests.Control;

/// <summary>
/// A power cut at every write step of applying a delta (every byte appended, every delete and
/// rename, with torn appends ending in garbage) leaves, after the reboot, the old config or the new
/// one, never a mix, and the next delta still applies (Control/README.md §1, "Applying atomically").
/// </summary>
public class RemoteConfigPowerCutTests
{
    private const string Dir = RemoteConfigTests.Dir;
    private const string BaseConf = RemoteConfigTests.BaseConf;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void APowerCutAtEveryStep_LeavesTheOldConfigOrTheNew(int seed)
    {
        byte[] old = RemoteConfigTests.Delta(5, "{\"uplink.normalPeriodS\":600,\"report.moving.minPeriodS\":10}");
        byte[] next = RemoteConfigTests.Delta(6, "{\"uplink.normalPeriodS\":900,\"cell.rat\":\"nbiot\",\"report.moving.minPeriodS\":20}");

        // How many ticks the new delta's commit costs, measured without a cut.
        var measure = new FaultyFlash(seed);
        RemoteConfig measured = RemoteConfig.Open(measure, Dir, BaseConf);
        measured.Apply(old, 0, old.Length);
        long start = measure.Ticks;
        Assert.Equal(ApplyOutcome.Applied, measured.Apply(next, 0, next.Length));
        long cost = measure.Ticks - start;
        Assert.True(cost > 50, cost.ToString());

        int sawOld = 0;
        int sawNew = 0;
        for (long cut = 0; cut <= cost + 1; cut++) // cost + 1: no cut at all
        {
            var flash = new FaultyFlash(seed + (int)cut);
            RemoteConfig remote = RemoteConfig.Open(flash, Dir, BaseConf);
            Assert.Equal(ApplyOutcome.Applied, remote.Apply(old, 0, old.Length));
            flash.CutAt = flash.Ticks + cut;

            ApplyOutcome outcome = remote.Apply(next, 0, next.Length);

            flash.Reboot();
            RemoteConfig rebooted = RemoteConfig.Open(flash, Dir, BaseConf);
            Assert.True(rebooted.Result.IsOk, rebooted.Result.Message);
            int normalS = rebooted.Result.Config!.Uplink.NormalPeriodMs / 1000;
            int minPeriod = rebooted.Result.Config!.Report.MovingMinPeriodS;
            string rat = rebooted.Result.Config!.GetChoice(Tracker.Core.Config.TrackerSetting.CellRat);
            if (rebooted.AppliedVersion == 5)
            {
                sawOld++;
                Assert.Equal((600, 10, "ltem"), (normalS, minPeriod, rat));
            }
            else
            {
                sawNew++;
                Assert.Equal(6, rebooted.AppliedVersion);
                Assert.Equal((900, 20, "nbiot"), (normalS, minPeriod, rat));
            }

            if (outcome == ApplyOutcome.Applied && cut < cost)
            {
                // Reported applied means it is on flash: the cut came after the rename (a cleanup delete).
                Assert.Equal(6, rebooted.AppliedVersion);
            }

            // The car goes on: a later delta applies over whatever survived.
            byte[] later = RemoteConfigTests.Delta(7, "{\"uplink.statusPeriodS\":600}");
            Assert.Equal(ApplyOutcome.Applied, rebooted.Apply(later, 0, later.Length));
            Assert.Equal(7, RemoteConfig.Open(flash, Dir, BaseConf).AppliedVersion);
        }

        Assert.True(sawOld > 0 && sawNew > 0, $"old {sawOld}, new {sawNew}");
    }

    [Fact]
    public void APowerCutDuringTheFirstCommit_LeavesTrackerConfAlone_OrTheNewConfig()
    {
        byte[] first = RemoteConfigTests.Delta(1, "{\"uplink.normalPeriodS\":600}");
        for (long cut = 0; cut < 200; cut++)
        {
            var flash = new FaultyFlash((int)cut);
            RemoteConfig remote = RemoteConfig.Open(flash, Dir, BaseConf);
            flash.CutAt = flash.Ticks + cut;
            remote.Apply(first, 0, first.Length);
            flash.Reboot();

            RemoteConfig rebooted = RemoteConfig.Open(flash, Dir, BaseConf);
            Assert.True(rebooted.Result.IsOk);
            Assert.Equal(rebooted.AppliedVersion == 1 ? 600_000 : 300_000, rebooted.Result.Config!.Uplink.NormalPeriodMs);
        }
    }
}
