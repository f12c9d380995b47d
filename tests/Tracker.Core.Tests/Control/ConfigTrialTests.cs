using System.Text;
using System.Text.Json;
using Tracker.Core.Config;
using Tracker.Core.Control;
using Tracker.Core.Tests.Storage;
using Tracker.Core.Tests.Uplink;
using Tracker.Core.Uplink;

namespace Tracker.Core.Tests.Control;

/// <summary>
/// The trial boot of restart keys (Control/README.md §1, "Restart-needing settings"): the first boot on a generation that
/// changed a restart key must connect the uplink within its window, or the car goes back to the whole generation last
/// proven and reports the change refused (<c>NotConfirmed</c>), so a wrong modem or pin setting sent remotely cannot
/// strand a car off-line; a power cut at every write of the switch, the confirmation and the fall-back leaves a whole
/// generation.
/// </summary>
public class ConfigTrialTests
{
    private const string Dir = RemoteConfigTests.Dir;
    private const string BaseConf = RemoteConfigTests.BaseConf;

    private static ApplyOutcome Apply(RemoteConfig remote, byte[] payload) => remote.Apply(payload, 0, payload.Length);

    private static JsonElement Reported(RemoteConfig remote) =>
        JsonDocument.Parse(ShadowReport.Build(remote)).RootElement.GetProperty("state").GetProperty("reported");

    private static string Rat(RemoteConfig remote) => remote.Result.Config!.GetChoice(TrackerSetting.CellRat);

    private static string[] Pending(RemoteConfig remote) => [.. Reported(remote).GetProperty("cfgPending").EnumerateArray().Select(e => e.GetString()!)];

    // A car running v5 (a live key), then v6 staging cell.rat = nbiot: the state before the safe restart.
    private static FaultyFlash Staged(int seed = 1)
    {
        var flash = new FaultyFlash(seed);
        RemoteConfig remote = RemoteConfig.Open(flash, Dir, BaseConf);
        Assert.Equal(ApplyOutcome.Applied, Apply(remote, RemoteConfigTests.Delta(5, "{\"uplink.normalPeriodS\":600}")));
        Assert.Equal(ApplyOutcome.Applied, Apply(remote, RemoteConfigTests.Delta(6, "{\"cell.rat\":\"nbiot\"}")));
        Assert.True(remote.RestartPending);
        Assert.False(remote.OnTrial);
        return flash;
    }

    [Fact]
    public void TheFirstBootOnAChangedRestartKey_IsATrial_ReportedPending_UntilTheUplinkConnects_ThenApplied()
    {
        FaultyFlash flash = Staged();

        RemoteConfig trial = RemoteConfig.Open(flash, Dir, BaseConf);

        Assert.True(trial.OnTrial);
        Assert.Equal("nbiot", Rat(trial)); // the new setting runs: that is what is tried
        Assert.False(trial.RestartPending); // nothing more to restart for
        Assert.Equal(["cell.rat"], Pending(trial));
        Assert.False(Reported(trial).GetProperty("cfg").TryGetProperty(ShadowNames.NameOf("cell.rat"), out _));
        Assert.Equal(600, Reported(trial).GetProperty("cfg").GetProperty(ShadowNames.NameOf("uplink.normalPeriodS")).GetInt32());

        Assert.True(trial.ConfirmTrial());

        Assert.False(trial.OnTrial);
        Assert.Empty(Pending(trial));
        Assert.Equal("nbiot", Reported(trial).GetProperty("cfg").GetProperty(ShadowNames.NameOf("cell.rat")).GetString());
        RemoteConfig rebooted = RemoteConfig.Open(flash, Dir, BaseConf);
        Assert.False(rebooted.OnTrial);
        Assert.Equal("nbiot", Rat(rebooted));
        Assert.Equal(6, rebooted.AppliedVersion);
    }

    [Fact]
    public void LiveKeysAlone_NeverStartATrial()
    {
        var flash = new FaultyFlash();
        RemoteConfig remote = RemoteConfig.Open(flash, Dir, BaseConf);
        for (int v = 1; v <= 5; v++)
        {
            Assert.Equal(ApplyOutcome.Applied, Apply(remote, RemoteConfigTests.Delta(v, "{\"uplink.normalPeriodS\":" + (600 + v) + "}")));
            Assert.False(RemoteConfig.Open(flash, Dir, BaseConf).OnTrial);
        }

        Assert.DoesNotContain(flash.Paths, p => p.Contains("trial.", StringComparison.Ordinal));
    }

    [Fact]
    public void ATrialThatNeverConnects_FallsBackToTheWholePreviousGeneration_AndReportsTheChangeRefused()
    {
        FaultyFlash flash = Staged();
        RemoteConfig trial = RemoteConfig.Open(flash, Dir, BaseConf);
        Assert.True(trial.OnTrial);

        Assert.True(trial.FallBack("the uplink did not connect within 10 min of the restart"));

        Assert.False(trial.OnTrial);
        Assert.Equal(RefusalCodes.NotConfirmed, trial.ErrorCode);
        Assert.Equal(ShadowNames.NameOf("cell.rat"), trial.ErrorKey);
        Assert.Contains("cell.rat = nbiot", trial.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("did not connect within 10 min", trial.ErrorMessage, StringComparison.Ordinal);

        // The reboot runs the previous generation whole (its live key too), and says why.
        RemoteConfig rebooted = RemoteConfig.Open(flash, Dir, BaseConf);
        Assert.False(rebooted.OnTrial);
        Assert.False(rebooted.RestartPending);
        Assert.Equal("ltem", Rat(rebooted));
        Assert.Equal(600_000, rebooted.Result.Config!.Uplink.NormalPeriodMs);
        JsonElement reported = Reported(rebooted);
        Assert.Equal(RefusalCodes.NotConfirmed, reported.GetProperty("cfgErr").GetProperty("code").GetString());
        Assert.Equal(6, reported.GetProperty("cfgErr").GetProperty("ver").GetInt32());
        Assert.Equal(6, reported.GetProperty("cfgVer").GetInt32());
        Assert.Empty(Pending(rebooted));

        // IoT Core keeps the key in the delta: refused again (answered once), never tried again.
        Assert.Equal(ApplyOutcome.Refused, Apply(rebooted, RemoteConfigTests.Delta(8, "{\"cell.rat\":\"nbiot\"}")));
        Assert.Equal(RefusalCodes.NotConfirmed, rebooted.ErrorCode);
        Assert.Equal(ApplyOutcome.RefusedAgain, Apply(rebooted, RemoteConfigTests.Delta(9, "{\"cell.rat\":\"nbiot\"}")));
        Assert.False(rebooted.RestartPending);

        // A live change beside the refused key is refused whole, as any delta.
        Assert.Equal(ApplyOutcome.Refused, Apply(rebooted, RemoteConfigTests.Delta(10, "{\"cell.rat\":\"nbiot\",\"uplink.normalPeriodS\":900}")));
        Assert.Equal(600_000, rebooted.Result.Config!.Uplink.NormalPeriodMs);

        // The operator's other value is a new change, tried on its own trial.
        Assert.Equal(ApplyOutcome.Applied, Apply(rebooted, RemoteConfigTests.Delta(11, "{\"cell.rat\":\"both\"}")));
        Assert.Equal(string.Empty, rebooted.ErrorCode);
        Assert.True(rebooted.RestartPending);
        RemoteConfig next = RemoteConfig.Open(flash, Dir, BaseConf);
        Assert.True(next.OnTrial);
        Assert.Equal(string.Empty, next.ErrorCode); // the old refusal is over: a later version was applied
        Assert.True(next.ConfirmTrial());
        Assert.Equal("both", Rat(RemoteConfig.Open(flash, Dir, BaseConf)));
    }

    [Fact]
    public void SettingTheRefusedKeyBack_EndsTheRefusal_AndNeedsNoTrial()
    {
        FaultyFlash flash = Staged();
        RemoteConfig trial = RemoteConfig.Open(flash, Dir, BaseConf);
        trial.FallBack("never connected");
        RemoteConfig rebooted = RemoteConfig.Open(flash, Dir, BaseConf);

        Assert.Equal(ApplyOutcome.Applied, Apply(rebooted, RemoteConfigTests.Delta(9, "{\"cell.rat\":\"ltem\",\"uplink.normalPeriodS\":700}")));

        Assert.Equal(string.Empty, rebooted.ErrorCode);
        RemoteConfig again = RemoteConfig.Open(flash, Dir, BaseConf);
        Assert.Equal(string.Empty, again.ErrorCode);
        Assert.Equal(700_000, again.Result.Config!.Uplink.NormalPeriodMs);
        Assert.Equal("ltem", Rat(again));
    }

    [Fact]
    public void BootsThatEndBeforeTheWindow_UseTheTrialUp_AndTheFourthFallsBackAtBoot()
    {
        FaultyFlash flash = Staged();
        for (int boot = 1; boot <= ConfigTrial.MaxAttempts; boot++)
        {
            RemoteConfig crashing = RemoteConfig.Open(flash, Dir, BaseConf);
            Assert.True(crashing.OnTrial, "boot " + boot);
            Assert.Equal("nbiot", Rat(crashing));
            flash.Reboot(); // a crash or a hang: no confirmation, no fall-back
        }

        RemoteConfig last = RemoteConfig.Open(flash, Dir, BaseConf);

        Assert.False(last.OnTrial);
        Assert.Equal("ltem", Rat(last));
        Assert.Equal(RefusalCodes.NotConfirmed, last.ErrorCode);
        Assert.Contains("3 boots ended before the uplink connected", last.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal("ltem", Rat(RemoteConfig.Open(flash, Dir, BaseConf)));
    }

    [Fact]
    public void LiveChangesWhileARestartKeyWaits_KeepTheProvenGeneration_ForTheFallBack()
    {
        FaultyFlash flash = Staged();
        RemoteConfig waiting = RemoteConfig.Open(flash, Dir, BaseConf);
        Assert.True(waiting.ConfirmTrial());
        Assert.Equal(ApplyOutcome.Applied, Apply(waiting, RemoteConfigTests.Delta(7, "{\"cell.rat\":\"both\"}")));
        for (int v = 8; v <= 12; v++)
        {
            // Each commit would leave only itself and the one before, were the proven generation not kept.
            Assert.Equal(ApplyOutcome.Applied, Apply(waiting, RemoteConfigTests.Delta(v, "{\"uplink.statusPeriodS\":" + (600 + v) + "}")));
        }

        RemoteConfig trial = RemoteConfig.Open(flash, Dir, BaseConf);
        Assert.True(trial.OnTrial);
        Assert.Equal("both", Rat(trial));
        Assert.True(trial.FallBack("never connected"));

        RemoteConfig back = RemoteConfig.Open(flash, Dir, BaseConf);
        Assert.Equal("nbiot", Rat(back)); // the generation proven last, v6, whole
        Assert.Equal(600_000, back.Result.Config!.Uplink.NormalPeriodMs);
        Assert.Equal(TrackerConfigLoader.Load(BaseConf).Config!.Uplink.StatusPeriodMs, back.Result.Config.Uplink.StatusPeriodMs);
        Assert.Equal(12, back.AppliedVersion);
    }

    [Fact]
    public void ADeltaArrivingDuringTheTrial_ProvesTheUplink()
    {
        FaultyFlash flash = Staged();
        RemoteConfig trial = RemoteConfig.Open(flash, Dir, BaseConf);
        Assert.True(trial.OnTrial);

        Assert.Equal(ApplyOutcome.Applied, Apply(trial, RemoteConfigTests.Delta(7, "{\"uplink.statusPeriodS\":900}")));

        Assert.False(trial.OnTrial);
        Assert.False(RemoteConfig.Open(flash, Dir, BaseConf).OnTrial);
    }

    [Fact]
    public void TheLink_ConfirmsOnConnect_AndItsReportSaysApplied()
    {
        FaultyFlash flash = Staged();
        RemoteConfig trial = RemoteConfig.Open(flash, Dir, BaseConf);
        var link = new FakeLink();
        var control = new ControlLink(link, trial, "car-42");

        Assert.Equal(LinkResult.Ok, control.Connect(new MqttConnectOptions("car-42", 60, null, null, true)));

        Assert.False(trial.OnTrial);
        BrokerMessage report = Assert.Single(link.Published, m => m.Topic == new ShadowTopics("car-42").Update);
        JsonElement reported = JsonDocument.Parse(report.Payload).RootElement.GetProperty("state").GetProperty("reported");
        Assert.Equal("nbiot", reported.GetProperty("cfg").GetProperty(ShadowNames.NameOf("cell.rat")).GetString());
        Assert.Empty(reported.GetProperty("cfgPending").EnumerateArray());
    }

    [Fact]
    public void CarControl_RebootsIntoThePreviousConfig_WhenTheUplinkNeverConnectsInTheWindow()
    {
        FaultyFlash flash = Staged();
        RemoteConfig trial = RemoteConfig.Open(flash, Dir, BaseConf);
        var config = new ControlLink(new FakeLink(), trial, "car-42");
        var control = new CarControl(config, null, new SafeRestart(), 1_000, HealthWindow.DefaultWindowMs);
        Assert.True(control.ConfigOnTrial);

        for (long t = 1_000; t <= 1_000 + HealthWindow.DefaultWindowMs; t += 5_000)
        {
            // A fix read proves nothing about the modem's settings: only the uplink counts.
            Assert.Equal(ControlAction.None, control.Step(t, true, false, false, false, 0, 0));
        }

        Assert.Equal(ControlAction.Reboot, control.Step(1_001 + HealthWindow.DefaultWindowMs, true, false, false, false, 0, 0));
        Assert.Contains("not confirmed", control.Reason, StringComparison.Ordinal);
        Assert.Contains("did not connect within 10 min", control.Reason, StringComparison.Ordinal);
        Assert.False(control.ConfigOnTrial);
        Assert.Equal("ltem", Rat(RemoteConfig.Open(flash, Dir, BaseConf)));
    }

    [Fact]
    public void CarControl_ConfirmsTheTrial_OnceTheUplinkIsConnected()
    {
        FaultyFlash flash = Staged();
        RemoteConfig trial = RemoteConfig.Open(flash, Dir, BaseConf);
        var link = new FakeLink();
        var config = new ControlLink(link, trial, "car-42");
        var control = new CarControl(config, null, new SafeRestart(), 0, 60_000);

        Assert.Equal(ControlAction.None, control.Step(10_000, false, false, false, false, 0, 0));
        Assert.True(control.ConfigOnTrial);
        Assert.Equal(ControlAction.None, control.Step(20_000, false, true, false, false, 0, 0));

        Assert.False(control.ConfigOnTrial);
        Assert.Contains("confirmed", control.Reason, StringComparison.Ordinal);
        Assert.Equal(ControlAction.None, control.Step(10_000_000, false, false, false, false, 0, 0));
        Assert.False(RemoteConfig.Open(flash, Dir, BaseConf).OnTrial);
    }

    [Fact]
    public void HealthWindow_ForTheUplinkAlone_NeedsNoFix()
    {
        var window = new HealthWindow(0, 10_000, needsFix: false);
        Assert.Equal(HealthVerdict.Waiting, window.Update(5_000, fixRead: false, uplinkConnected: false));
        Assert.Equal(HealthVerdict.Healthy, window.Update(6_000, fixRead: false, uplinkConnected: true));

        window = new HealthWindow(0, 10_000, needsFix: false);
        Assert.Equal(HealthVerdict.Expired, window.Update(10_001, fixRead: true, uplinkConnected: false));
    }

    /// <summary>The writes a step costs, and a power cut at each of them (and none): what the reboot finds.</summary>
    private static List<RemoteConfig> CutEveryWrite(Func<FaultyFlash> before, Action<FaultyFlash> step)
    {
        FaultyFlash measure = before();
        long start = measure.Ticks;
        step(measure);
        long cost = measure.Ticks - start;
        Assert.True(cost > 10, cost.ToString());

        var reboots = new List<RemoteConfig>();
        for (long cut = 0; cut <= cost + 1; cut++)
        {
            FaultyFlash flash = before();
            flash.CutAt = flash.Ticks + cut;
            try
            {
                step(flash);
            }
            catch (PowerCutException)
            {
                // The app dies with the power; the core itself never throws on a failed write.
            }

            flash.Reboot();
            reboots.Add(RemoteConfig.Open(flash, Dir, BaseConf));
        }

        return reboots;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void APowerCutAtEveryWriteOfTheSwitch_LeavesTheProvenConfigOrATrialOfTheNew(int seed)
    {
        FaultyFlash Before()
        {
            var flash = new FaultyFlash(seed);
            RemoteConfig remote = RemoteConfig.Open(flash, Dir, BaseConf);
            Apply(remote, RemoteConfigTests.Delta(5, "{\"uplink.normalPeriodS\":600}"));
            return flash;
        }

        int old = 0;
        int tried = 0;
        foreach (RemoteConfig rebooted in CutEveryWrite(
            Before,
            flash => Apply(RemoteConfig.Open(flash, Dir, BaseConf), RemoteConfigTests.Delta(6, "{\"cell.rat\":\"nbiot\",\"uplink.normalPeriodS\":900}"))))
        {
            // Before the reboot for the restart key, the boot reads the new generation: a power cut is a restart.
            Assert.True(rebooted.Result.IsOk);
            if (rebooted.AppliedVersion == 5)
            {
                old++;
                Assert.False(rebooted.OnTrial);
                Assert.Equal(("ltem", 600_000), (Rat(rebooted), rebooted.Result.Config!.Uplink.NormalPeriodMs));
            }
            else
            {
                tried++;
                Assert.True(rebooted.OnTrial);
                Assert.Equal(("nbiot", 900_000), (Rat(rebooted), rebooted.Result.Config!.Uplink.NormalPeriodMs));

                // And its fall-back is the whole v5.
                Assert.True(rebooted.FallBack("never connected"));
                Assert.Equal(("ltem", 600_000), (Rat(rebooted), rebooted.Result.Config!.Uplink.NormalPeriodMs));
            }
        }

        Assert.True(old > 0 && tried > 0, $"old {old}, tried {tried}");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void APowerCutAtEveryWriteOfTheFallBack_LeavesAWholeGeneration_AndTheNextBootFinishesIt(int seed)
    {
        FaultyFlash Before()
        {
            FaultyFlash flash = Staged(seed);
            RemoteConfig.Open(flash, Dir, BaseConf); // the trial's first boot, its attempt counted
            flash.Reboot();
            return flash;
        }

        int finished = 0;
        int retried = 0;
        foreach (RemoteConfig rebooted in CutEveryWrite(Before, flash => RemoteConfig.Open(flash, Dir, BaseConf).FallBack("never connected")))
        {
            Assert.True(rebooted.Result.IsOk);
            Assert.Equal(600_000, rebooted.Result.Config!.Uplink.NormalPeriodMs);
            if (rebooted.OnTrial)
            {
                // Cut before the refusal was on flash: the trial runs again (one more boot counted) and may fall back again.
                retried++;
                Assert.Equal("nbiot", Rat(rebooted));
                Assert.True(rebooted.FallBack("never connected"));
            }
            else
            {
                finished++;
                Assert.Equal(RefusalCodes.NotConfirmed, rebooted.ErrorCode);
            }

            Assert.Equal("ltem", Rat(rebooted));
        }

        Assert.True(finished > 0 && retried > 0, $"finished {finished}, retried {retried}");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void APowerCutAtEveryWriteOfTheConfirmation_LeavesTheNewConfigRunning_ConfirmedOrOnTrialAgain(int seed)
    {
        int confirmed = 0;
        int again = 0;
        foreach (RemoteConfig rebooted in CutEveryWrite(() => Staged(seed), flash => RemoteConfig.Open(flash, Dir, BaseConf).ConfirmTrial()))
        {
            Assert.Equal(("nbiot", 600_000), (Rat(rebooted), rebooted.Result.Config!.Uplink.NormalPeriodMs));
            if (rebooted.OnTrial)
            {
                again++;
            }
            else
            {
                confirmed++;
            }
        }

        Assert.True(confirmed > 0 && again > 0, $"confirmed {confirmed}, again {again}");
    }

    [Fact]
    public void TheTrialState_ReadsBackWhatItWrote()
    {
        var refused = ConfigOverrides.Empty.With(["cell.rat", "cell.apn"], ["nbiot", "apn \"x\""]);
        var state = new ConfigTrial(7, 2, 18, "rat", "cell.rat = nbiot: the uplink did not connect\nwithin 10 min", refused);

        Assert.True(ConfigTrial.TryParse(state.ToText(), out ConfigTrial? back));

        Assert.Equal((7, 2, 18, "rat"), (back!.Good, back.Attempts, back.RefusedVersion, back.RefusedKey));
        Assert.Equal("cell.rat = nbiot: the uplink did not connect within 10 min", back.RefusedMessage);
        Assert.True(back.Refused.SameAs(refused));
        Assert.True(ConfigTrial.TryParse(ConfigTrial.Proven(3).ToText(), out back));
        Assert.Equal((3, 0, 0), (back!.Good, back.Attempts, back.RefusedVersion));
        Assert.Equal(0, back.Refused.Count);
    }

    [Fact]
    public void TheTrialState_Truncated_Garbled_OrRandom_IsRefused_NeverThrows()
    {
        string text = new ConfigTrial(7, 2, 18, "rat", "msg", ConfigOverrides.Empty.With(["cell.rat"], ["nbiot"])).ToText();
        for (int n = 0; n < text.Length; n++)
        {
            // Every prefix that ends before the marker line is missing keys; after it, a cut value line is not whole.
            bool ok = ConfigTrial.TryParse(text[..n], out ConfigTrial? cut);
            Assert.True(!ok || cut!.Good == 7, text[..n]);
        }

        var random = new Random(18);
        for (int i = 0; i < 3000; i++)
        {
            char[] chars = text.ToCharArray();
            for (int k = random.Next(1, 4); k > 0; k--)
            {
                chars[random.Next(chars.Length)] = (char)random.Next(0, 128);
            }

            if (ConfigTrial.TryParse(new string(chars), out ConfigTrial? mutated))
            {
                Assert.True(mutated!.Good >= 0 && mutated.Attempts >= 0 && mutated.RefusedVersion >= 0);
            }

            byte[] bytes = new byte[random.Next(0, 200)];
            random.NextBytes(bytes);
            ConfigTrial.TryParse(Encoding.Latin1.GetString(bytes), out _);
        }

        Assert.False(ConfigTrial.TryParse(string.Empty, out _));
        Assert.False(ConfigTrial.TryParse("good = -1\nattempts = 0\nrefused.ver = 0\nrefused.key = \"\"\nrefused.msg = \"\"\n# refused restart keys\n", out _));
        Assert.False(ConfigTrial.TryParse("good = 1\nattempts = 0\nrefused.ver = 0\nrefused.key = \"\"\nrefused.msg = \"\"\n", out _));
    }

    [Fact]
    public void ATornTrialFile_IsNoTrialState_AndTheCarStillRunsANewestWholeGeneration()
    {
        FaultyFlash flash = Staged();
        string file = Assert.Single(flash.Paths, p => p.Contains("/trial.", StringComparison.Ordinal) && !p.EndsWith("tmp", StringComparison.Ordinal));
        byte[] bytes = flash.GetBytes(file);
        flash.SetBytes(file, bytes[..(bytes.Length / 2)]);

        RemoteConfig rebooted = RemoteConfig.Open(flash, Dir, BaseConf);

        Assert.True(rebooted.Result.IsOk);
        Assert.Equal("nbiot", Rat(rebooted));
        Assert.False(rebooted.OnTrial); // as before this stage: with no state, the newest generation stands
    }
}
