using Tracker.Core.Uplink;

namespace Tracker.Core.Config
{
    /// <summary>
    /// One key of the tracker's config file (<c>I:\tracker.conf</c>): its name, kind, default, range
    /// and rule. Every key is declared here, once, as a static field, in file order; the loader, the
    /// validation and <c>TrackerConfig</c> read these declarations, and Config/README.md has
    /// the same table. The <c>report.*</c> keys are declared in <see cref="Reporting.ReportSetting"/>.
    /// </summary>
    /// <remarks>
    /// The hw.* defaults are the reference board's pin map (hardware/pinmap.json, board
    /// icar-tracker-ref-a); a test keeps the two in step.
    /// </remarks>
    public sealed class TrackerSetting
    {
        /// <summary>Marks an integer setting that is not set and has no default.</summary>
        public const int NotSet = int.MinValue;

        // Assigned by the constructor in declaration order (static fields initialise in textual order).
        private static int _nextIndex;

        /// <summary>car.id (required, 1..128 chars): the car id: the MQTT client id, the AWS IoT thing name and the middle of every topic (tracker/{car}/...).</summary>
        public static readonly TrackerSetting CarId =
            new TrackerSetting("car.id", SettingKind.Text, SettingRequirement.Required, NotSet, 1, 128, "chars", TextRule.ThingName, null, false);

        /// <summary>mqtt.endpoint (required, 1..253 chars): the broker's host name (the AWS IoT Core ATS endpoint, xxxxxxxx-ats.iot.region.amazonaws.com). No default.</summary>
        public static readonly TrackerSetting MqttEndpoint =
            new TrackerSetting("mqtt.endpoint", SettingKind.Text, SettingRequirement.Required, NotSet, 1, 253, "chars", TextRule.HostName, null, false);

        /// <summary>mqtt.port (default 8883, 1..65535): the broker's TLS port (8883, MQTT over TLS; AWS IoT Core also listens on 443 with ALPN).</summary>
        public static readonly TrackerSetting MqttPort =
            new TrackerSetting("mqtt.port", SettingKind.Integer, SettingRequirement.Default, 8883, 1, 65535, "", TextRule.None, null, false);

        /// <summary>mqtt.ingestRule (optional, no default, 1..128 chars): when set, fixes go to the Basic Ingest topic $aws/rules/{rule}/tracker/{car}/fixes, which skips the broker's messaging charge; status stays on tracker/{car}/status.</summary>
        public static readonly TrackerSetting MqttIngestRule =
            new TrackerSetting("mqtt.ingestRule", SettingKind.Text, SettingRequirement.Optional, NotSet, 1, 128, "chars", TextRule.RuleName, null, false);

        /// <summary>mqtt.keepAliveS (default 300, 30..1200 s): MQTT keep-alive (AWS IoT Core accepts 30 to 1200 s); each PINGREQ/PINGRESP costs a TLS record each way.</summary>
        public static readonly TrackerSetting MqttKeepAliveS =
            new TrackerSetting("mqtt.keepAliveS", SettingKind.Integer, SettingRequirement.Default, UplinkOptions.DefaultKeepAliveS, 30, 1200, "s", TextRule.None, null, false);

        /// <summary>tls.caFile (required, 1..20 chars): file on I: holding the broker's root CA (PEM). At most 20 characters: the SIM7080G's AT+SMSSL limit.</summary>
        public static readonly TrackerSetting TlsCaFile =
            new TrackerSetting("tls.caFile", SettingKind.Text, SettingRequirement.Required, NotSet, 1, 20, "chars", TextRule.FileName, null, false);

        /// <summary>tls.certFile (required, 1..20 chars): file on I: holding the device certificate (PEM).</summary>
        public static readonly TrackerSetting TlsCertFile =
            new TrackerSetting("tls.certFile", SettingKind.Text, SettingRequirement.Required, NotSet, 1, 20, "chars", TextRule.FileName, null, false);

        /// <summary>tls.keyFile (required, 1..20 chars): file on I: holding the device private key (PEM).</summary>
        public static readonly TrackerSetting TlsKeyFile =
            new TrackerSetting("tls.keyFile", SettingKind.Text, SettingRequirement.Required, NotSet, 1, 20, "chars", TextRule.FileName, null, false);

        /// <summary>cell.apn (optional, no default, 0..63 chars): the cellular APN; required unless wifi.ssid is set. Write "" to let the network assign its default APN.</summary>
        public static readonly TrackerSetting CellApn =
            new TrackerSetting("cell.apn", SettingKind.Text, SettingRequirement.Optional, NotSet, 0, 63, "chars", TextRule.AtText, null, false);

        /// <summary>cell.user (optional, no default, 0..64 chars): APN user name, when the carrier needs one.</summary>
        public static readonly TrackerSetting CellUser =
            new TrackerSetting("cell.user", SettingKind.Text, SettingRequirement.Optional, NotSet, 0, 64, "chars", TextRule.AtText, null, false);

        /// <summary>cell.password (optional, no default, 0..64 chars): APN password, when the carrier needs one.</summary>
        public static readonly TrackerSetting CellPassword =
            new TrackerSetting("cell.password", SettingKind.Text, SettingRequirement.Optional, NotSet, 0, 64, "chars", TextRule.AtText, null, false);

        /// <summary>cell.rat (default ltem, ltem|nbiot|both): radio access: ltem (Cat-M1, default: it hands over between cells while connected, which a moving car needs), nbiot, or both.</summary>
        public static readonly TrackerSetting CellRat =
            new TrackerSetting("cell.rat", SettingKind.Choice, SettingRequirement.Default, 0, 0, 2, "", TextRule.None, new string[] { "ltem", "nbiot", "both" }, false);

        /// <summary>cell.simPin (optional, no default, 4..8 digits): the SIM's PIN, when it has one (4 to 8 digits).</summary>
        public static readonly TrackerSetting CellSimPin =
            new TrackerSetting("cell.simPin", SettingKind.Text, SettingRequirement.Optional, NotSet, 4, 8, "digits", TextRule.Digits, null, false);

        /// <summary>wifi.ssid (optional, no default, 1..32 bytes): when set, the uplink runs over Wi-Fi (bench, depot) instead of the modem. At most 32 bytes (IEEE 802.11).</summary>
        public static readonly TrackerSetting WifiSsid =
            new TrackerSetting("wifi.ssid", SettingKind.Text, SettingRequirement.Optional, NotSet, 1, 32, "bytes", TextRule.Utf8, null, false);

        /// <summary>wifi.password (optional, no default, 0..63 bytes): the WPA2 passphrase (8 to 63 characters), or "" for an open network; needs wifi.ssid.</summary>
        public static readonly TrackerSetting WifiPassword =
            new TrackerSetting("wifi.password", SettingKind.Text, SettingRequirement.Optional, NotSet, 0, 63, "bytes", TextRule.Utf8, null, false);

        /// <summary>uplink.normalPeriodS (default 300, 1..86400 s): while not live, a recorded fix waits at most this long after the previous batch started (unless a batch fills first).</summary>
        public static readonly TrackerSetting UplinkNormalPeriodS =
            new TrackerSetting("uplink.normalPeriodS", SettingKind.Integer, SettingRequirement.Default, UplinkOptions.DefaultNormalPeriodMs / 1000, 1, 86400, "s", TextRule.None, null, false);

        /// <summary>uplink.livePeriodS (default 5, 1..3600 s): the same while live (watched, or moving); at most uplink.normalPeriodS.</summary>
        public static readonly TrackerSetting UplinkLivePeriodS =
            new TrackerSetting("uplink.livePeriodS", SettingKind.Integer, SettingRequirement.Default, UplinkOptions.DefaultLivePeriodMs / 1000, 1, 3600, "s", TextRule.None, null, false);

        /// <summary>uplink.liveWhenMoving (default true, false|true): true: a car in the moving profile is live even when nobody watches it.</summary>
        public static readonly TrackerSetting UplinkLiveWhenMoving =
            new TrackerSetting("uplink.liveWhenMoving", SettingKind.Choice, SettingRequirement.Default, 1, 0, 1, "", TextRule.None, new string[] { "false", "true" }, false);

        /// <summary>uplink.maxWatchS (default 3600, 1..86400 s): longest watch one control message on tracker/{car}/live can ask for.</summary>
        public static readonly TrackerSetting UplinkMaxWatchS =
            new TrackerSetting("uplink.maxWatchS", SettingKind.Integer, SettingRequirement.Default, UplinkOptions.DefaultMaxWatchMs / 1000, 1, 86400, "s", TextRule.None, null, false);

        /// <summary>uplink.statusPeriodS (default 900, 60..86400 s): a status message at least this often (and on connect and ignition changes).</summary>
        public static readonly TrackerSetting UplinkStatusPeriodS =
            new TrackerSetting("uplink.statusPeriodS", SettingKind.Integer, SettingRequirement.Default, UplinkOptions.DefaultStatusPeriodMs / 1000, 60, 86400, "s", TextRule.None, null, false);

        /// <summary>uplink.maxInFlight (default 4, 1..8 messages): messages published and not yet acknowledged, status included (each batch in flight reserves up to two of the FixLog's 32 committed ranges).</summary>
        public static readonly TrackerSetting UplinkMaxInFlight =
            new TrackerSetting("uplink.maxInFlight", SettingKind.Integer, SettingRequirement.Default, UplinkOptions.DefaultMaxInFlight, 1, 8, "messages", TextRule.None, null, false);

        /// <summary>uplink.batchFixes (default 100, 1..1000 fixes): fixes taken from the log per batch; a full batch is sent at once.</summary>
        public static readonly TrackerSetting UplinkBatchFixes =
            new TrackerSetting("uplink.batchFixes", SettingKind.Integer, SettingRequirement.Default, UplinkOptions.DefaultMaxFixesPerBatch, 1, 1000, "fixes", TextRule.None, null, false);

        /// <summary>uplink.maxMessageBytes (default 1024, 235..96000 bytes): largest fix message; at most 1024 over the modem (AT+SMPUB), up to 96000 over Wi-Fi (BatchFormat.MaxBatchBytes: 128 KB in AWS IoT Core once republished as base64).</summary>
        public static readonly TrackerSetting UplinkMaxMessageBytes =
            new TrackerSetting("uplink.maxMessageBytes", SettingKind.Integer, SettingRequirement.Default, UplinkOptions.DefaultMaxMessageBytes, 235, 96000, "bytes", TextRule.None, null, false);

        /// <summary>uplink.ackTimeoutS (default 60, 1..600 s): a message unacknowledged this long means the connection is dead; it is closed and opened again.</summary>
        public static readonly TrackerSetting UplinkAckTimeoutS =
            new TrackerSetting("uplink.ackTimeoutS", SettingKind.Integer, SettingRequirement.Default, UplinkOptions.DefaultAckTimeoutMs / 1000, 1, 600, "s", TextRule.None, null, false);

        /// <summary>uplink.backoffBaseS (default 2, 1..600 s): first reconnect window; each failed attempt doubles it (the wait is random in [window/2, window]).</summary>
        public static readonly TrackerSetting UplinkBackoffBaseS =
            new TrackerSetting("uplink.backoffBaseS", SettingKind.Integer, SettingRequirement.Default, UplinkOptions.DefaultBackoffBaseMs / 1000, 1, 600, "s", TextRule.None, null, false);

        /// <summary>uplink.backoffCapS (default 300, 1..3600 s): largest reconnect window; at least uplink.backoffBaseS.</summary>
        public static readonly TrackerSetting UplinkBackoffCapS =
            new TrackerSetting("uplink.backoffCapS", SettingKind.Integer, SettingRequirement.Default, UplinkOptions.DefaultBackoffCapMs / 1000, 1, 3600, "s", TextRule.None, null, false);

        /// <summary>fixlog.capacityBytes (default 2500000, 65536..16777216 bytes): flash the store-and-forward log may use on I: (about 2.5 MB of the 3 MB partition on 16 MB flash; about 160 KB on 4 MB flash).</summary>
        public static readonly TrackerSetting FixLogCapacityBytes =
            new TrackerSetting("fixlog.capacityBytes", SettingKind.Integer, SettingRequirement.Default, 2500000, 65536, 16777216, "bytes", TextRule.None, null, false);

        /// <summary>hw.modem.port (default COM2, COM1|COM2|COM3): the modem's UART (COMn is UART n-1; COM1 is the debugger's).</summary>
        public static readonly TrackerSetting HwModemPort =
            new TrackerSetting("hw.modem.port", SettingKind.Choice, SettingRequirement.Default, 1, 0, 2, "", TextRule.None, new string[] { "COM1", "COM2", "COM3" }, false);

        /// <summary>hw.modem.baud (default 115200, 9600..921600 baud): the modem UART's baud rate.</summary>
        public static readonly TrackerSetting HwModemBaud =
            new TrackerSetting("hw.modem.baud", SettingKind.Integer, SettingRequirement.Default, 115200, 9600, 921600, "baud", TextRule.None, null, false);

        /// <summary>hw.modem.rxPin (default 4, 0..48 GPIO): ESP32 RX from the modem's TXD.</summary>
        public static readonly TrackerSetting HwModemRxPin =
            new TrackerSetting("hw.modem.rxPin", SettingKind.Integer, SettingRequirement.Default, 4, 0, 48, "GPIO", TextRule.None, null, true);

        /// <summary>hw.modem.txPin (default 5, 0..48 GPIO): ESP32 TX to the modem's RXD.</summary>
        public static readonly TrackerSetting HwModemTxPin =
            new TrackerSetting("hw.modem.txPin", SettingKind.Integer, SettingRequirement.Default, 5, 0, 48, "GPIO", TextRule.None, null, true);

        /// <summary>hw.modem.pwrkeyPin (default 41, 0..48 GPIO): drives the modem's PWRKEY.</summary>
        public static readonly TrackerSetting HwModemPwrkeyPin =
            new TrackerSetting("hw.modem.pwrkeyPin", SettingKind.Integer, SettingRequirement.Default, 41, 0, 48, "GPIO", TextRule.None, null, true);

        /// <summary>hw.modem.pwrkeyActiveHigh (default true, false|true): true when a high GPIO pulls PWRKEY low (through a transistor).</summary>
        public static readonly TrackerSetting HwModemPwrkeyActiveHigh =
            new TrackerSetting("hw.modem.pwrkeyActiveHigh", SettingKind.Choice, SettingRequirement.Default, 1, 0, 1, "", TextRule.None, new string[] { "false", "true" }, false);

        /// <summary>hw.modem.powerPin (default 7, -1..48 GPIO): enables the modem's supply, so a hung modem can be power-cycled; -1 for none.</summary>
        public static readonly TrackerSetting HwModemPowerPin =
            new TrackerSetting("hw.modem.powerPin", SettingKind.Integer, SettingRequirement.Default, 7, -1, 48, "GPIO", TextRule.None, null, true);

        /// <summary>hw.modem.dtrPin (default 42, -1..48 GPIO): the modem's DTR; -1 for none.</summary>
        public static readonly TrackerSetting HwModemDtrPin =
            new TrackerSetting("hw.modem.dtrPin", SettingKind.Integer, SettingRequirement.Default, 42, -1, 48, "GPIO", TextRule.None, null, true);

        /// <summary>hw.modem.riPin (default 6, -1..48 GPIO): the modem's RI; -1 for none.</summary>
        public static readonly TrackerSetting HwModemRiPin =
            new TrackerSetting("hw.modem.riPin", SettingKind.Integer, SettingRequirement.Default, 6, -1, 48, "GPIO", TextRule.None, null, true);

        /// <summary>hw.gnss.port (default COM3, COM1|COM2|COM3): the GNSS receiver's UART.</summary>
        public static readonly TrackerSetting HwGnssPort =
            new TrackerSetting("hw.gnss.port", SettingKind.Choice, SettingRequirement.Default, 2, 0, 2, "", TextRule.None, new string[] { "COM1", "COM2", "COM3" }, false);

        /// <summary>hw.gnss.baud (default 9600, 4800..921600 baud): the GNSS UART's baud rate (9600 is the u-blox default).</summary>
        public static readonly TrackerSetting HwGnssBaud =
            new TrackerSetting("hw.gnss.baud", SettingKind.Integer, SettingRequirement.Default, 9600, 4800, 921600, "baud", TextRule.None, null, false);

        /// <summary>hw.gnss.rxPin (default 17, 0..48 GPIO): ESP32 RX from the receiver's TXD (also the bench replay's tap).</summary>
        public static readonly TrackerSetting HwGnssRxPin =
            new TrackerSetting("hw.gnss.rxPin", SettingKind.Integer, SettingRequirement.Default, 17, 0, 48, "GPIO", TextRule.None, null, true);

        /// <summary>hw.gnss.txPin (default 18, -1..48 GPIO): ESP32 TX to the receiver's RXD; -1 for none.</summary>
        public static readonly TrackerSetting HwGnssTxPin =
            new TrackerSetting("hw.gnss.txPin", SettingKind.Integer, SettingRequirement.Default, 18, -1, 48, "GPIO", TextRule.None, null, true);

        /// <summary>hw.gnss.resetPin (default 8, -1..48 GPIO): the receiver's RESET_N; -1 for none.</summary>
        public static readonly TrackerSetting HwGnssResetPin =
            new TrackerSetting("hw.gnss.resetPin", SettingKind.Integer, SettingRequirement.Default, 8, -1, 48, "GPIO", TextRule.None, null, true);

        /// <summary>hw.gnss.ppsPin (default 9, -1..48 GPIO): the receiver's time pulse; -1 for none.</summary>
        public static readonly TrackerSetting HwGnssPpsPin =
            new TrackerSetting("hw.gnss.ppsPin", SettingKind.Integer, SettingRequirement.Default, 9, -1, 48, "GPIO", TextRule.None, null, true);

        /// <summary>hw.ignition.pin (default 10, -1..48 GPIO): the ignition-sense input; -1 when not wired (status reports ignition unknown).</summary>
        public static readonly TrackerSetting HwIgnitionPin =
            new TrackerSetting("hw.ignition.pin", SettingKind.Integer, SettingRequirement.Default, 10, -1, 48, "GPIO", TextRule.None, null, true);

        /// <summary>hw.ignition.activeHigh (default false, false|true): true when the input reads high with the ignition on.</summary>
        public static readonly TrackerSetting HwIgnitionActiveHigh =
            new TrackerSetting("hw.ignition.activeHigh", SettingKind.Choice, SettingRequirement.Default, 0, 0, 1, "", TextRule.None, new string[] { "false", "true" }, false);

        /// <summary>hw.led.pin (default 21, -1..48 GPIO): the status LED; -1 for none.</summary>
        public static readonly TrackerSetting HwLedPin =
            new TrackerSetting("hw.led.pin", SettingKind.Integer, SettingRequirement.Default, 21, -1, 48, "GPIO", TextRule.None, null, true);

        /// <summary>hw.charger.statusPin (default 11, -1..48 GPIO): the backup-cell charger's status output; -1 for none.</summary>
        public static readonly TrackerSetting HwChargerStatusPin =
            new TrackerSetting("hw.charger.statusPin", SettingKind.Integer, SettingRequirement.Default, 11, -1, 48, "GPIO", TextRule.None, null, true);

        /// <summary>hw.supply.adcPin (default 1, -1..48 GPIO): the ADC input sensing the supply voltage; -1 for none (status reports power unknown).</summary>
        public static readonly TrackerSetting HwSupplyAdcPin =
            new TrackerSetting("hw.supply.adcPin", SettingKind.Integer, SettingRequirement.Default, 1, -1, 48, "GPIO", TextRule.None, null, true);

        /// <summary>hw.backup.adcPin (default 2, -1..48 GPIO): the ADC input sensing the backup cell; -1 for none.</summary>
        public static readonly TrackerSetting HwBackupAdcPin =
            new TrackerSetting("hw.backup.adcPin", SettingKind.Integer, SettingRequirement.Default, 2, -1, 48, "GPIO", TextRule.None, null, true);

        // In Index order.
        private static readonly TrackerSetting[] _all = new TrackerSetting[]
        {
            CarId,
            MqttEndpoint,
            MqttPort,
            MqttIngestRule,
            MqttKeepAliveS,
            TlsCaFile,
            TlsCertFile,
            TlsKeyFile,
            CellApn,
            CellUser,
            CellPassword,
            CellRat,
            CellSimPin,
            WifiSsid,
            WifiPassword,
            UplinkNormalPeriodS,
            UplinkLivePeriodS,
            UplinkLiveWhenMoving,
            UplinkMaxWatchS,
            UplinkStatusPeriodS,
            UplinkMaxInFlight,
            UplinkBatchFixes,
            UplinkMaxMessageBytes,
            UplinkAckTimeoutS,
            UplinkBackoffBaseS,
            UplinkBackoffCapS,
            FixLogCapacityBytes,
            HwModemPort,
            HwModemBaud,
            HwModemRxPin,
            HwModemTxPin,
            HwModemPwrkeyPin,
            HwModemPwrkeyActiveHigh,
            HwModemPowerPin,
            HwModemDtrPin,
            HwModemRiPin,
            HwGnssPort,
            HwGnssBaud,
            HwGnssRxPin,
            HwGnssTxPin,
            HwGnssResetPin,
            HwGnssPpsPin,
            HwIgnitionPin,
            HwIgnitionActiveHigh,
            HwLedPin,
            HwChargerStatusPin,
            HwSupplyAdcPin,
            HwBackupAdcPin,
        };

        private TrackerSetting(string key, SettingKind kind, SettingRequirement requirement, int defaultValue, int min, int max, string unit, TextRule rule, string[]? choices, bool isPin)
        {
            Index = _nextIndex++;
            Key = key;
            Kind = kind;
            Requirement = requirement;
            Default = defaultValue;
            Min = min;
            Max = max;
            Unit = unit;
            Rule = rule;
            Choices = choices;
            IsPin = isPin;
        }

        /// <summary>How many keys there are; <see cref="Index"/> runs from 0 to Count - 1.</summary>
        public static int Count
        {
            get { return _all.Length; }
        }

        /// <summary>Position in file order (0 to <see cref="Count"/> - 1).</summary>
        public int Index { get; }

        /// <summary>The key as written in the file, e.g. <c>mqtt.endpoint</c>.</summary>
        public string Key { get; }

        /// <summary>Number, text or choice.</summary>
        public SettingKind Kind { get; }

        /// <summary>Whether the file must set it, may leave it unset, or leaves it at its default.</summary>
        public SettingRequirement Requirement { get; }

        /// <summary>
        /// The value taken when the file omits the key: a number, or the position of a choice;
        /// <see cref="NotSet"/> for text settings and settings without a default.
        /// </summary>
        public int Default { get; }

        /// <summary>Smallest number, or shortest text (UTF-8 bytes for <see cref="TextRule.Utf8"/>, characters otherwise).</summary>
        public int Min { get; }

        /// <summary>Largest number, or longest text.</summary>
        public int Max { get; }

        /// <summary>The unit, for messages and the README (s, bytes, GPIO...).</summary>
        public string Unit { get; }

        /// <summary>The characters a text setting may hold.</summary>
        public TextRule Rule { get; }

        /// <summary>The values of a choice setting, or null.</summary>
        public string[]? Choices { get; }

        /// <summary>True for a GPIO number: it must exist on the ESP32-S3 (0 to 21, 26 to 48), and no two pins may be the same; -1 means not connected where the range allows it.</summary>
        public bool IsPin { get; }

        /// <summary>The setting with the given index.</summary>
        /// <param name="index">0 to <see cref="Count"/> - 1.</param>
        /// <returns>The setting.</returns>
        public static TrackerSetting At(int index)
        {
            if (index < 0 || index >= _all.Length)
            {
                throw new System.ArgumentOutOfRangeException(nameof(index));
            }

            return _all[index];
        }

        /// <summary>Finds a setting by its exact (case-sensitive) key.</summary>
        /// <param name="key">The key as written in the file.</param>
        /// <returns>The index, or -1 when no setting has that key.</returns>
        public static int IndexOf(string key)
        {
            for (int i = 0; i < _all.Length; i++)
            {
                if (_all[i].Key == key)
                {
                    return i;
                }
            }

            return -1;
        }

        /// <summary>The position of <paramref name="value"/> among <see cref="Choices"/>, or -1.</summary>
        /// <param name="value">The text from the file.</param>
        /// <returns>The position, or -1.</returns>
        public int ChoiceIndex(string value)
        {
            if (Choices == null)
            {
                return -1;
            }

            for (int i = 0; i < Choices.Length; i++)
            {
                if (Choices[i] == value)
                {
                    return i;
                }
            }

            return -1;
        }
    }
}
