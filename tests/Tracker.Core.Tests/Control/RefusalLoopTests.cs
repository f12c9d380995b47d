using System.Text;
using System.Text.Json.Nodes;
using Tracker.Core.Control;
using Tracker.Core.Tests.Storage;
using Tracker.Core.Tests.Uplink;
using Tracker.Core.Uplink;

namespace Tracker.Core.Tests.Control;

/// <summary>
/// Issue 18's loop: IoT Core (and the local broker's ShadowService) publishes the delta again after every accepted
/// update while desired and reported differ, and the car's report of a refusal is such an update. A car that answered
/// every delta refused the same change again and again (one car's refusal version went 45 to 64 in seconds). The car
/// answers a change once; the same change asked again is not answered, a different one is judged as new, and the
/// standing refusal is still reported once per connection (Control/README.md §1).
/// </summary>
public class RefusalLoopTests
{
    private const string Car = "car-42";
    private const string Refused = "{\"uplink.livePeriodS\":900}"; // over the normal period (300 s): Inconsistent
    private static readonly ShadowTopics Topics = new(Car);

    private static ApplyOutcome Apply(RemoteConfig remote, byte[] payload) => remote.Apply(payload, 0, payload.Length);

    private static (RemoteConfig Remote, FaultyFlash Flash) Fresh()
    {
        var flash = new FaultyFlash();
        RemoteConfig remote = RemoteConfig.Open(flash, RemoteConfigTests.Dir, RemoteConfigTests.BaseConf);
        Assert.True(remote.Result.IsOk, remote.Result.Message);
        return (remote, flash);
    }

    [Fact]
    public void TheSameRefusedChange_AtEveryHigherVersion_IsRefusedAgain_AndTheStandingRefusalIsKept()
    {
        (RemoteConfig remote, FaultyFlash flash) = Fresh();
        Assert.Equal(ApplyOutcome.Refused, Apply(remote, RemoteConfigTests.Delta(45, Refused)));
        string message = remote.ErrorMessage;

        for (int version = 46; version <= 64; version++)
        {
            Assert.Equal(ApplyOutcome.RefusedAgain, Apply(remote, RemoteConfigTests.Delta(version, Refused)));
        }

        Assert.Equal((45, "Inconsistent", "upLiveP", message), (remote.ErrorVersion, remote.ErrorCode, remote.ErrorKey, remote.ErrorMessage));
        Assert.Equal(0, remote.AppliedVersion);
        Assert.Equal(300_000, remote.Result.Config!.Uplink.NormalPeriodMs);
        Assert.Empty(flash.Paths);
    }

    [Fact]
    public void TheSameChange_WithItsKeysInAnotherOrder_IsTheSameChange()
    {
        (RemoteConfig remote, _) = Fresh();
        Assert.Equal(ApplyOutcome.Refused, Apply(remote, RemoteConfigTests.Delta(6, "{\"uplink.livePeriodS\":900,\"report.moving.minPeriodS\":10}")));

        Assert.Equal(ApplyOutcome.RefusedAgain, Apply(remote, RemoteConfigTests.Delta(7, "{\"report.moving.minPeriodS\":10,\"uplink.livePeriodS\":900}")));
    }

    [Theory]
    [InlineData("{\"uplink.livePeriodS\":800}", ApplyOutcome.Refused)] // another value, refused for its own reason
    [InlineData("{\"uplink.livePeriodS\":900.0}", ApplyOutcome.Refused)] // other text: judged, not matched by meaning
    [InlineData("{\"uplink.livePeriodS\":\"900\"}", ApplyOutcome.Refused)] // another JSON type
    [InlineData("{\"uplink.livePeriodS\":900,\"uplink.statusPeriodS\":600}", ApplyOutcome.Refused)] // one more key
    [InlineData("{\"uplink.livePeriodS\":900,\"uplink.normalPeriodS\":1200}", ApplyOutcome.Applied)] // the operator made room for it
    [InlineData("{\"uplink.livePeriodS\":5}", ApplyOutcome.Applied)] // set back
    public void AChangedDelta_IsJudgedAsNew(string cfg, ApplyOutcome expected)
    {
        (RemoteConfig remote, _) = Fresh();
        Assert.Equal(ApplyOutcome.Refused, Apply(remote, RemoteConfigTests.Delta(6, Refused)));

        Assert.Equal(expected, Apply(remote, RemoteConfigTests.Delta(7, cfg)));

        Assert.Equal(expected == ApplyOutcome.Applied ? 0 : 7, remote.ErrorVersion);
        Assert.Equal(expected == ApplyOutcome.Applied ? 7 : 0, remote.AppliedVersion);
    }

    [Fact]
    public void AfterAnotherDeltaIsApplied_TheRefusedChange_IsJudgedAgainstTheNewOverrides()
    {
        (RemoteConfig remote, _) = Fresh();
        Assert.Equal(ApplyOutcome.Refused, Apply(remote, RemoteConfigTests.Delta(6, Refused)));
        Assert.Equal(ApplyOutcome.Applied, Apply(remote, RemoteConfigTests.Delta(7, "{\"uplink.normalPeriodS\":1200}")));

        Assert.Equal(ApplyOutcome.Applied, Apply(remote, RemoteConfigTests.Delta(8, Refused)));
        Assert.Equal(900, remote.Result.Config!.Uplink.LivePeriodMs / 1000);
    }

    [Fact]
    public void AnotherRefusalInBetween_MakesTheFirstChangeNewAgain()
    {
        (RemoteConfig remote, _) = Fresh();
        Assert.Equal(ApplyOutcome.Refused, Apply(remote, RemoteConfigTests.Delta(6, Refused)));
        Assert.Equal(ApplyOutcome.Refused, Apply(remote, RemoteConfigTests.Delta(7, "{\"cell.rat\":\"5g\"}")));

        // The standing refusal is about cell.rat now; the first change's answer was replaced, so it is given again.
        Assert.Equal(ApplyOutcome.Refused, Apply(remote, RemoteConfigTests.Delta(8, Refused)));
        Assert.Equal(("Inconsistent", 8), (remote.ErrorCode, remote.ErrorVersion));
    }

    [Fact]
    public void AfterAReboot_TheRefusalIsGivenOnceMore_ThenNotAgain()
    {
        (RemoteConfig remote, FaultyFlash flash) = Fresh();
        Assert.Equal(ApplyOutcome.Refused, Apply(remote, RemoteConfigTests.Delta(6, Refused)));

        // Kept in RAM only (a refusal writes nothing to flash): the rebooted car answers the change once more.
        RemoteConfig rebooted = RemoteConfig.Open(flash, RemoteConfigTests.Dir, RemoteConfigTests.BaseConf);
        Assert.Equal(ApplyOutcome.Refused, Apply(rebooted, RemoteConfigTests.Delta(7, Refused)));
        Assert.Equal(ApplyOutcome.RefusedAgain, Apply(rebooted, RemoteConfigTests.Delta(8, Refused)));
    }

    [Fact]
    public void TheSameMalformedDelta_IsRefusedAgain_ButAnotherProblemIsReported()
    {
        (RemoteConfig remote, _) = Fresh();
        Assert.Equal(ApplyOutcome.Malformed, Apply(remote, RemoteConfigTests.Delta(6, "{\"uplink.livePeriodS\":[900]}")));
        string problem = remote.ErrorMessage;

        Assert.Equal(ApplyOutcome.RefusedAgain, Apply(remote, RemoteConfigTests.Delta(7, "{\"uplink.livePeriodS\":[900]}")));
        Assert.Equal(problem, remote.ErrorMessage);
        Assert.Equal(ApplyOutcome.Malformed, Apply(remote, RemoteConfigTests.Delta(8, "{\"uplink.normalPeriodS\":[900]}")));
        Assert.NotEqual(problem, remote.ErrorMessage);
    }

    [Fact]
    public void AStorageFailure_IsTriedAgainOnTheSameDelta_ReportedOnce_AndAppliedWhenTheFlashTakesIt()
    {
        (RemoteConfig remote, FaultyFlash flash) = Fresh();
        flash.CutAt = flash.Ticks; // the flash fails every operation until it "reboots"
        Assert.Equal(ApplyOutcome.StorageFailed, Apply(remote, RemoteConfigTests.Delta(6, "{\"uplink.normalPeriodS\":600}")));
        Assert.Equal(ApplyOutcome.RefusedAgain, Apply(remote, RemoteConfigTests.Delta(7, "{\"uplink.normalPeriodS\":600}")));
        Assert.Equal(("Storage", 6), (remote.ErrorCode, remote.ErrorVersion));

        flash.Reboot();
        Assert.Equal(ApplyOutcome.Applied, Apply(remote, RemoteConfigTests.Delta(8, "{\"uplink.normalPeriodS\":600}")));
        Assert.Equal(string.Empty, remote.ErrorCode);
        Assert.Equal(8, RemoteConfig.Open(flash, RemoteConfigTests.Dir, RemoteConfigTests.BaseConf).AppliedVersion);
    }

    [Fact]
    public void RestartKeysWaitingForTheRestart_AreNeitherWrittenNorAnsweredAgain()
    {
        (RemoteConfig remote, FaultyFlash flash) = Fresh();
        Assert.Equal(ApplyOutcome.Applied, Apply(remote, RemoteConfigTests.Delta(3, "{\"cell.rat\":\"nbiot\"}")));
        // The generation, beside the trial state naming tracker.conf alone as the proven config (Control/README.md §1).
        string file = Assert.Single(flash.Paths, p => p.Contains("/cfg.", StringComparison.Ordinal));
        byte[] generation = flash.GetBytes(file);
        string[] files = flash.Paths;

        // reported.cfg lacks cell.rat until the restart, so every update brings it back.
        for (int version = 4; version < 10; version++)
        {
            Assert.Equal(ApplyOutcome.AlreadyStaged, Apply(remote, RemoteConfigTests.Delta(version, "{\"cell.rat\":\"nbiot\"}")));
        }

        Assert.Equal(files, flash.Paths);
        Assert.Equal(generation, flash.GetBytes(file));
        Assert.Equal(3, remote.AppliedVersion);
        Assert.Equal(["cell.rat"], remote.PendingKeys());
        Assert.Equal(ApplyOutcome.Applied, Apply(remote, RemoteConfigTests.Delta(10, "{\"cell.rat\":\"ltem\"}")));
    }

    [Fact]
    public void WhenTheRefusedKeyIsNoLongerAskedFor_TheRefusalEnds_OnceOnly()
    {
        (RemoteConfig remote, _) = Fresh();
        Assert.Equal(ApplyOutcome.Applied, Apply(remote, RemoteConfigTests.Delta(3, "{\"cell.rat\":\"nbiot\"}")));
        Assert.Equal(ApplyOutcome.Refused, Apply(remote, RemoteConfigTests.Delta(4, "{\"cell.rat\":\"nbiot\",\"uplink.livePeriodS\":900}")));

        // The operator set livePeriodS back to the value running, so only the pending key is left in the delta.
        Assert.Equal(ApplyOutcome.Applied, Apply(remote, RemoteConfigTests.Delta(5, "{\"cell.rat\":\"nbiot\"}")));
        Assert.Equal((string.Empty, 5), (remote.ErrorCode, remote.AppliedVersion));
        Assert.Equal(ApplyOutcome.AlreadyStaged, Apply(remote, RemoteConfigTests.Delta(6, "{\"cell.rat\":\"nbiot\"}")));
    }

    [Fact]
    public void MutatedRepeatsOfARefusedDelta_AreRefusedAgainOnlyWhenTheyAskTheSameChange_NeverThrow()
    {
        (RemoteConfig remote, FaultyFlash flash) = Fresh();
        const string cfg = "{\"uplink.livePeriodS\":900,\"cell.apn\":\"iot.example\",\"uplink.liveWhenMoving\":false}";
        Assert.Equal(ApplyOutcome.Refused, Apply(remote, RemoteConfigTests.Delta(100, cfg)));
        byte[] good = RemoteConfigTests.Delta(101, cfg);
        string refusedCfg = Canonical(JsonNode.Parse(good)!["state"]!["cfg"]!.AsObject());
        var random = new Random(18);
        int again = 0;
        int version = 101;
        for (int i = 0; i < 1000; i++)
        {
            byte[] bytes = i % 2 == 0 ? good[..random.Next(good.Length)] : RemoteConfigTests.Mutate(good, random);
            ApplyOutcome outcome = remote.Apply(bytes, 0, bytes.Length);
            if (outcome == ApplyOutcome.RefusedAgain && remote.ErrorCode != RefusalCodes.Malformed)
            {
                // Only a readable delta asking for exactly the refused keys and values (as text) is not answered.
                JsonNode parsed = JsonNode.Parse(bytes)!;
                Assert.Equal(refusedCfg, Canonical(parsed["state"]!["cfg"]!.AsObject()));
            }

            if (outcome == ApplyOutcome.Applied)
            {
                Assert.True(OverrideMerge.Build(RemoteConfigTests.BaseConf, remote.Staged).IsOk);
            }

            // Whatever came before, the shadow's next two copies of the refused delta are answered at most once.
            Apply(remote, RemoteConfigTests.Delta(++version, cfg));
            ApplyOutcome second = Apply(remote, RemoteConfigTests.Delta(++version, cfg));
            Assert.Contains(second, new[] { ApplyOutcome.RefusedAgain, ApplyOutcome.AlreadyStaged, ApplyOutcome.Stale });
            again += second == ApplyOutcome.RefusedAgain ? 1 : 0;
        }

        Assert.True(again > 900, again.ToString());
        Assert.Equal(remote.AppliedVersion, RemoteConfig.Open(flash, RemoteConfigTests.Dir, RemoteConfigTests.BaseConf).AppliedVersion);
    }

    [Fact]
    public void OnTheLink_ARefusedChange_IsReportedOnce_ThoughTheShadowSendsItsDeltaAfterEveryReport()
    {
        (ControlLink control, FakeLink link, FakeShadow shadow) = Connected();
        shadow.Desire("{\"upLiveP\":900}");

        Pump(control);

        Assert.Equal(2, shadow.Reports); // connect, then the refusal
        Assert.Equal(1, control.Refused);
        Assert.True(control.Repeated >= 1, control.Repeated.ToString());
        Assert.Equal("Inconsistent", (string)shadow.Reported!["cfgErr"]!["code"]!);
        int version = shadow.Version;
        Pump(control);
        Assert.Equal(version, shadow.Version);
        Assert.DoesNotContain(link.Published, m => m.Topic != Topics.Update);
    }

    [Fact]
    public void OnTheLink_TheStandingRefusal_IsReportedOncePerConnection()
    {
        (ControlLink control, FakeLink link, FakeShadow shadow) = Connected();
        shadow.Desire("{\"upLiveP\":900}");
        Pump(control);

        for (int session = 2; session <= 4; session++)
        {
            link.LoseConnection();
            Assert.Equal(LinkResult.Ok, control.Connect(new MqttConnectOptions(Car, 60, null, null, true)));
            Pump(control);

            Assert.Equal(1 + session, shadow.Reports);
            Assert.Equal("Inconsistent", (string)shadow.Reported!["cfgErr"]!["code"]!);
        }

        Assert.Equal(1, control.Refused);
    }

    [Fact]
    public void OnTheLink_AChangedDesiredState_IsJudgedAndAnswered_AndTheDeltaEnds()
    {
        (ControlLink control, _, FakeShadow shadow) = Connected();
        shadow.Desire("{\"upLiveP\":900}");
        Pump(control);
        int reports = shadow.Reports;

        shadow.Desire("{\"upLiveP\":120}");
        Pump(control);

        Assert.Equal(reports + 1, shadow.Reports);
        Assert.Equal(1, control.Applied);
        Assert.Null(shadow.Reported!["cfgErr"]);
        Assert.Equal(120, (int)shadow.Reported!["cfg"]!["upLiveP"]!);
        Assert.Empty(shadow.Delta());
    }

    [Fact]
    public void OnTheLink_ARestartKeyWaitingForTheRestart_IsAnsweredOnce()
    {
        (ControlLink control, _, FakeShadow shadow) = Connected();
        shadow.Desire("{\"rat\":\"nbiot\"}");
        Pump(control);

        Assert.Equal(2, shadow.Reports);
        Assert.Equal(1, control.Applied);
        Assert.Equal("cell.rat", (string)shadow.Reported!["cfgPending"]![0]!);
    }

    private static (ControlLink Control, FakeLink Link, FakeShadow Shadow) Connected()
    {
        RemoteConfig remote = RemoteConfig.Open(new FaultyFlash(), RemoteConfigTests.Dir, RemoteConfigTests.BaseConf);
        var link = new FakeLink();
        var shadow = new FakeShadow(link);
        var control = new ControlLink(link, remote, Car);
        Assert.Equal(LinkResult.Ok, control.Connect(new MqttConnectOptions(Car, 60, null, null, true)));
        Pump(control);
        return (control, link, shadow);
    }

    // The app's main loop, bounded: without the fix this would run out its 200 passes with a report on each.
    private static void Pump(ControlLink control)
    {
        for (int pass = 0; pass < 200; pass++)
        {
            while (control.TryTakeMessage(out _, out _))
            {
            }

            while (control.TryTakeCompletion(out _, out _))
            {
            }
        }
    }

    private static string Canonical(JsonObject cfg) =>
        string.Join(",", cfg.Select(p => p.Key + "=" + p.Value!.GetValueKind() + ":" + p.Value.ToJsonString()).Order(StringComparer.Ordinal));

    /// <summary>
    /// The shadow's side as IoT Core runs it: every update the car publishes is accepted, bumps the version, and is
    /// followed by a delta (desired keys whose value reported.cfg does not hold) whenever one is left.
    /// </summary>
    private sealed class FakeShadow
    {
        private readonly FakeLink _link;
        private readonly JsonObject _desired = [];

        public FakeShadow(FakeLink link)
        {
            _link = link;
            link.OnPublished = m =>
            {
                if (m.Topic == Topics.Update)
                {
                    Reports++;
                    Reported = JsonNode.Parse(m.Payload)!["state"]!["reported"]!.AsObject();
                    Updated();
                }
            };
        }

        public int Version { get; private set; }

        public int Reports { get; private set; }

        public JsonObject? Reported { get; private set; }

        public void Desire(string cfg)
        {
            foreach ((string name, JsonNode? value) in JsonNode.Parse(cfg)!.AsObject())
            {
                _desired[name] = value?.DeepClone();
            }

            Updated();
        }

        public JsonObject Delta()
        {
            var delta = new JsonObject();
            JsonObject? cfg = Reported?["cfg"] as JsonObject;
            foreach ((string name, JsonNode? value) in _desired)
            {
                if (cfg is null || !JsonNode.DeepEquals(cfg[name], value))
                {
                    delta[name] = value?.DeepClone();
                }
            }

            return delta;
        }

        private void Updated()
        {
            Version++;
            JsonObject delta = Delta();
            if (delta.Count > 0)
            {
                _link.Deliver(Topics.Delta, Encoding.UTF8.GetBytes($"{{\"version\":{Version},\"timestamp\":1733500000,\"state\":{{\"cfg\":{delta.ToJsonString()}}},\"metadata\":{{}}}}"));
            }
        }
    }
}
