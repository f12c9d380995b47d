using Tracker.Core.Fixes;
using Tracker.Core.Recording;
using Tracker.Core.Reporting;
using Tracker.Core.Storage;
using Tracker.Core.Time;
using Tracker.Core.Uplink;
using Tracker.Device.Storage;
using Tracker.HostLink;

namespace Tracker.Integration.Tests.Support;

/// <summary>
/// One simulated car: the firmware's FixLog on a folder (DirectoryFlashFileSystem), the device's
/// recorder feeding it the drive's fixes as simulated time passes (the default report policy, or
/// every fix), and its uplink engine over an <see cref="MqttNetLink"/> with the car's own
/// certificate. Time is compressed: the engine is ticked with a simulated millisecond clock, and the
/// calendar clock follows the drive (its dates are taken whatever their year).
/// </summary>
public sealed class CarRig : IDisposable
{
    private readonly Drive _drive;
    private readonly DriveRtc _rtc;
    private readonly SimDevice _device = new();
    private readonly FixLogOptions _logOptions = FixLogOptions.ForCapacity(1_000_000);
    private readonly FixRecorder _recorder;
    private DirectoryFlashFileSystem _fs = new();
    private int _next;

    /// <summary>Creates the car; nothing connects before the first tick.</summary>
    public CarRig(string carId, TestPki pki, int port, Drive drive, string logDirectory, Func<UplinkTopics, UplinkOptions> options, uint seed)
    {
        CarId = carId;
        _drive = drive;
        LogDirectory = logDirectory;
        _rtc = new DriveRtc(drive.StartMs);
        var clock = new CalendarClock(_rtc, plausibleFromUtcMs: 0);
        Link = new MqttNetLink(new MqttNetLinkOptions("127.0.0.1", port, pki.IssueClient(carId), pki.Ca, operationTimeout: TimeSpan.FromSeconds(5)));
        Log = FixLog.Open(_fs, logDirectory, _logOptions);
        _recorder = new FixRecorder(new ReportPolicy(ReportConfig.Default), Log, clock, everyFix: !drive.UsesPolicy);
        Engine = new UplinkEngine(Link, Log, clock, _device, options(UplinkTopics.Create(carId, null)), seed);
    }

    /// <summary>The car id (certificate CN, client id, topic segment).</summary>
    public string CarId { get; }

    /// <summary>The host MQTT link.</summary>
    public MqttNetLink Link { get; }

    /// <summary>The FixLog.</summary>
    public FixLog Log { get; }

    /// <summary>The uplink engine under test.</summary>
    public UplinkEngine Engine { get; }

    /// <summary>The log's folder.</summary>
    public string LogDirectory { get; }

    /// <summary>Every fix appended to the log, in order.</summary>
    public List<Fix> Appended { get; } = [];

    /// <summary>Appends that the log refused (must stay 0).</summary>
    public long AppendFailures => _recorder.AppendFailures;

    /// <summary>True when every fix of the drive has been fed.</summary>
    public bool DriveDone => _next == _drive.Fixes.Count;

    /// <summary>True when the log is empty and nothing is in flight.</summary>
    public bool Settled => Log.PendingCount == 0 && Engine.MessagesInFlight == 0;

    /// <summary>Feeds the drive's fixes up to <paramref name="nowMs"/> of simulated time (0 = the first fix) and ticks the engine.</summary>
    public void Step(long nowMs)
    {
        long driveTime = _drive.StartMs + nowMs;
        _rtc.Drive(driveTime);
        while (_next < _drive.Fixes.Count && _drive.Fixes[_next].Fix.TimeMs <= driveTime)
        {
            Fix fix = _drive.Fixes[_next++].Read;
            ReportDecision d = _recorder.Record(ref fix);
            _device.IsMoving = d.Motion == MotionState.Moving && !DriveDone;
            _device.LastFixTickMs = nowMs;
            if (_recorder.LastOutcome == RecordOutcome.Stored)
            {
                Appended.Add(_recorder.LastRecord);
            }
        }

        if (DriveDone)
        {
            _device.IsMoving = false;
        }

        Engine.Tick(nowMs);
    }

    /// <summary>Ticks the engine again at the same simulated time (to collect PUBACKs).</summary>
    public void Tick(long nowMs) => Engine.Tick(nowMs);

    /// <summary>Opens the log's folder afresh, as after a reboot, and returns what it still holds.</summary>
    public long PendingAfterReopen()
    {
        _fs.Dispose();
        _fs = new DirectoryFlashFileSystem();
        return FixLog.Open(_fs, LogDirectory, _logOptions).PendingCount;
    }

    /// <summary>Closes the link and the file system.</summary>
    public void Dispose()
    {
        Link.Dispose();
        _fs.Dispose();
    }

    /// <summary>The car's real-time clock: the drive's time, plus the offset the recorder's GNSS setting left.</summary>
    private sealed class DriveRtc(long utcNowMs) : IRealTimeClock
    {
        private long _driveMs = utcNowMs;
        private long _offsetMs;

        public long UtcNowMs => _driveMs + _offsetMs;

        public void Drive(long utcMs) => _driveMs = utcMs;

        public bool TrySet(long utcMs)
        {
            _offsetMs = utcMs - _driveMs;
            return true;
        }
    }

    private sealed class SimDevice : IDeviceStatus
    {
        public int SupplyMillivolts => 12600;

        public int BackupMillivolts => StatusReport.Unknown;

        public IgnitionState Ignition => IgnitionState.On;

        public int SignalDbm => -71;

        public string FirmwareVersion => "it-1.0";

        public bool IsMoving { get; set; }

        public long LastFixTickMs { get; set; } = -1;
    }
}
