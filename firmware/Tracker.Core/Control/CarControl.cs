using Tracker.Core.Uplink;

namespace Tracker.Core.Control
{
    /// <summary>
    /// The Control stage's pass in a car's main loop (Control/README.md): the update agent's step, the reboot it asks
    /// for, the health confirmation of a version on trial (<see cref="HealthWindow"/>), a live config change to hand to
    /// the running stages, and the safe moment for pending restart keys (<see cref="SafeRestart"/>). The device app
    /// (<c>Tracker.Device/Program</c>) runs it between two uplink ticks and does what it answers: rebuild its report
    /// policy and uplink, or reboot. Either stage may be absent (no shadow, or no code-signing key). Single-threaded.
    /// </summary>
    public sealed class CarControl
    {
        private readonly ControlLink? _config;
        private readonly UpdateAgent? _updates;
        private readonly SafeRestart _restart;
        private readonly HealthWindow? _health;
        private readonly HealthWindow? _configTrial;

        /// <summary>Builds the pass over the stages this boot runs.</summary>
        /// <param name="config">Remote configuration, or null.</param>
        /// <param name="updates">The update agent, or null.</param>
        /// <param name="restart">When restart keys may run.</param>
        /// <param name="bootMs">The boot's monotonic time (the health window starts there).</param>
        /// <param name="confirmWindowMs">The health window (<see cref="HealthWindow.DefaultWindowMs"/> on the device).</param>
        public CarControl(ControlLink? config, UpdateAgent? updates, SafeRestart restart, long bootMs, long confirmWindowMs)
        {
            if (restart == null)
            {
                throw new System.ArgumentNullException(nameof(restart));
            }

            _config = config;
            _updates = updates;
            _restart = restart;
            _health = updates != null && updates.OnTrial ? new HealthWindow(bootMs, confirmWindowMs) : null;
            _configTrial = config != null && config.Remote.OnTrial ? new HealthWindow(bootMs, confirmWindowMs, false) : null;
            Reason = string.Empty;
            if (updates != null && updates.TakeReboot())
            {
                // The agent asks at start only when a candidate is staged and this boot did not run it: no loader chose
                // (the app was deployed alone, firmware/Tracker.Loader is not on the board). Rebooting would come back
                // here every time, so the candidate waits for the loader and the app runs on.
                WaitingForLoader = true;
                Reason = "an update is staged, but no loader ran it: not rebooting (deploy firmware/Tracker.Loader)";
            }
        }

        /// <summary>
        /// True when this boot found a staged candidate that no loader ran (the app deployed without
        /// firmware/Tracker.Loader): the app does not reboot for it, which would loop.
        /// </summary>
        public bool WaitingForLoader { get; }

        /// <summary>The link the uplink engine must use: the outermost stage over <paramref name="link"/>.</summary>
        /// <param name="link">The real link.</param>
        /// <returns>The agent, else the config stage, else the link.</returns>
        public IMqttLink Outermost(IMqttLink link)
        {
            return _updates != null ? _updates : _config != null ? _config : link;
        }

        /// <summary>True while this boot tries restart keys that have not connected the uplink yet (<see cref="RemoteConfig.OnTrial"/>).</summary>
        public bool ConfigOnTrial
        {
            get { return _configTrial != null && _config!.Remote.OnTrial; }
        }

        /// <summary>True while this boot runs a version on trial that has not confirmed yet.</summary>
        public bool OnTrial
        {
            get { return _health != null && !Confirmed; }
        }

        /// <summary>True once this boot's version on trial was confirmed.</summary>
        public bool Confirmed { get; private set; }

        /// <summary>Why the last <see cref="Step"/> answered what it did (for the log), or empty.</summary>
        public string Reason { get; private set; }

        /// <summary>One pass.</summary>
        /// <param name="nowMs">The monotonic time.</param>
        /// <param name="fixRead">True when a GNSS fix has been read since boot.</param>
        /// <param name="uplinkConnected">True when the uplink is connected.</param>
        /// <param name="ignitionOn">True while the ignition is on.</param>
        /// <param name="moving">True while the motion state is moving.</param>
        /// <param name="backlog">Fixes logged and not yet acknowledged.</param>
        /// <param name="inFlight">Messages published and not yet acknowledged.</param>
        /// <returns>What the app must do.</returns>
        public ControlAction Step(long nowMs, bool fixRead, bool uplinkConnected, bool ignitionOn, bool moving, long backlog, int inFlight)
        {
            Reason = string.Empty;
            if (WaitingForLoader)
            {
                // The stage's own download or switch would only stage again what no loader will run.
                return StepConfig(nowMs, uplinkConnected, ignitionOn, moving, backlog, inFlight, false);
            }

            if (_updates != null)
            {
                _updates.Step();
                if (_updates.TakeReboot())
                {
                    Reason = "an update is staged: rebooting into it";
                    return ControlAction.Reboot;
                }

                if (_health != null && !Confirmed)
                {
                    HealthVerdict verdict = _health.Update(nowMs, fixRead, uplinkConnected);
                    if (verdict == HealthVerdict.Expired)
                    {
                        Reason = string.Concat("version ", _updates.RunningVersion, " not healthy within its window (fix ", _health.FixSeen ? "read" : "never read",
                            ", uplink ", _health.UplinkSeen ? "connected" : "never connected", "): the loader counts an attempt");
                        return ControlAction.Reboot;
                    }

                    if (verdict == HealthVerdict.Healthy && _updates.Confirm())
                    {
                        // A failed confirmation (flash) is tried again on the next pass, until the window ends.
                        Confirmed = true;
                        Reason = string.Concat("version ", _updates.RunningVersion, " confirmed");
                    }
                }
            }

            return StepConfig(nowMs, uplinkConnected, ignitionOn, moving, backlog, inFlight, _updates != null && _updates.Phase == UpdatePhase.Downloading);
        }

        private ControlAction StepConfig(long nowMs, bool uplinkConnected, bool ignitionOn, bool moving, long backlog, int inFlight, bool downloading)
        {
            if (_config == null)
            {
                return ControlAction.None;
            }

            if (_configTrial != null && _config.Remote.OnTrial)
            {
                // A trial boot of restart keys (README.md §1): the uplink within the window, or back to the proven
                // generation. The link confirms on connect; this pass tries again when that write failed.
                HealthVerdict verdict = _configTrial.Update(nowMs, false, uplinkConnected);
                if (verdict == HealthVerdict.Healthy && _config.ConfirmTrial())
                {
                    Reason = "restart keys confirmed: the uplink connected";
                }
                else if (verdict == HealthVerdict.Expired)
                {
                    _config.Remote.FallBackAfter(_configTrial);
                    Reason = string.Concat("restart keys not confirmed (", _config.Remote.ErrorMessage, "): rebooting into the previous config");
                    return ControlAction.Reboot;
                }
            }

            if (_config.TakeConfigChange())
            {
                Reason = "live config changed";
                return ControlAction.ConfigChanged;
            }

            if (_restart.Update(nowMs, _config.Remote.RestartPending, ignitionOn, moving, backlog, inFlight, downloading))
            {
                Reason = string.Concat("restart keys pending (", _restart.Reason, ")");
                return ControlAction.Reboot;
            }

            return ControlAction.None;
        }
    }
}
