using Tracker.Core.Fixes;
using Tracker.Core.Storage;
using Tracker.Core.Uplink;
using Tracker.Device.Storage;
using Tracker.HostLink;

namespace Tracker.Integration.Tests.Support;

/// <summary>
/// One simulated car: the firmware's FixLog on a folder (DirectoryFlashFileSystem), its uplink
/// engine over an <see cref="MqttNetLink"/> with the car's own certificate, and a drive that feeds the
/// log as simulated time passes. Time is compressed: the engine is ticked with a simulated
/// millisecond clock, and the calendar clock follows the drive.
/// </summary>
public sealed class CarRig : IDisposable
{
    private readonly Drive _drive;
    private readonly SimClock _clock;
    private readonly SimDevice _device = new();
    private readonly FixLogOptions _logOptions = FixLogOptions.ForCapacity(1_000_000);
    private DirectoryFlashFileSystem _fs = new();
    private int _next;

    /// <summary>Creates the car; nothing connects before the first tick.</summary>
    public CarRig(string carId, TestPki pki, int port, Drive drive, string logDirectory, Func<UplinkTopics, UplinkOptions> options, uint seed)
    {
        CarId = carId;
        _drive = drive;
        LogDirectory = logDirectory;
        _clock = new SimClock(drive.StartMs);
        Link = new MqttNetLink(new MqttNetLinkOptions("127.0.0.1", port, pki.IssueClient(carId), pki.Ca, operationTimeout: TimeSpan.FromSeconds(5)));
        Log = FixLog.Open(_fs, logDirectory, _logOptions);
        Engine = new UplinkEngine(Link, Log, _clock, _device, options(UplinkTopics.Create(carId, null)), seed);
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
    public int AppendFailures { get; private set; }

    /// <summary>True when every fix of the drive has been fed.</summary>
    public bool DriveDone => _next == _drive.Fixes.Count;

    /// <summary>True when the log is empty and nothing is in flight.</summary>
    public bool Settled => Log.PendingCount == 0 && Engine.MessagesInFlight == 0;

    /// <summary>Feeds the drive's fixes up to <paramref name="nowMs"/> of simulated time (0 = the first fix) and ticks the engine.</summary>
    public void Step(long nowMs)
    {
        long driveTime = _drive.StartMs + nowMs;
        _clock.UtcNowMs = driveTime;
        while (_next < _drive.Fixes.Count && _drive.Fixes[_next].Fix.TimeMs <= driveTime)
        {
            DriveFix f = _drive.Fixes[_next++];
            _device.IsMoving = f.Moving && !DriveDone;
            _device.LastFixTickMs = nowMs;
            if (!f.Recorded)
            {
                continue;
            }

            Fix fix = f.Fix;
            if (Log.Append(ref fix) == FixLogResult.Ok)
            {
                Appended.Add(fix);
            }
            else
            {
                AppendFailures++;
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

    private sealed class SimClock(long utcNowMs) : IWallClock
    {
        public bool IsValid => true;

        public long UtcNowMs { get; set; } = utcNowMs;
    }

    private sealed class SimDevice : IDeviceStatus
    {
        public int SupplyMillivolts => 12600;

        public IgnitionState Ignition => IgnitionState.On;

        public int SignalDbm => -71;

        public string FirmwareVersion => "it-1.0";

        public bool IsMoving { get; set; }

        public long LastFixTickMs { get; set; } = -1;
    }
}
