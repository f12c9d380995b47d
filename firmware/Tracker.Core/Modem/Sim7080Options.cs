namespace Tracker.Core.Modem
{
    /// <summary>
    /// What the SIM7080G driver and link need: the bearer (APN, radio, SIM PIN), the broker
    /// endpoint, the certificate file names on the modem, and the deadlines. Immutable; validated at
    /// construction with an <see cref="System.ArgumentException"/> that names the setting.
    /// </summary>
    public sealed class Sim7080Options
    {
        /// <summary>Default deadline for network registration: LTE-M's first attach can scan bands for minutes.</summary>
        public const int DefaultRegistrationTimeoutMs = 180000;

        /// <summary>Default wait for <c>+APP PDP: 0,ACTIVE</c> (LG allows 60 s).</summary>
        public const int DefaultPdpTimeoutMs = 60000;

        /// <summary>Default allowance for <c>AT+SMCONN</c> (no maximum documented; LG waits 60 s, NF 1 min).</summary>
        public const int DefaultConnectTimeoutMs = 60000;

        /// <summary>Default wait for the final result of <c>AT+SMPUB</c> after the payload (no maximum documented).</summary>
        public const int DefaultPublishTimeoutMs = 20000;

        /// <summary>Default interval of the <c>AT+SMSTATE?</c> poll while idle (the disconnect URC is not documented).</summary>
        public const int DefaultStatePollMs = 30000;

        /// <summary>The modem file that records which certificates were written (reserved name).</summary>
        public const string StampFileName = "trkcerts.id";

        /// <summary>Creates options with the default deadlines and no APN credentials.</summary>
        /// <param name="apn">Setting <c>modem.apn</c>: the access point name (may be empty for the network's default).</param>
        /// <param name="radio">Setting <c>modem.rat</c>: LTE-M, NB-IoT or both.</param>
        /// <param name="simPin">Setting <c>modem.pin</c>: the SIM PIN (4 to 8 digits), or null when the SIM has none.</param>
        /// <param name="endpoint">Setting <c>mqtt.endpoint</c>: the broker host (AWS IoT <c>...-ats.iot.&lt;region&gt;.amazonaws.com</c>).</param>
        /// <param name="port">Setting <c>mqtt.port</c>: the broker port (8883 for MQTT over TLS).</param>
        /// <param name="caFileName">Setting <c>modem.caFile</c>: name of the CA file on the modem.</param>
        /// <param name="certFileName">Setting <c>modem.certFile</c>: name of the client certificate file on the modem.</param>
        /// <param name="keyFileName">Setting <c>modem.keyFile</c>: name of the client key file on the modem.</param>
        public Sim7080Options(
            string apn,
            RadioAccess radio,
            string? simPin,
            string endpoint,
            int port,
            string caFileName,
            string certFileName,
            string keyFileName)
            : this(
                apn, null, null, radio, simPin, endpoint, port, caFileName, certFileName, keyFileName,
                DefaultRegistrationTimeoutMs, DefaultPdpTimeoutMs, DefaultConnectTimeoutMs, DefaultPublishTimeoutMs, DefaultStatePollMs)
        {
        }

        /// <summary>Creates options with every setting.</summary>
        /// <param name="apn">Setting <c>modem.apn</c>: the access point name (0 to 100 characters; empty for the network's default).</param>
        /// <param name="apnUser">Setting <c>modem.apnUser</c>: APN user name, or null.</param>
        /// <param name="apnPassword">Setting <c>modem.apnPassword</c>: APN password, or null (needs a user name).</param>
        /// <param name="radio">Setting <c>modem.rat</c>: LTE-M, NB-IoT or both.</param>
        /// <param name="simPin">Setting <c>modem.pin</c>: the SIM PIN (4 to 8 digits), or null.</param>
        /// <param name="endpoint">Setting <c>mqtt.endpoint</c>: the broker host (1 to 246 characters, MAN's <c>SMCONF URL</c> limit).</param>
        /// <param name="port">Setting <c>mqtt.port</c>: 1 to 65535.</param>
        /// <param name="caFileName">Setting <c>modem.caFile</c>: 1 to 20 characters of <c>A-Z a-z 0-9 . _ -</c> (MAN's <c>SMSSL</c> limit).</param>
        /// <param name="certFileName">Setting <c>modem.certFile</c>: same rule.</param>
        /// <param name="keyFileName">Setting <c>modem.keyFile</c>: same rule.</param>
        /// <param name="registrationTimeoutMs">Setting <c>modem.registrationTimeoutMs</c>: 10 s to 30 min.</param>
        /// <param name="pdpTimeoutMs">Setting <c>modem.pdpTimeoutMs</c>: 5 s to 5 min.</param>
        /// <param name="connectTimeoutMs">Setting <c>modem.connectTimeoutMs</c>: 10 s to 5 min.</param>
        /// <param name="publishTimeoutMs">Setting <c>modem.publishTimeoutMs</c>: 1 s to 2 min.</param>
        /// <param name="statePollMs">Setting <c>modem.statePollMs</c>: 0 (never) or 1 s to 1 h.</param>
        public Sim7080Options(
            string apn,
            string? apnUser,
            string? apnPassword,
            RadioAccess radio,
            string? simPin,
            string endpoint,
            int port,
            string caFileName,
            string certFileName,
            string keyFileName,
            int registrationTimeoutMs,
            int pdpTimeoutMs,
            int connectTimeoutMs,
            int publishTimeoutMs,
            int statePollMs)
        {
            if (apn == null || (apn.Length > 0 && !AtText.IsQuotable(apn, 100)) || apn.Length > 100)
            {
                throw new System.ArgumentException("modem.apn must be 0 to 100 printable ASCII characters without a double quote");
            }

            if (apnUser != null && !AtText.IsQuotable(apnUser, 127))
            {
                throw new System.ArgumentException("modem.apnUser must be 1 to 127 printable ASCII characters without a double quote");
            }

            if (apnPassword != null && (apnUser == null || !AtText.IsQuotable(apnPassword, 127)))
            {
                throw new System.ArgumentException("modem.apnPassword must be 1 to 127 printable ASCII characters without a double quote, and needs modem.apnUser");
            }

            if (radio != RadioAccess.LteM && radio != RadioAccess.NbIot && radio != RadioAccess.Both)
            {
                throw new System.ArgumentException("modem.rat must be LteM, NbIot or Both");
            }

            if (simPin != null && !IsPin(simPin))
            {
                throw new System.ArgumentException("modem.pin must be 4 to 8 digits (or absent)");
            }

            if (!AtText.IsQuotable(endpoint, 246) || endpoint.IndexOf(' ') >= 0)
            {
                throw new System.ArgumentException("mqtt.endpoint must be a host name of 1 to 246 characters");
            }

            if (port < 1 || port > 65535)
            {
                throw new System.ArgumentException("mqtt.port must be 1 to 65535");
            }

            CheckFileName(caFileName, "modem.caFile");
            CheckFileName(certFileName, "modem.certFile");
            CheckFileName(keyFileName, "modem.keyFile");
            if (caFileName == certFileName || caFileName == keyFileName || certFileName == keyFileName)
            {
                throw new System.ArgumentException("modem.caFile, modem.certFile and modem.keyFile must be three different names");
            }

            CheckRange(registrationTimeoutMs, 10000, 1800000, "modem.registrationTimeoutMs");
            CheckRange(pdpTimeoutMs, 5000, 300000, "modem.pdpTimeoutMs");
            CheckRange(connectTimeoutMs, 10000, 300000, "modem.connectTimeoutMs");
            CheckRange(publishTimeoutMs, 1000, 120000, "modem.publishTimeoutMs");
            if (statePollMs != 0)
            {
                CheckRange(statePollMs, 1000, 3600000, "modem.statePollMs");
            }

            Apn = apn;
            ApnUser = apnUser;
            ApnPassword = apnPassword;
            Radio = radio;
            SimPin = simPin;
            Endpoint = endpoint;
            Port = port;
            CaFileName = caFileName;
            CertFileName = certFileName;
            KeyFileName = keyFileName;
            RegistrationTimeoutMs = registrationTimeoutMs;
            PdpTimeoutMs = pdpTimeoutMs;
            ConnectTimeoutMs = connectTimeoutMs;
            PublishTimeoutMs = publishTimeoutMs;
            StatePollMs = statePollMs;
        }

        /// <summary>The access point name (empty: the network's default).</summary>
        public string Apn { get; }

        /// <summary>The APN user name, or null.</summary>
        public string? ApnUser { get; }

        /// <summary>The APN password, or null.</summary>
        public string? ApnPassword { get; }

        /// <summary>LTE-M, NB-IoT or both.</summary>
        public RadioAccess Radio { get; }

        /// <summary>The SIM PIN, or null.</summary>
        public string? SimPin { get; }

        /// <summary>The broker host; also the TLS server name (SNI).</summary>
        public string Endpoint { get; }

        /// <summary>The broker port.</summary>
        public int Port { get; }

        /// <summary>Name of the CA file on the modem.</summary>
        public string CaFileName { get; }

        /// <summary>Name of the client certificate file on the modem.</summary>
        public string CertFileName { get; }

        /// <summary>Name of the client key file on the modem.</summary>
        public string KeyFileName { get; }

        /// <summary>Deadline for network registration.</summary>
        public int RegistrationTimeoutMs { get; }

        /// <summary>Deadline for the PDP context to become active.</summary>
        public int PdpTimeoutMs { get; }

        /// <summary>Allowance for <c>AT+SMCONN</c>.</summary>
        public int ConnectTimeoutMs { get; }

        /// <summary>Wait for the result of <c>AT+SMPUB</c> after its payload.</summary>
        public int PublishTimeoutMs { get; }

        /// <summary>Interval of the idle <c>AT+SMSTATE?</c> poll; 0 for never.</summary>
        public int StatePollMs { get; }

        private static bool IsPin(string pin)
        {
            if (pin.Length < 4 || pin.Length > 8)
            {
                return false;
            }

            for (int i = 0; i < pin.Length; i++)
            {
                if (pin[i] < '0' || pin[i] > '9')
                {
                    return false;
                }
            }

            return true;
        }

        private static void CheckFileName(string name, string setting)
        {
            bool ok = name != null && name.Length >= 1 && name.Length <= 20 && name != StampFileName;
            for (int i = 0; ok && i < name!.Length; i++)
            {
                char c = name[i];
                ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
            }

            if (!ok)
            {
                throw new System.ArgumentException(setting + " must be 1 to 20 characters of A-Z a-z 0-9 . _ - (and not " + StampFileName + ")");
            }
        }

        private static void CheckRange(int value, int min, int max, string setting)
        {
            if (value < min || value > max)
            {
                throw new System.ArgumentException(string.Concat(new string[] { setting, " must be ", min.ToString(), " to ", max.ToString() }));
            }
        }
    }
}
