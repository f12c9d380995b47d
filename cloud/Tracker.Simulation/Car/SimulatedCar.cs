using Tracker.Core.Control;
using Tracker.Core.Fixes;
using Tracker.Core.Nmea;
using Tracker.Core.Recording;
using Tracker.Core.Reporting;
using Tracker.Core.Storage;
using Tracker.Core.Time;
using Tracker.Core.Uplink;
using Tracker.Simulation.Gnss;

namespace Tracker.Simulation.Car;

/// <summary>
/// One simulated car running the firmware's shared core exactly as the device does: NMEA bytes from
/// its receiver go through the device's <see cref="FixRecorder"/> (reader, clock from GNSS,
/// <see cref="ReportPolicy"/>, <see cref="FixLog"/> in a directory through
/// <see cref="ClosedFileFlash"/>, which holds no file open between calls), and the
/// <see cref="UplinkEngine"/> publishes them over the given link, wrapped in a
/// <see cref="CoverageLink"/> so that dead zones take the network away.
/// </summary>
/// <remarks>
/// <para>Driven from outside: call <see cref="Step"/> every 100 to 250 ms (of real or simulated
/// time) from one thread at a time. The read-only properties may be read from any thread; they can
/// be a step old.</para>
/// <para>The device status it reports: moving while the report policy is in its moving profile;
/// ignition on while moving and for <see cref="IgnitionHoldMs"/> after, off when parked or not
/// driving; supply about 14.1 V with the engine running and 12.6 V without; a signal of -66 to
/// -98 dBm that drifts, unknown in a dead zone.</para>
/// <para>Its calendar clock is the device's <see cref="CalendarClock"/> over a clock that runs on the
/// simulation's time: valid from the first step (as a device whose clock the network already set),
/// and set from GNSS by the recorder as on the device.</para>
/// </remarks>
public sealed class SimulatedCar : IDisposable
{
    /// <summary>The ignition stays on this long after the car stopped moving (a light, a queue, a drop-off).</summary>
    public const long IgnitionHoldMs = 120_000;

    private const int ReadChunk = 512;

    private readonly IGnssSource _gnss;
    private readonly ClosedFileFlash _fs = new();
    private readonly FixLog _log;
    private readonly CalendarClock _clock;
    private readonly uint _jitterSeed;
    private readonly SimulatedCarOptions _options;
    private FixRecorder _recorder;
    private readonly SimulationClock _world = new();
    private readonly DeviceStatusValues _device;
    private readonly CoverageLink _link;
    private UplinkEngine _engine;
    private ControlLink? _control;
    private UpdateAgent? _agent;
    private long _bootMs;
    private SafeRestart? _safeRestart;
    private int _restarts;
    private int _trialFallBacks;
    private HealthWindow? _configTrial;
    private int _updateReboots;
    private readonly byte[] _buffer = new byte[ReadChunk];
    private readonly object _sync = new();
    private readonly double _signalPhase;
    private uint _noise;
    private bool _driving = true;
    private bool _resync;
    private long _lastMonotonicMs;
    private bool _stepped;
    private long _stepMonotonicMs;
    private long _lastMovingMs = -1;
    private long _fixesRead;
    private long _fixesRecorded;
    private long _appendFailures;
    private Fix _lastFix;
    private bool _hasLastFix;
    private bool _disposed;

    /// <summary>Builds the car and opens (or recovers) its FixLog.</summary>
    /// <param name="options">Identity, log, policy and uplink settings.</param>
    /// <param name="gnss">Its receiver (generated or a replayed log), which also says when it has coverage.</param>
    /// <param name="link">Its MQTT link; the car wraps it in a <see cref="CoverageLink"/> and never disposes it.</param>
    /// <exception cref="ArgumentException">The car id is not the one in the uplink's topics.</exception>
    public SimulatedCar(SimulatedCarOptions options, IGnssSource gnss, IMqttLink link)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(gnss);
        ArgumentNullException.ThrowIfNull(link);
        if (options.CarId != options.Uplink.Topics.CarId)
        {
            throw new ArgumentException(
                $"car id '{options.CarId}' differs from the uplink topics' '{options.Uplink.Topics.CarId}'", nameof(options));
        }

        CarId = options.CarId;
        _options = options;
        _jitterSeed = options.JitterSeed;
        _gnss = gnss;
        _log = FixLog.Open(_fs, options.LogDirectory, FixLogOptions.ForCapacity(options.LogCapacityBytes));
        _clock = new CalendarClock(new SimulatedRtc(_world));
        _device = new DeviceStatusValues(options.FirmwareVersion) { Ignition = IgnitionState.Off };
        _link = new CoverageLink(link, gnss, _world);
        if (options.TrackerConf is not null)
        {
            if (options.ConfigDirectory is null)
            {
                throw new ArgumentException("a car with a tracker.conf needs a config directory", nameof(options));
            }

            _safeRestart = new SafeRestart(options.RestartQuietMs, SafeRestart.DefaultDeadlineMs);
        }

        (_recorder, _engine) = Boot();
        _noise = options.JitterSeed == 0 ? 0x9E3779B9u : options.JitterSeed;
        _signalPhase = options.JitterSeed % 6283 / 1000.0;
    }

    /// <summary>The car id.</summary>
    public string CarId { get; }

    /// <summary>
    /// True (the default) while the car reads its receiver. Set false to switch the GNSS side off,
    /// for example at shutdown: nothing new is recorded and the uplink drains what is logged. Set
    /// true again and the car starts from the receiver's current output (what it printed meanwhile
    /// is skipped, as a UART that was not read).
    /// </summary>
    public bool Driving
    {
        get => _driving;
        set
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (value == _driving)
            {
                return;
            }

            _driving = value;
            if (!value)
            {
                _stepMonotonicMs = _lastMonotonicMs;
                _recorder.Flush();
                _device.IsMoving = false;
                _device.Ignition = IgnitionState.Off;

                // A parked car holds its records until the normal period (5 min by default); a watch request
                // makes it live, so it publishes what it holds within the live period and the simulation can stop.
                _link.Deliver(_engine.Options.Topics.Live, System.Text.Encoding.ASCII.GetBytes("600"));
            }
            else
            {
                _resync = true;
            }
        }
    }

    /// <summary>Fixes the NMEA reader produced.</summary>
    public long FixesRead => Interlocked.Read(ref _fixesRead);

    /// <summary>Fixes the report policy recorded and the FixLog accepted.</summary>
    public long FixesRecorded => Interlocked.Read(ref _fixesRecorded);

    /// <summary>Recorded fixes the FixLog refused (a storage error; 0 unless the disk is full).</summary>
    public long AppendFailures => Interlocked.Read(ref _appendFailures);

    /// <summary>Fixes in the log not yet acknowledged by the broker.</summary>
    public long PendingFixes => _log.PendingCount;

    /// <summary>Fixes the log dropped, oldest first, because it was full.</summary>
    public long Evictions => _log.Evictions;

    /// <summary>Messages published and not yet acknowledged.</summary>
    public int MessagesInFlight => _engine.MessagesInFlight;

    /// <summary>Where the uplink is.</summary>
    public UplinkState State => _engine.State;

    /// <summary>What the uplink did.</summary>
    public UplinkCounters Counters => _engine.Counters;

    /// <summary>What the NMEA reader saw (sentences, checksum errors, epochs without a fix...).</summary>
    public NmeaCounters Nmea => _recorder.Reader.Counters;

    /// <summary>The remote-config stage (running config, applied version, pending restart keys), or null without <see cref="SimulatedCarOptions.TrackerConf"/>.</summary>
    public RemoteConfig? Remote => _control?.Remote;

    /// <summary>What the Control stage did with the shadow's deltas, or null without remote configuration.</summary>
    public ControlLink? Control => _control;

    /// <summary>The IoT Jobs agent (update phase, job, failures), or null without <see cref="SimulatedCarOptions.Updates"/>.</summary>
    public UpdateAgent? Updates => _agent;

    /// <summary>The application version this boot runs (the loader's choice with updates, else the configured one).</summary>
    public string RunningVersion => _device.FirmwareVersion;

    /// <summary>Reboots for updates: into a staged version, or after a version failed to confirm in its window.</summary>
    public int UpdateReboots => Volatile.Read(ref _updateReboots);

    /// <summary>Restarts the car made to run pending restart keys.</summary>
    public int Restarts => Volatile.Read(ref _restarts);

    /// <summary>Trial boots of restart keys that did not connect in their window, after which the car rebooted into the previous config.</summary>
    public int TrialFallBacks => Volatile.Read(ref _trialFallBacks);

    /// <summary>
    /// True when the next <see cref="Step"/> at <paramref name="monotonicMs"/> would connect (the first step, or the uplink
    /// not connected and its backoff over), and so block until the broker answers. Call it from the thread that steps
    /// the car; it changes nothing.
    /// </summary>
    /// <param name="monotonicMs">The tick the next step will be given.</param>
    /// <returns>Whether that step would connect.</returns>
    public bool ConnectDue(long monotonicMs) => !_stepped || _engine.ConnectDue(monotonicMs);

    /// <summary>True when the car has cellular coverage at the last step's time.</summary>
    public bool InCoverage => _link.InCoverage;

    /// <summary>Connections dropped by dead zones.</summary>
    public long CoverageDrops => _link.Drops;

    /// <summary>True while the report policy is in its moving profile.</summary>
    public bool IsMoving => _device.IsMoving;

    /// <summary>The ignition as the status message reports it.</summary>
    public IgnitionState Ignition => _device.Ignition;

    /// <summary>The last fix read, or null before the first.</summary>
    public Fix? LastFix => TryGetLastFix(out Fix fix) ? fix : null;

    /// <summary>The last fix read.</summary>
    /// <param name="fix">The fix, when there is one.</param>
    /// <returns>False before the first fix.</returns>
    public bool TryGetLastFix(out Fix fix)
    {
        lock (_sync)
        {
            fix = _lastFix;
            return _hasLastFix;
        }
    }

    /// <summary>
    /// Runs one pass of the device's loop: reads what the receiver printed up to now, decides and
    /// records fixes, updates the device status, and ticks the uplink.
    /// </summary>
    /// <param name="utcNowMs">The calendar time, UTC ms since 1970 (the receiver's epochs are due by it).</param>
    /// <param name="monotonicMs">The device's monotonic tick, ms (never going back).</param>
    public void Step(long utcNowMs, long monotonicMs)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _world.Set(utcNowMs);
        _lastMonotonicMs = monotonicMs;
        _stepped = true;
        if (_driving)
        {
            ReadGnss(utcNowMs, monotonicMs, keep: !_resync);
            _resync = false;
        }

        UpdateDevice(utcNowMs, monotonicMs);
        _link.Update();
        _engine.Tick(monotonicMs);
        if (_agent is not null && StepUpdates(monotonicMs))
        {
            return;
        }

        if (_configTrial is not null && _control is not null && _control.Remote.OnTrial && StepConfigTrial(monotonicMs))
        {
            return;
        }

        if (_control is not null && _control.TakeConfigChange())
        {
            // Live keys at once: the report policy and the uplink are rebuilt from the running config between two
            // passes (the uplink reconnects; what was in flight is sent again from the FixLog).
            Rebuild(_control.Remote);
        }

        if (_safeRestart is not null && _control is not null
            && _safeRestart.Update(monotonicMs, _control.Remote.RestartPending, _device.Ignition == IgnitionState.On, _device.IsMoving, _log.PendingCount, _engine.MessagesInFlight, downloading: _agent is not null && _agent.Phase == UpdatePhase.Downloading))
        {
            // The device reboots (Power.RebootDevice) and reads the newest generation at boot: so does the car.
            Interlocked.Increment(ref _restarts);
            Outermost().Disconnect();
            (_recorder, _engine) = Boot();
        }
    }

    // A trial boot of restart keys, as the device's CarControl runs it: the uplink within the window confirms it (the
    // link already did on connect), else back to the proven generation and a reboot; true when the car rebooted.
    private bool StepConfigTrial(long monotonicMs)
    {
        HealthVerdict verdict = _configTrial!.Update(monotonicMs, false, _link.IsConnected);
        if (verdict == HealthVerdict.Healthy)
        {
            _control!.ConfirmTrial();
            return false;
        }

        if (verdict != HealthVerdict.Expired)
        {
            return false;
        }

        _control!.Remote.FallBackAfter(_configTrial);
        Interlocked.Increment(ref _trialFallBacks);
        Outermost().Disconnect();
        _recorder.Flush();
        (_recorder, _engine) = Boot();
        return true;
    }

    // The agent's pass, the health confirmation and the reboots an update asks for; true when the car rebooted.
    private bool StepUpdates(long monotonicMs)
    {
        SimulatedUpdates updates = _options.Updates!;
        _agent!.Step();
        bool reboot = _agent.TakeReboot();
        if (!reboot && _agent.OnTrial)
        {
            bool healthy = updates.NeverHealthy is null || !updates.NeverHealthy(_agent.RunningVersion);
            if (healthy && _link.IsConnected)
            {
                _agent.Confirm();
            }
            else if (monotonicMs - _bootMs > updates.ConfirmWindowMs)
            {
                reboot = true; // not healthy in its window: the app asks the loader to reboot, which counts an attempt
            }
        }

        if (!reboot)
        {
            return false;
        }

        Interlocked.Increment(ref _updateReboots);
        Outermost().Disconnect();
        _recorder.Flush();
        (_recorder, _engine) = Boot();
        return true;
    }

    private IMqttLink Outermost() => (IMqttLink?)_agent ?? (IMqttLink?)_control ?? _link;

    // The device's boot: the running config from tracker.conf and the newest whole generation of overrides (with remote
    // configuration), then the recorder and the uplink over it.
    private (FixRecorder Recorder, UplinkEngine Engine) Boot()
    {
        IMqttLink link = _link;
        ReportConfig policy = _options.Policy;
        UplinkOptions uplink = _options.Uplink;
        if (_options.TrackerConf is not null)
        {
            RemoteConfig remote = RemoteConfig.Open(_fs, _options.ConfigDirectory!, _options.TrackerConf);
            if (!remote.Result.IsOk)
            {
                throw new ArgumentException("the car's tracker.conf is refused: " + remote.Result.Message, nameof(_options));
            }

            _control = new ControlLink(_link, remote, CarId);
            _link.Unreachable = _options.BrokerMqttPort is int port && remote.Result.Config!.MqttPort != port;
            _configTrial = remote.OnTrial ? new HealthWindow(_lastMonotonicMs, _options.ConfigTrialWindowMs, false) : null;
            link = _control;
            policy = remote.Result.Config!.Report;
            uplink = remote.Result.Config.Uplink;
        }

        if (_options.Updates is { } updates)
        {
            // The loader's step: the image to run, its attempt counted before it runs.
            string running = UpdateAgent.Boot(_fs, updates.Directory, out _);
            _device.FirmwareVersion = running.Length > 0 ? running : _options.FirmwareVersion;
            _agent = new UpdateAgent(link, CarId, _fs, updates.Directory, updates.CodeSigningKey, updates.Transport, _device.FirmwareVersion);
            _bootMs = _lastMonotonicMs;
            link = _agent;
        }

        return Build(policy, link, uplink);
    }

    private void Rebuild(RemoteConfig remote)
    {
        Outermost().Disconnect();
        _recorder.Flush();
        (_recorder, _engine) = Build(remote.Result.Config!.Report, Outermost(), remote.Result.Config.Uplink);
    }

    private (FixRecorder Recorder, UplinkEngine Engine) Build(ReportConfig policy, IMqttLink link, UplinkOptions uplink)
    {
        if (uplink.Topics.CarId != CarId)
        {
            throw new ArgumentException($"car id '{CarId}' differs from the uplink topics' '{uplink.Topics.CarId}'", nameof(uplink));
        }

        var recorder = new FixRecorder(new ReportPolicy(policy), _log, _clock);
        recorder.Observe(new Readings(this));
        return (recorder, new UplinkEngine(link, _log, _clock, _device, uplink, _jitterSeed));
    }

    /// <summary>Stops the car: it steps no more. Its flash holds no file open between calls; the link is the caller's.</summary>
    public void Dispose()
    {
        _disposed = true;
    }

    private void ReadGnss(long utcNowMs, long monotonicMs, bool keep)
    {
        _stepMonotonicMs = monotonicMs;
        bool any = false;
        int n;
        while ((n = _gnss.Read(utcNowMs, _buffer, 0, _buffer.Length)) > 0)
        {
            any = true;
            if (keep)
            {
                _recorder.Push(_buffer, 0, n);
            }
        }

        if (!keep)
        {
            _recorder.Reader.Reset(); // as after reopening the port: no partial line or epoch survives
            return;
        }

        if (any)
        {
            // The receiver prints each second's sentences in one burst and then the UART is idle:
            // close the epoch now, as the device does on an idle UART, rather than a second later.
            _recorder.Flush();
        }
    }

    // The recorder's report of each fix: the readings the device status and the properties give.
    private void OnFix(ref Fix fix, ref ReportDecision decision, RecordOutcome outcome)
    {
        Interlocked.Increment(ref _fixesRead);
        lock (_sync)
        {
            _lastFix = fix;
            _hasLastFix = true;
        }

        if (outcome == RecordOutcome.Stored)
        {
            Interlocked.Increment(ref _fixesRecorded);
        }
        else if (outcome == RecordOutcome.StorageFailed)
        {
            Interlocked.Increment(ref _appendFailures);
        }

        _device.LastFixTickMs = _stepMonotonicMs;
        if (decision.Motion == MotionState.Moving)
        {
            _lastMovingMs = _stepMonotonicMs;
        }
    }

    private void UpdateDevice(long utcNowMs, long monotonicMs)
    {
        bool moving = _driving && _recorder.Motion == MotionState.Moving;
        bool ignition = _driving && _lastMovingMs >= 0 && (moving || monotonicMs - _lastMovingMs < IgnitionHoldMs);
        _device.IsMoving = moving;
        _device.Ignition = ignition ? IgnitionState.On : IgnitionState.Off;

        // A running alternator holds the bus near 14.1 V; a resting lead-acid battery sits near 12.6 V.
        _device.SupplyMillivolts = ignition ? 14100 + Noise(150) : 12600 + Noise(40);

        // The optional backup Li-ion cell, kept charged (hardware/README.md): about 4.1 V.
        _device.BackupMillivolts = 4100 + Noise(20);
        if (!_link.InCoverage)
        {
            _device.SignalDbm = StatusReport.Unknown; // AT+CSQ answers 99 (not known) without a network
        }
        else
        {
            double wave = Math.Sin((utcNowMs / 600_000.0) + _signalPhase);
            _device.SignalDbm = -82 + (int)Math.Round(12 * wave) + Noise(4);
        }
    }

    // Deterministic readings noise from xorshift32 (Marsaglia 2003), uniform in [-range, range].
    private int Noise(int range)
    {
        _noise ^= _noise << 13;
        _noise ^= _noise >> 17;
        _noise ^= _noise << 5;
        return (int)(_noise % (uint)((2 * range) + 1)) - range;
    }

    /// <summary>The recorder tells the car of every fix.</summary>
    private sealed class Readings(SimulatedCar car) : IFixObserver
    {
        public void FixHandled(ref Fix fix, ref ReportDecision decision, RecordOutcome outcome) => car.OnFix(ref fix, ref decision, outcome);
    }

    /// <summary>
    /// The car's real-time clock: the simulation's time plus the offset its last setting left, so
    /// the calendar clock runs on with the world once GNSS set it.
    /// </summary>
    private sealed class SimulatedRtc(SimulationClock world) : IRealTimeClock
    {
        private long _offsetMs;

        public long UtcNowMs => world.UtcNowMs + Interlocked.Read(ref _offsetMs);

        public bool TrySet(long utcMs)
        {
            Interlocked.Exchange(ref _offsetMs, utcMs - world.UtcNowMs);
            return true;
        }
    }
}
