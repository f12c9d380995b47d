using Tracker.Core.Control;
using Tracker.Core.Tests.Storage;
using Tracker.Core.Tests.Uplink;
using Tracker.Core.Uplink;

namespace Tracker.Core.Tests.Control;

/// <summary>
/// The Control stage's pass as the device app's main loop runs it: a staged update reboots into the new version,
/// which is confirmed only once a GNSS fix was read and the uplink connected; a version that never reads a fix
/// reboots when its window ends, three times, and the loader falls back; a live delta asks for a rebuild, and
/// restart keys for a reboot only once the car is parked for the quiet spell.
/// </summary>
public class CarControlTests
{
    private const string Dir = "app";
    private const string Car = "car-1";

    [Fact]
    public void AStagedUpdate_RebootsIntoTheNewVersion_WhichIsConfirmedOnlyOnceAFixWasReadAndTheUplinkConnected()
    {
        var jobs = new UpdateAgentTests.Jobs(UpdateAgentTests.Image(1024, "1.4.0"));
        var car = new Device(new FaultyFlash(), jobs, windowMs: 60_000) { FixAfterMs = 5_000 };
        car.RunUntil(() => jobs.Status is "SUCCEEDED" or "FAILED" or "REJECTED", 30_000);

        Assert.Equal("SUCCEEDED", jobs.Status);
        Assert.Equal(["", "1.4.0"], car.Boots);
        Assert.True(car.Control.Confirmed);
        Assert.False(car.Control.OnTrial);
        Assert.True(car.ConfirmedAfterBootMs >= 5_000, "confirmed " + car.ConfirmedAfterBootMs + " ms after boot, before the first fix");
    }

    [Fact]
    public void AVersionThatNeverReadsAFix_RebootsWhenItsWindowEnds_AndTheLoaderFallsBackAfterItsAttempts()
    {
        var jobs = new UpdateAgentTests.Jobs(UpdateAgentTests.Image(1024, "1.4.0"));
        var car = new Device(new FaultyFlash(), jobs, windowMs: 5_000) { FixAfterMs = long.MaxValue };
        car.RunUntil(() => jobs.Status is "SUCCEEDED" or "FAILED" or "REJECTED", 100_000);

        Assert.Equal("FAILED", jobs.Status);
        Assert.Equal("NotConfirmed", jobs.Details["reason"]);
        Assert.Equal(BootState.MaxAttempts, car.Boots.Count(v => v == "1.4.0"));
        Assert.Equal(string.Empty, car.Boots[^1]);
        Assert.All(car.TrialLengthsMs, ms => Assert.True(ms > 5_000, "a trial ended after " + ms + " ms, inside its window"));
        Assert.Contains("never read", car.LastRebootReason, StringComparison.Ordinal);
    }

    [Fact]
    public void AVersionWhoseUplinkNeverConnects_IsNotConfirmed_EvenWithAFix()
    {
        var jobs = new UpdateAgentTests.Jobs(UpdateAgentTests.Image(1024, "1.4.0"));
        var car = new Device(new FaultyFlash(), jobs, windowMs: 5_000) { FixAfterMs = 0, UplinkOnTrial = false };
        car.RunUntil(() => jobs.Status is "SUCCEEDED" or "FAILED" or "REJECTED", 100_000);

        Assert.Equal("FAILED", jobs.Status);
        Assert.Contains("uplink never connected", car.LastRebootReason, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUpdateStagedWithoutALoaderOnTheBoard_DoesNotRebootAgainAndAgain_AndTheCarRunsOn()
    {
        var jobs = new UpdateAgentTests.Jobs(UpdateAgentTests.Image(1024, "1.4.0"));
        var car = new Device(new FaultyFlash(), jobs, windowMs: 5_000) { NoLoader = true };
        car.RunUntil(() => false, 5_000);

        Assert.Equal(["", ""], car.Boots); // the one reboot into the staged version, which nothing ran
        Assert.True(car.Control.WaitingForLoader);
        Assert.False(car.Control.OnTrial);
        Assert.Equal("IN_PROGRESS", jobs.Status);
    }

    [Fact]
    public void TheHealthWindow_CountsAFixReadBeforeTheUplink_AndEndsJustAfterItsLength()
    {
        var window = new HealthWindow(1_000, 10_000);
        Assert.Equal(HealthVerdict.Waiting, window.Update(2_000, fixRead: true, uplinkConnected: false));
        Assert.Equal(HealthVerdict.Healthy, window.Update(3_000, fixRead: false, uplinkConnected: true));
        Assert.Equal(HealthVerdict.Healthy, window.Update(50_000, fixRead: false, uplinkConnected: false));

        window = new HealthWindow(1_000, 10_000);
        Assert.Equal(HealthVerdict.Waiting, window.Update(11_000, fixRead: false, uplinkConnected: true));
        Assert.Equal(HealthVerdict.Expired, window.Update(11_001, fixRead: true, uplinkConnected: true));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HealthWindow(0, 0));
    }

    [Fact]
    public void ALiveDelta_AsksForARebuild_AndRestartKeys_ARebootOnlyOnceParkedForTheQuietSpell()
    {
        RemoteConfig remote = RemoteConfig.Open(new FaultyFlash(), RemoteConfigTests.Dir, RemoteConfigTests.BaseConf);
        var link = new FakeLink();
        var config = new ControlLink(link, remote, "car-42");
        var control = new CarControl(config, null, new SafeRestart(60_000, SafeRestart.DefaultDeadlineMs), 0, HealthWindow.DefaultWindowMs);
        Assert.Same(config, control.Outermost(link));
        config.Connect(new MqttConnectOptions("car-42", 60, null, null, true));
        var topics = new ShadowTopics("car-42");

        link.Deliver(topics.Delta, RemoteConfigTests.Delta(5, "{\"uplink.normalPeriodS\":600}"));
        Assert.False(config.TryTakeMessage(out _, out _));
        Assert.Equal(ControlAction.ConfigChanged, control.Step(100, true, true, false, false, 0, 0));
        Assert.Equal(ControlAction.None, control.Step(200, true, true, false, false, 0, 0));

        link.Deliver(topics.Delta, RemoteConfigTests.Delta(6, "{\"cell.rat\":\"nbiot\"}"));
        Assert.False(config.TryTakeMessage(out _, out _));
        for (long t = 300; t < 600_000; t += 1_000)
        {
            Assert.Equal(ControlAction.None, control.Step(t, true, true, ignitionOn: true, moving: true, 0, 0));
        }

        long parked = 600_000;
        Assert.Equal(ControlAction.None, control.Step(parked, true, true, false, false, 0, 0));
        Assert.Equal(ControlAction.None, control.Step(parked + 59_999, true, true, false, false, 0, 0));
        Assert.Equal(ControlAction.Reboot, control.Step(parked + 60_000, true, true, false, false, 0, 0));
        Assert.Contains("parked", control.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void WithNeitherStage_NothingIsAsked_AndTheLinkItselfIsTheOutermost()
    {
        var link = new FakeLink();
        var control = new CarControl(null, null, new SafeRestart(), 0, HealthWindow.DefaultWindowMs);
        Assert.Same(link, control.Outermost(link));
        Assert.False(control.OnTrial);
        Assert.Equal(ControlAction.None, control.Step(1_000_000_000, false, false, false, false, 0, 0));
        Assert.Throws<ArgumentNullException>(() => new CarControl(null, null, null!, 0, 1));
    }

    /// <summary>The device's main loop around <see cref="CarControl"/>: the loader's boot, a 100 ms pass, a reboot when asked.</summary>
    private sealed class Device
    {
        private readonly FaultyFlash _flash;
        private readonly UpdateAgentTests.Jobs _jobs;
        private readonly long _windowMs;
        private UpdateAgent _agent;
        private long _now;
        private long _bootMs;

        public Device(FaultyFlash flash, UpdateAgentTests.Jobs jobs, long windowMs)
        {
            _flash = flash;
            _jobs = jobs;
            _windowMs = windowMs;
            (_agent, Control) = Boot();
        }

        public CarControl Control { get; private set; }

        public List<string> Boots { get; } = [];

        public List<long> TrialLengthsMs { get; } = [];

        public long FixAfterMs { get; init; }

        public bool UplinkOnTrial { get; init; } = true;

        /// <summary>The app deployed alone: nothing runs the loader's step, every boot is the built-in version.</summary>
        public bool NoLoader { get; init; }

        public long ConfirmedAfterBootMs { get; private set; } = -1;

        public string LastRebootReason { get; private set; } = string.Empty;

        public void RunUntil(Func<bool> done, int maxPasses)
        {
            for (int pass = 0; pass < maxPasses && !done(); pass++)
            {
                _now += 100;
                bool trial = Control.OnTrial;
                bool fix = _now - _bootMs >= FixAfterMs;
                bool uplink = !trial || UplinkOnTrial;
                ControlAction action = Control.Step(_now, fix, uplink, false, false, 0, 0);
                IMqttLink outer = Control.Outermost(_jobs.Link);
                while (outer.TryTakeMessage(out _, out _))
                {
                }

                while (outer.TryTakeCompletion(out _, out _))
                {
                }

                if (trial && Control.Confirmed)
                {
                    ConfirmedAfterBootMs = _now - _bootMs;
                }

                if (action == ControlAction.Reboot)
                {
                    if (trial)
                    {
                        TrialLengthsMs.Add(_now - _bootMs);
                    }

                    LastRebootReason = Control.Reason;
                    _agent.Disconnect();
                    (_agent, Control) = Boot();
                }
            }
        }

        private (UpdateAgent, CarControl) Boot()
        {
            string running = NoLoader ? string.Empty : UpdateAgent.Boot(_flash, Dir, out _);
            Boots.Add(running);
            _bootMs = _now;
            var agent = new UpdateAgent(_jobs.Link, Car, _flash, Dir, UpdateAgentTests.Modulus, _jobs, running.Length > 0 ? running : "1.0");
            var control = new CarControl(null, agent, new SafeRestart(), _now, _windowMs);
            Assert.Same(agent, control.Outermost(_jobs.Link));
            agent.Connect(new MqttConnectOptions(Car, 60, null, null, true));
            return (agent, control);
        }
    }
}
