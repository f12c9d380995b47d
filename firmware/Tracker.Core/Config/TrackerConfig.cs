using Tracker.Core.Modem;
using Tracker.Core.Reporting;
using Tracker.Core.Uplink;

namespace Tracker.Core.Config
{
    /// <summary>
    /// The tracker's validated configuration, from its one config file (<c>I:\tracker.conf</c>, see
    /// Config/README.md). Immutable. Built only by <see cref="TrackerConfigLoader.Load"/>, so every
    /// value here passed its range, its character rule and the rules between keys.
    /// </summary>
    public sealed class TrackerConfig
    {
        private readonly int[] _numbers;
        private readonly string?[] _texts;
        private readonly int[] _lines;

        internal TrackerConfig(int[] numbers, string?[] texts, int[] lines, ReportConfig report, UplinkTopics topics, UplinkOptions uplink)
        {
            _numbers = numbers;
            _texts = texts;
            _lines = lines;
            Report = report;
            Topics = topics;
            Uplink = uplink;
        }

        /// <summary>The report policy's settings (the report.* keys).</summary>
        public ReportConfig Report { get; }

        /// <summary>The car's MQTT topics (from car.id and mqtt.ingestRule).</summary>
        public UplinkTopics Topics { get; }

        /// <summary>The uplink's options (the uplink.* keys, mqtt.keepAliveS and the topics).</summary>
        public UplinkOptions Uplink { get; }

        /// <summary>car.id: the MQTT client id and AWS IoT thing name.</summary>
        public string CarId
        {
            get { return _texts[TrackerSetting.CarId.Index]!; }
        }

        /// <summary>mqtt.endpoint: the broker's host name.</summary>
        public string MqttEndpoint
        {
            get { return _texts[TrackerSetting.MqttEndpoint.Index]!; }
        }

        /// <summary>mqtt.port.</summary>
        public int MqttPort
        {
            get { return _numbers[TrackerSetting.MqttPort.Index]; }
        }

        /// <summary>mqtt.ingestRule, or null when fixes go to the plain topic.</summary>
        public string? IngestRule
        {
            get { return _texts[TrackerSetting.MqttIngestRule.Index]; }
        }

        /// <summary>mqtt.keepAliveS.</summary>
        public int KeepAliveS
        {
            get { return _numbers[TrackerSetting.MqttKeepAliveS.Index]; }
        }

        /// <summary>tls.caFile: the root CA's file name on <c>I:</c>.</summary>
        public string CaFile
        {
            get { return _texts[TrackerSetting.TlsCaFile.Index]!; }
        }

        /// <summary>tls.certFile: the device certificate's file name on <c>I:</c>.</summary>
        public string CertFile
        {
            get { return _texts[TrackerSetting.TlsCertFile.Index]!; }
        }

        /// <summary>tls.keyFile: the device key's file name on <c>I:</c>.</summary>
        public string KeyFile
        {
            get { return _texts[TrackerSetting.TlsKeyFile.Index]!; }
        }

        /// <summary>cell.apn (may be empty: the network's default), or null when the uplink runs over Wi-Fi and no APN was given.</summary>
        public string? Apn
        {
            get { return _texts[TrackerSetting.CellApn.Index]; }
        }

        /// <summary>cell.user, or null.</summary>
        public string? ApnUser
        {
            get { return _texts[TrackerSetting.CellUser.Index]; }
        }

        /// <summary>cell.password, or null.</summary>
        public string? ApnPassword
        {
            get { return _texts[TrackerSetting.CellPassword.Index]; }
        }

        /// <summary>cell.rat, as the modem numbers it (<c>AT+CMNB</c>).</summary>
        public RadioAccess Rat
        {
            get
            {
                // The choice's position in cell.rat's list (ltem, nbiot, both) to the AT+CMNB value.
                switch (_numbers[TrackerSetting.CellRat.Index])
                {
                    case 1:
                        return RadioAccess.NbIot;
                    case 2:
                        return RadioAccess.Both;
                    default:
                        return RadioAccess.LteM;
                }
            }
        }

        /// <summary>cell.simPin, or null when the SIM has no PIN.</summary>
        public string? SimPin
        {
            get { return _texts[TrackerSetting.CellSimPin.Index]; }
        }

        /// <summary>wifi.ssid, or null.</summary>
        public string? WifiSsid
        {
            get { return _texts[TrackerSetting.WifiSsid.Index]; }
        }

        /// <summary>wifi.password (empty for an open network), or null.</summary>
        public string? WifiPassword
        {
            get { return _texts[TrackerSetting.WifiPassword.Index]; }
        }

        /// <summary>True when wifi.ssid is set: the uplink runs over Wi-Fi (M2Mqtt) instead of the modem.</summary>
        public bool UsesWifi
        {
            get
            {
                // A branch, not 'return WifiSsid != null': the value form of a null comparison is
                // wrong on nanoFramework's interpreter for a never-assigned array slot (DESIGN.md),
                // and gave true for a config without wifi.ssid. The subset check (NFSUB004) holds this.
                if (WifiSsid != null)
                {
                    return true;
                }

                return false;
            }
        }

        /// <summary>fixlog.capacityBytes: give it to <see cref="Storage.FixLogOptions.ForCapacity"/>.</summary>
        public int FixLogCapacityBytes
        {
            get { return _numbers[TrackerSetting.FixLogCapacityBytes.Index]; }
        }

        /// <summary>The value of an integer setting (a pin: a GPIO number, or -1 for none), or the position of a choice.</summary>
        /// <param name="setting">The setting.</param>
        /// <returns>The value.</returns>
        /// <exception cref="System.ArgumentException">The setting is a text setting.</exception>
        public int GetInt(TrackerSetting setting)
        {
            if (setting == null)
            {
                throw new System.ArgumentNullException(nameof(setting));
            }

            if (setting.Kind == SettingKind.Text)
            {
                throw new System.ArgumentException(setting.Key + " is a text setting", nameof(setting));
            }

            return _numbers[setting.Index];
        }

        /// <summary>The value of a choice setting, as written (for example "COM3").</summary>
        /// <param name="setting">A choice setting.</param>
        /// <returns>The choice.</returns>
        /// <exception cref="System.ArgumentException">The setting is not a choice.</exception>
        public string GetChoice(TrackerSetting setting)
        {
            if (setting == null)
            {
                throw new System.ArgumentNullException(nameof(setting));
            }

            if (setting.Choices == null)
            {
                throw new System.ArgumentException(setting.Key + " is not a choice", nameof(setting));
            }

            return setting.Choices[_numbers[setting.Index]];
        }

        /// <summary>The value of a true/false setting.</summary>
        /// <param name="setting">A choice setting whose choices are false and true.</param>
        /// <returns>True when it is "true".</returns>
        public bool GetFlag(TrackerSetting setting)
        {
            return GetChoice(setting) == "true";
        }

        /// <summary>The value of a text setting, or null when it is not set.</summary>
        /// <param name="setting">A text setting.</param>
        /// <returns>The text.</returns>
        /// <exception cref="System.ArgumentException">The setting is not a text setting.</exception>
        public string? GetText(TrackerSetting setting)
        {
            if (setting == null)
            {
                throw new System.ArgumentNullException(nameof(setting));
            }

            if (setting.Kind != SettingKind.Text)
            {
                throw new System.ArgumentException(setting.Key + " is not a text setting", nameof(setting));
            }

            return _texts[setting.Index];
        }

        /// <summary>The line that set a key, or 0 when the file left it out (default or unset).</summary>
        /// <param name="setting">The setting.</param>
        /// <returns>The 1-based line, or 0.</returns>
        public int LineOf(TrackerSetting setting)
        {
            if (setting == null)
            {
                throw new System.ArgumentNullException(nameof(setting));
            }

            return _lines[setting.Index];
        }
    }
}
