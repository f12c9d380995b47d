using System;
using System.Device.Adc;
using System.Device.Gpio;
using System.IO.Ports;
using System.Text;
using System.Threading;
using nanoFramework.Runtime.Native;
using Tracker.Core.Common;
using Tracker.Core.Config;
using Tracker.Core.Control;
using Tracker.Core.Modem;
using Tracker.Core.Power;
using Tracker.Core.Recording;
using Tracker.Core.Reporting;
using Tracker.Core.Storage;
using Tracker.Core.Time;
using Tracker.Core.Uplink;
using Tracker.Device.Boot;
using Tracker.Device.Gnss;
using Tracker.Device.Hardware;
using Tracker.Device.Net;
using Tracker.Device.Status;
using Tracker.Device.Storage;
using Tracker.Device.Support;
using Tracker.Device.Time;

namespace Tracker.Device
{
    /// <summary>
    /// The tracker application: config and certificates from I: (with the remote overrides' newest whole generation),
    /// then the GNSS thread (the core's recorder: NMEA -> clock from GNSS -> report policy -> FixLog) and the main loop
    /// (uplink engine over the SIM7080G, or over M2Mqtt on Wi-Fi when <c>wifi.ssid</c> is set), with the Control stage
    /// on the same connection: remote configuration through the shadow and, when the bundle has the fleet's
    /// code-signing key, the IoT Jobs update agent (Control/README.md). A missing or bad config ends in <see cref="SafeIdle"/>.
    /// Runtime behaviour: README.md.
    /// </summary>
    public static class Program
    {
        /// <summary>The FixLog's directory on the internal flash.</summary>
        public const string FixLogDirectory = "I:\\fixlog";

        /// <summary>The update area on the internal flash: the loader's (<c>Tracker.Loader</c>, <c>LoaderRun.AppDirectory</c>), shared through files.</summary>
        public const string UpdateDirectory = "I:\\app";

        private const int LoopMs = 100;
        private const int WatchdogTimeoutMs = 600000;
        private const int FixFreshMs = 10000;
        private const int ModemClockFirstMs = 120000;
        private const int ModemClockEveryMs = 300000;
        private const int WifiRetryMs = 60000;
        private const int WifiJoinTimeoutMs = 30000;
        private const int StatsEveryMs = 60000;

        // The 12 V and backup-cell senses are read this often (eight ADC reads each; the status message carries them).
        private const int SenseEveryMs = 10000;

        private static uint _failedStamp;

        // The version the loader started (Start), or empty when this is the built-in application (Main).
        private static string _imageVersion = string.Empty;

        /// <summary>
        /// The entry point when the loader (firmware/Tracker.Loader) runs this application from an update image
        /// (Control/README.md §2): the image's manifest names it, and the loader passes the version it chose.
        /// </summary>
        /// <param name="version">The image's version.</param>
        public static void Start(string version)
        {
            DeviceLog.Info("boot", String.Concat("loaded from image ", version));
            _imageVersion = version ?? string.Empty;
            Main();
        }

        /// <summary>The entry point.</summary>
        public static void Main()
        {
            DeviceLog.Info("boot", DeviceInfo.FirmwareVersion + " starting");
            GpioController gpio = new GpioController();
            DeviceFiles? files;
            string error;
            if (!DeviceFiles.TryLoad(out files, out error))
            {
                // The config did not say where the LED is: use the reference board's pin.
                Idle(new StatusLed(gpio, TrackerSetting.HwLedPin.Default, true), error);
                return;
            }

            // tracker.conf with the newest whole generation of remote overrides that builds (Control/README.md §1,
            // "Applying atomically"); with none, tracker.conf alone, which DeviceFiles already validated.
            DirectoryFlashFileSystem flash = new DirectoryFlashFileSystem();
            RemoteConfig remote = RemoteConfig.Open(flash, OverrideStore.DeviceDirectory, files!.ConfigText);
            TrackerConfig config = remote.Result.IsOk ? remote.Result.Config! : files.Config;
            if (remote.Generation > 0 || remote.SkippedGenerations > 0)
            {
                DeviceLog.Info("config", String.Concat("remote overrides: generation ", remote.Generation.ToString(), ", shadow version ", remote.AppliedVersion.ToString(),
                    remote.SkippedGenerations > 0 ? String.Concat(", ", remote.SkippedGenerations.ToString(), " newer skipped (torn or refused)") : string.Empty));
            }

            if (remote.OnTrial)
            {
                // A trial boot of restart keys (Control/README.md §1): CarControl confirms it when the uplink connects, or
                // falls back to the proven generation and reboots when the window ends first.
                DeviceLog.Info("config", String.Concat("restart keys on trial: the uplink must connect within ", (HealthWindow.DefaultWindowMs / 60000).ToString(),
                    " minutes, or the previous config runs again"));
            }
            else if (remote.ErrorCode == RefusalCodes.NotConfirmed)
            {
                DeviceLog.Error("config", String.Concat("restart keys refused: ", remote.ErrorMessage));
            }

            StatusLed led = new StatusLed(gpio, config.GetInt(TrackerSetting.HwLedPin), true);
            try
            {
                Run(gpio, led, files, flash, remote, config);
            }
            catch (Exception e)
            {
                // A pin or port the board cannot open, a certificate the TLS stack cannot decode:
                // restarting would fail the same way.
                Idle(led, String.Concat("start-up failed: ", ((object)e).GetType().FullName, ": ", e.Message));
            }
        }

        private static void Run(GpioController gpio, StatusLed led, DeviceFiles files, DirectoryFlashFileSystem flash, RemoteConfig remote, TrackerConfig c)
        {
            TickClock ticks = new TickClock();
            CalendarClock clock = new CalendarClock(new EspRtc());
            string running = _imageVersion.Length > 0 ? _imageVersion : DeviceInfo.FirmwareVersion;
            StatusBoard status = new StatusBoard(running);
            IgnitionInput ignition = new IgnitionInput(gpio, c.GetInt(TrackerSetting.HwIgnitionPin), c.GetFlag(TrackerSetting.HwIgnitionActiveHigh));
            AdcController? adc = OpenAdc();
            VoltageSense supply = VoltageSense.Open(adc, c.GetInt(TrackerSetting.HwSupplyAdcPin), SenseDivider.ReferenceSupply);
            VoltageSense backup = VoltageSense.Open(adc, c.GetInt(TrackerSetting.HwBackupAdcPin), SenseDivider.ReferenceBackup);
            DeviceLog.Info("power", String.Concat("12 V sense ", supply.IsWired ? "on ADC1" : "not wired (unknown)", ", backup-cell sense ", backup.IsWired ? "on ADC1" : "not wired (unknown)"));
            ReleaseGnssReset(gpio, c.GetInt(TrackerSetting.HwGnssResetPin));
            SoftwareWatchdog watchdog = new SoftwareWatchdog(WatchdogTimeoutMs);
            int mainChannel = watchdog.Register("main");

            // The FixLog keeps its own adapter (it holds open streams, used under the FixLog's lock from two threads);
            // the Control stage's, on the main thread only, is 'flash'.
            FixLog log = FixLog.Open(new DirectoryFlashFileSystem(), FixLogDirectory, FixLogOptions.ForCapacity(c.FixLogCapacityBytes));
            DeviceLog.Info("boot", String.Concat(new string[]
            {
                "car ", c.CarId, "; FixLog ", log.PendingCount.ToString(), " fixes pending in ", log.SegmentCount.ToString(), " segments (", log.UsedBytes.ToString(), " bytes)",
            }));

            SerialPort gnssPort = UartPorts.Open(c.GetChoice(TrackerSetting.HwGnssPort), c.GetInt(TrackerSetting.HwGnssRxPin), c.GetInt(TrackerSetting.HwGnssTxPin), c.GetInt(TrackerSetting.HwGnssBaud));
            FixRecorder recorder = new FixRecorder(new ReportPolicy(c.Report), log, clock);
            GnssReader gnss = new GnssReader(gnssPort, recorder, clock, ticks, status, watchdog);

            ModemCertificates certificates = new ModemCertificates(files.CaPem, files.CertificatePem, files.KeyPem);
            Sim7080Modem? modem = null;
            IMqttLink link;
            if (c.UsesWifi)
            {
                link = new M2MqttLink(c.MqttEndpoint, c.MqttPort, Text(files.CaPem), Text(files.CertificatePem), Text(files.KeyPem), c.Uplink.MaxInFlight);
                DeviceLog.Info("boot", String.Concat("uplink over Wi-Fi '", c.WifiSsid!, "' to ", c.MqttEndpoint));
            }
            else
            {
                modem = ModemStart.Create(gpio, c, ticks);
                link = new Sim7080MqttLink(modem, certificates, clock);
                DeviceLog.Info("boot", String.Concat("uplink over the SIM7080G (APN '", c.Apn ?? string.Empty, "') to ", c.MqttEndpoint));
            }

            // The Control stage between the engine and the link: shadow deltas and job messages are taken out of the
            // engine's stream, and their replies published on the same connection (ControlLink, UpdateAgent).
            ControlLink control = new ControlLink(link, remote, c.CarId);
            IUpdateTransport transport = modem != null ? (IUpdateTransport)new ModemUpdateTransport(modem) : new WifiUpdateTransport(Text(files.CaPem));
            UpdateAgent? agent = StartAgent(control, c.CarId, flash, files.CodeSigningKey, transport, running);
            CarControl car = new CarControl(control, agent, new SafeRestart(), ticks.NowMs, HealthWindow.DefaultWindowMs);
            if (car.OnTrial)
            {
                DeviceLog.Info("update", String.Concat("version ", running, " on trial: it must read a GNSS fix and connect the uplink within ", (HealthWindow.DefaultWindowMs / 60000).ToString(), " minutes"));
            }
            else if (car.WaitingForLoader)
            {
                DeviceLog.Error("update", car.Reason);
            }

            IMqttLink outer = car.Outermost(link);
            uint seed = Seed(c.CarId, ticks.NowMs);
            UplinkEngine engine = new UplinkEngine(outer, log, clock, status, c.Uplink, seed);
            watchdog.Start();
            gnss.Start();
            led.Show(LedPattern.NoFix);

            bool wifiUp = false;
            long lastWifiTry = -WifiRetryMs;
            long lastModemClockTry = ModemClockFirstMs - ModemClockEveryMs;
            long lastStats = ticks.NowMs;
            long lastSense = -SenseEveryMs;
            int loopErrors = 0;
            while (true)
            {
                watchdog.Kick(mainChannel);
                long now = ticks.NowMs;
                status.Ignition = ignition.Read();
                if (now - lastSense >= SenseEveryMs)
                {
                    lastSense = now;
                    status.SupplyMillivolts = supply.ReadMillivolts();
                    status.BackupMillivolts = backup.ReadMillivolts();
                }
                if (modem != null)
                {
                    status.SignalDbm = modem.SignalDbm;
                }

                if (c.UsesWifi && !wifiUp && now - lastWifiTry >= WifiRetryMs)
                {
                    lastWifiTry = now;
                    wifiUp = WifiBearer.TryConnect(c.WifiSsid!, c.WifiPassword ?? string.Empty, WifiJoinTimeoutMs);
                    now = ticks.NowMs;
                }

                if (modem != null && !clock.IsValid && now - lastModemClockTry >= ModemClockEveryMs)
                {
                    lastModemClockTry = now;
                    ClockFromModem(modem, certificates, clock);
                    now = ticks.NowMs;
                }

                try
                {
                    engine.Tick(now);
                }
                catch (Exception e)
                {
                    // The engine and the links report failures as values; an exception here is a
                    // bug. Log it and keep going: the watchdog covers a loop that stops.
                    loopErrors++;
                    if (loopErrors == 1 || loopErrors % 100 == 0)
                    {
                        DeviceLog.Error("uplink", String.Concat("tick failed (", loopErrors.ToString(), " so far): ", e.Message));
                    }
                }

                ControlAction action = ControlAction.None;
                try
                {
                    action = car.Step(now, status.LastFixTickMs >= 0, engine.State == UplinkState.Connected, status.Ignition == IgnitionState.On,
                        status.IsMoving, log.PendingCount, engine.MessagesInFlight);
                }
                catch (Exception e)
                {
                    // As the engine's tick: a bug, logged; the watchdog covers a loop that stops.
                    loopErrors++;
                    DeviceLog.Error("control", String.Concat("pass failed: ", e.Message));
                }

                if (car.Reason.Length > 0)
                {
                    DeviceLog.Info("control", car.Reason);
                }

                if (action == ControlAction.Reboot)
                {
                    // Into a staged update, out of a version that did not confirm (the loader counts the attempt), or for
                    // restart keys at a safe moment. Every fix appended is on flash already.
                    outer.Disconnect();
                    Power.RebootDevice(RebootOption.NormalReboot);
                }

                if (action == ControlAction.ConfigChanged && remote.Result.IsOk)
                {
                    // Live keys at once: the report policy and the uplink are rebuilt between two passes; the link
                    // reconnects, and what was in flight is sent again from the FixLog.
                    TrackerConfig next = remote.Result.Config!;
                    M2MqttLink? wifi = link as M2MqttLink;
                    if (wifi != null)
                    {
                        // M2Mqtt's own queue takes uplink.maxInFlight at the reconnect below (a new client).
                        wifi.MaxInFlight = next.Uplink.MaxInFlight;
                    }

                    gnss.Replace(new FixRecorder(new ReportPolicy(next.Report), log, clock));
                    outer.Disconnect();
                    engine = new UplinkEngine(outer, log, clock, status, next.Uplink, seed);
                    DeviceLog.Info("config", String.Concat("live change applied: shadow version ", remote.AppliedVersion.ToString()));
                }

                led.Show(Pattern(status, engine, now));
                if (now - lastStats >= StatsEveryMs)
                {
                    lastStats = now;
                    LogStats(engine, log, modem);
                    LogControl(control, agent);
                }

                Thread.Sleep(LoopMs);
            }
        }

        private static LedPattern Pattern(StatusBoard status, UplinkEngine engine, long now)
        {
            long lastFix = status.LastFixTickMs;
            if (lastFix < 0 || now - lastFix > FixFreshMs)
            {
                return LedPattern.NoFix;
            }

            return engine.State == UplinkState.Connected ? LedPattern.Ok : LedPattern.NoLink;
        }

        /// <summary>
        /// No GNSS fix yet, so no calendar time for TLS: ask the network through the modem
        /// (<c>AT+CCLK?</c>, synchronised by <c>AT+CLTS</c>). The same certificates as the link's,
        /// so the bring-up here and the link's later one agree on what is on the modem.
        /// </summary>
        private static void ClockFromModem(Sim7080Modem modem, ModemCertificates certificates, CalendarClock clock)
        {
            ModemResult r = modem.BringUp(certificates, null);
            long utcMs;
            if (r == ModemResult.Ok && modem.ReadNetworkTime(out utcMs) == ModemResult.Ok)
            {
                if (clock.Offer(utcMs, TimeSource.Network))
                {
                    DeviceLog.Info("clock", String.Concat("set from the network to ", DateTime.UtcNow.ToString("o")));
                }

                return;
            }

            DeviceLog.Info("clock", String.Concat("no GNSS fix and no network time yet (", modem.LastFailure, ")"));
        }

        private static void LogStats(UplinkEngine engine, FixLog log, Sim7080Modem? modem)
        {
            UplinkCounters u = engine.Counters;
            DeviceLog.Info("uplink", String.Concat(new string[]
            {
                "state ", StateName(engine.State),
                ", delivered ", u.FixMessagesDelivered.ToString(), "/", u.FixMessages.ToString(), " messages",
                ", fixes committed ", u.FixesCommitted.ToString(),
                ", connects ", u.ConnectAttempts.ToString(), " (", u.ConnectFailures.ToString(), " failed)",
                ", pending ", log.PendingCount.ToString(),
                ", evicted ", log.Evictions.ToString(),
                modem != null && modem.LastFailure.Length > 0 ? ", modem: " + modem.LastFailure : string.Empty,
            }));
        }

        private static UpdateAgent? StartAgent(ControlLink control, string carId, DirectoryFlashFileSystem flash, byte[]? key, IUpdateTransport transport, string running)
        {
            if (key == null)
            {
                DeviceLog.Info("update", String.Concat("no ", DeviceFiles.CodeSigningKeyPath, ": this car takes no application updates"));
                return null;
            }

            try
            {
                UpdateAgent agent = new UpdateAgent(control, carId, flash, UpdateDirectory, key, transport, running);
                DeviceLog.Info("update", String.Concat("running ", running, "; update agent ", PhaseName(agent.Phase)));
                return agent;
            }
            catch (Exception e)
            {
                // Only a flash the adapter cannot use gets here; the car runs on without updates rather than not at all.
                DeviceLog.Error("update", String.Concat("the update agent cannot start: ", e.Message));
                return null;
            }
        }

        private static void LogControl(ControlLink control, UpdateAgent? agent)
        {
            DeviceLog.Info("control", String.Concat(new string[]
            {
                "shadow: applied ", control.Applied.ToString(), ", refused ", control.Refused.ToString(), ", reports ", control.ReportsDelivered.ToString(),
                agent == null ? string.Empty : String.Concat("; update: ", PhaseName(agent.Phase), " ", agent.JobId, ", ", agent.DownloadedBytes.ToString(), " bytes, ",
                    agent.Interruptions.ToString(), " cuts", agent.LastReason.Length > 0 ? ", last " + agent.LastReason : string.Empty),
            }));
        }

        private static string PhaseName(UpdatePhase phase)
        {
            switch (phase)
            {
                case UpdatePhase.Idle:
                    return "idle";
                case UpdatePhase.Downloading:
                    return "downloading";
                case UpdatePhase.Switching:
                    return "switching";
                case UpdatePhase.Confirming:
                    return "confirming";
                default:
                    return "reporting";
            }
        }

        private static string StateName(UplinkState state)
        {
            switch (state)
            {
                case UplinkState.Connected:
                    return "connected";
                case UplinkState.Backoff:
                    return "backoff";
                default:
                    return "waiting for clock";
            }
        }

        private static void ReleaseGnssReset(GpioController gpio, int pin)
        {
            if (pin >= 0)
            {
                // Open drain, released: the receiver runs. Firmware v1 never resets it.
                gpio.OpenPin(pin, PinMode.OutputOpenDrain).Write(PinValue.High);
            }
        }

        private static AdcController? OpenAdc()
        {
            try
            {
                return new AdcController();
            }
            catch (Exception e)
            {
                DeviceLog.Info("power", String.Concat("no ADC (", e.Message, "): supply and backup voltages reported unknown"));
                return null;
            }
        }

        private static uint Seed(string carId, long tickMs)
        {
            // Jitter must differ between cars that lose the broker at the same moment.
            byte[] id = Encoding.UTF8.GetBytes(carId);
            return Crc32.Compute(id, 0, id.Length) ^ (uint)tickMs;
        }

        private static string Text(byte[] pem)
        {
            return Encoding.UTF8.GetString(pem, 0, pem.Length);
        }

        private static void Idle(StatusLed led, string reason)
        {
            _failedStamp = DeviceFiles.Stamp();
            SafeIdle.Enter(led, reason, FilesFixed);
        }

        private static bool FilesFixed()
        {
            // Restart only when the files changed since the failure and now load, so a failure that
            // loading cannot see (a bad key, a wrong pin) never turns into a reboot loop.
            if (DeviceFiles.Stamp() == _failedStamp)
            {
                return false;
            }

            DeviceFiles? files;
            string error;
            return DeviceFiles.TryLoad(out files, out error);
        }
    }
}
