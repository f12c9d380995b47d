using Tracker.Core.Uplink;

namespace Tracker.Core.Modem
{
    /// <summary>
    /// Drives a SIMCom SIM7080G over an <see cref="AtChannel"/>: power-on through PWRKEY, SIM and
    /// radio set-up, registration, the PDP context, network time, certificates on the modem's file
    /// system, TLS configuration, and MQTT through the modem's own stack (connect, QoS 1 publish
    /// with a checked result, subscribe, the disconnect URCs). Every operation returns a
    /// <see cref="ModemResult"/>; modem behaviour never throws.
    /// </summary>
    /// <remarks>
    /// <para>Commands and their order follow sim7080-mqtt-at.md (MAN, MQN, SSLN, and the LilyGO and
    /// nanoFramework sources it cites); README.md in this folder lists the sequence, the timing and
    /// what is unconfirmed on real modems.</para>
    /// <para>State lives in three layers, each lost with the one above it: the modem's boot
    /// (echo off, verbose errors, the NO_SAVE TLS settings: <see cref="IsConfigured"/>), the bearer
    /// (<see cref="IsPdpActive"/>), and the MQTT session (<see cref="IsMqttConnected"/>). A restart
    /// of the modem (the <c>RDY</c> URC, <c>+CFUN: 1</c> or <c>+CPIN: READY</c> outside our own
    /// bring-up, a power-down URC, or command echo coming back after <c>ATE0</c>) clears all three and
    /// counts in <see cref="RestartsDetected"/>; <see cref="BringUp"/> then redoes what was lost.
    /// Files written to the modem and the saved settings (<c>CNMP</c>, <c>CMNB</c>, <c>CGDCONT</c>,
    /// <c>CLTS</c>) survive, so they are checked, not rewritten.</para>
    /// <para>Single-threaded, like the channel: call it from one thread.</para>
    /// </remarks>
    public sealed partial class Sim7080Modem
    {
        /// <summary>Largest payload of one <c>AT+SMPUB</c> (MAN §17: len 0 to 1024).</summary>
        public const int MaxPublishBytes = 1024;

        /// <summary>Longest topic (MAN §17: topic ≤ 128).</summary>
        public const int MaxTopicLength = 128;

        /// <summary>Longest will message carried (MAN's <c>SMCONF</c> limits; the will must be quotable text).</summary>
        public const int MaxWillLength = 512;

        /// <summary>Messages received on subscriptions kept until taken.</summary>
        public const int MessageCapacity = 8;

        private const string CustomerDir = "3";

        private readonly AtChannel _at;
        private readonly IPowerKey _powerKey;
        private readonly IMonotonicClock _clock;
        private readonly Sim7080Options _options;
        private readonly ReceivedMessages _messages = new ReceivedMessages(MessageCapacity);

        private bool _configured;
        private bool _pdpActive;
        private bool _pdpDeactivated;
        private bool _mqttConnected;
        private bool _expectBootUrcs;
        private bool _selfRestart;
        private bool _pinRejected;
        private bool _subHex = true;
        private long _echoBaseline = -1;
        private int _epoch;
        private long _lastStateCheckMs;

        /// <summary>Creates the driver. Nothing is sent until the first operation.</summary>
        /// <param name="channel">The AT channel to the modem.</param>
        /// <param name="powerKey">The PWRKEY line.</param>
        /// <param name="options">APN, radio, PIN, endpoint, file names and deadlines.</param>
        public Sim7080Modem(AtChannel channel, IPowerKey powerKey, Sim7080Options options)
        {
            if (channel == null)
            {
                throw new System.ArgumentNullException("channel");
            }

            if (powerKey == null)
            {
                throw new System.ArgumentNullException("powerKey");
            }

            if (options == null)
            {
                throw new System.ArgumentNullException("options");
            }

            _at = channel;
            _powerKey = powerKey;
            _clock = channel.Clock;
            _options = options;
            LastFailure = string.Empty;
            IpAddress = string.Empty;
            FirmwareVersion = string.Empty;
            SignalDbm = SignalQuality.UnknownDbm;
            Registration = RegistrationStatus.Unknown;
        }

        /// <summary>The options the driver was created with.</summary>
        public Sim7080Options Options
        {
            get { return _options; }
        }

        /// <summary>The channel (for its counters).</summary>
        public AtChannel Channel
        {
            get { return _at; }
        }

        /// <summary>True when the per-boot settings (echo, errors, SIM, radio, TLS) are in place.</summary>
        public bool IsConfigured
        {
            get { return _configured; }
        }

        /// <summary>True while the PDP context (the data bearer) is active, as far as the driver knows.</summary>
        public bool IsPdpActive
        {
            get { return _pdpActive; }
        }

        /// <summary>True while the MQTT session is up, as far as the driver knows (see <see cref="Poll(bool)"/>).</summary>
        public bool IsMqttConnected
        {
            get { return _mqttConnected; }
        }

        /// <summary>Modem restarts noticed while it was configured (each one cost the session).</summary>
        public long RestartsDetected { get; private set; }

        /// <summary>Messages dropped because <see cref="MessageCapacity"/> were already waiting.</summary>
        public long MessagesDropped
        {
            get { return _messages.Dropped; }
        }

        /// <summary><c>+SMSUB</c> URCs that could not be parsed.</summary>
        public long BadMessages { get; private set; }

        /// <summary>URCs the driver does not act on (network time, unknown).</summary>
        public long OtherUrcs { get; private set; }

        /// <summary>Connections made without the last will, because it was not quotable text (see README).</summary>
        public long WillsOmitted { get; private set; }

        /// <summary>The last command that failed and what the modem said, for the device log.</summary>
        public string LastFailure { get; private set; }

        /// <summary>The last registration status read.</summary>
        public RegistrationStatus Registration { get; private set; }

        /// <summary>The PDP context's IP address, or empty.</summary>
        public string IpAddress { get; private set; }

        /// <summary>The firmware revision from the last <see cref="ReadFirmwareVersion"/> (log it: MQTT support varies by revision).</summary>
        public string FirmwareVersion { get; private set; }

        /// <summary>The signal level from the last <see cref="ReadSignal"/>, in dBm, or <see cref="SignalQuality.UnknownDbm"/>.</summary>
        public int SignalDbm { get; private set; }

        /// <summary>True when the last <see cref="WriteCertificates"/> wrote the files (false: they were already there).</summary>
        public bool CertificatesWritten { get; private set; }

        /// <summary>
        /// Switches the modem on unless it already answers: a few <c>AT</c> probes, then a PWRKEY
        /// pulse and up to <see cref="Sim7080Timing.BootTimeoutMs"/> of probes, twice (if the modem
        /// was on but mute, the first pulse switched it off).
        /// </summary>
        /// <returns><see cref="ModemResult.Ok"/> or <see cref="ModemResult.NotResponding"/>.</returns>
        public ModemResult PowerOn()
        {
            Poll();
            for (int i = 0; i < Sim7080Timing.SyncProbesWhenOn; i++)
            {
                if (Probe())
                {
                    return ModemResult.Ok;
                }
            }

            for (int pulse = 0; pulse < 2; pulse++)
            {
                PulsePowerKey();
                long deadline = _clock.NowMs + Sim7080Timing.BootTimeoutMs;
                while (_clock.NowMs < deadline)
                {
                    if (Probe())
                    {
                        return ModemResult.Ok;
                    }
                }
            }

            LastFailure = "AT -> no answer, even after two PWRKEY pulses";
            return ModemResult.NotResponding;
        }

        /// <summary>
        /// Switches the modem off with <c>AT+CPOWD=1</c> (MAN §3: it answers <c>NORMAL POWER
        /// DOWN</c> instead of <c>OK</c>). All state is lost.
        /// </summary>
        /// <returns>Ok, or Timeout when it did not confirm.</returns>
        public ModemResult PowerOff()
        {
            _selfRestart = true;
            AtResult r = Run("AT+CPOWD=1", null, Sim7080Timing.CommandMs);
            _selfRestart = false;
            ForgetBoot();
            return r.Status == AtStatus.Timeout ? ModemResult.Timeout : ModemResult.Ok;
        }

        /// <summary>
        /// Brings the modem from any state to "bearer up, TLS configured, clock set": power-on,
        /// <see cref="Configure"/> when the modem (re)booted, registration, the PDP context, and the
        /// modem's clock. Skips what is already in place. A restart in the middle starts it over once.
        /// </summary>
        /// <param name="certificates">The files to put on the modem, or null when they are provisioned otherwise.</param>
        /// <param name="wallClock">The device clock, copied into the modem when the network did not set its clock; may be null.</param>
        /// <returns>Ok, or the first step that failed.</returns>
        public ModemResult BringUp(ModemCertificates? certificates, IWallClock? wallClock)
        {
            ModemResult r = ModemResult.Restarted;
            for (int attempt = 0; attempt < 2 && r == ModemResult.Restarted; attempt++)
            {
                r = BringUpOnce(certificates, wallClock);
            }

            return r;
        }

        /// <summary>
        /// The per-boot settings: <c>ATE0</c>, <c>AT+CMEE=2</c>, the SIM (with the PIN if
        /// configured), radio and APN (<see cref="ConfigureRadio"/>), network time updates
        /// (<c>AT+CLTS</c>; the first time it is turned on the modem is restarted, because the setting
        /// takes effect only after a restart, and this returns <see cref="ModemResult.Restarted"/>),
        /// the certificate files, and TLS (<see cref="ConfigureSsl"/>).
        /// </summary>
        /// <param name="certificates">The files to put on the modem, or null to skip writing.</param>
        /// <returns>Ok, or the first step that failed (<see cref="ModemResult.Restarted"/> if the modem restarted meanwhile).</returns>
        public ModemResult Configure(ModemCertificates? certificates)
        {
            int epoch = _epoch;
            _expectBootUrcs = true;
            _configured = false;
            AtResult r = Run("ATE0", null, Sim7080Timing.CommandMs);
            if (!r.IsOk)
            {
                return Fail(r);
            }

            _echoBaseline = _at.EchoLines;
            r = Run("AT+CMEE=2", null, Sim7080Timing.CommandMs);
            if (!r.IsOk)
            {
                return Fail(r);
            }

            ModemResult m = CheckSim();
            if (m == ModemResult.Ok)
            {
                m = ConfigureRadio();
            }

            if (m == ModemResult.Ok && EnableNetworkTime())
            {
                // AT+CLTS=1 takes effect only after a restart (MQN §5.2: set it, then reboot). This
                // happens once per modem: the setting is saved.
                RestartModem();
                return ModemResult.Restarted;
            }

            if (m == ModemResult.Ok)
            {
                if (certificates != null)
                {
                    m = WriteCertificates(certificates);
                }
            }

            if (m == ModemResult.Ok)
            {
                m = ConfigureSsl();
            }

            if (_epoch != epoch)
            {
                return ModemResult.Restarted;
            }

            if (m == ModemResult.Ok)
            {
                _configured = true;
            }

            return m;
        }

        /// <summary>
        /// Processes what the modem sent since the last call without waiting (disconnect and restart
        /// URCs, messages), and every <see cref="Sim7080Options.StatePollMs"/> checks the session with
        /// <c>AT+SMSTATE?</c>, because the unsolicited <c>+SMSTATE: 0</c> is not documented (and
        /// refreshes <see cref="SignalDbm"/> with <c>AT+CSQ</c> at the same time).
        /// </summary>
        /// <param name="allowStatePoll">False to only read what was received (no command is sent).</param>
        public void Poll(bool allowStatePoll)
        {
            Poll();
            if (allowStatePoll && _mqttConnected && _options.StatePollMs > 0 && _clock.NowMs - _lastStateCheckMs >= _options.StatePollMs)
            {
                int state;
                QueryMqttState(out state);
                int dbm;
                ReadSignal(out dbm);
            }
        }

        /// <summary>Processes what the modem sent since the last call, without waiting and without sending.</summary>
        public void Poll()
        {
            _at.Poll();
            DispatchUrcs();
        }

        private static ModemResult Keep(ModemResult sofar, AtResult r)
        {
            if (sofar != ModemResult.Ok)
            {
                return sofar;
            }

            if (r.IsOk)
            {
                return ModemResult.Ok;
            }

            return r.Status == AtStatus.Timeout ? ModemResult.Timeout : r.Status == AtStatus.Restarted ? ModemResult.Restarted : ModemResult.Error;
        }

        private ModemResult BringUpOnce(ModemCertificates? certificates, IWallClock? wallClock)
        {
            Poll();
            ModemResult r;
            if (!_configured)
            {
                r = PowerOn();
                if (r != ModemResult.Ok)
                {
                    return r;
                }

                r = Configure(certificates);
                if (r != ModemResult.Ok)
                {
                    return r;
                }
            }

            if (!_pdpActive)
            {
                r = WaitForRegistration();
                if (r == ModemResult.Ok)
                {
                    r = ActivatePdp();
                }

                if (r != ModemResult.Ok)
                {
                    return _configured ? r : ModemResult.Restarted;
                }
            }

            long utc;
            if (ReadNetworkTime(out utc) != ModemResult.Ok && wallClock != null && wallClock.IsValid)
            {
                SetClock(wallClock.UtcNowMs);
            }

            return _configured && _pdpActive ? ModemResult.Ok : ModemResult.Restarted;
        }

        /// <summary>Restarts the modem on purpose (<c>AT+CFUN=1,1</c>, MAN §3) and waits until it answers again.</summary>
        private void RestartModem()
        {
            _selfRestart = true;
            Run("AT+CFUN=1,1", null, Sim7080Timing.CfunMs);
            ForgetBoot();
            long deadline = _clock.NowMs + Sim7080Timing.BootTimeoutMs;
            while (_clock.NowMs < deadline && !Probe())
            {
            }

            _selfRestart = false;
        }

        private bool Probe()
        {
            AtResult r = Run("AT", null, Sim7080Timing.SyncProbeMs);
            return r.Status == AtStatus.Ok || r.Status == AtStatus.Error || r.Status == AtStatus.CmeError;
        }

        private void PulsePowerKey()
        {
            _powerKey.SetPressed(false);
            _clock.Sleep(Sim7080Timing.PowerKeyIdleMs);
            _powerKey.SetPressed(true);
            _clock.Sleep(Sim7080Timing.PowerKeyPressMs);
            _powerKey.SetPressed(false);
            _at.ResetInput();
            ForgetBoot();
        }

        private AtResult Run(string command, string? prefix, int timeoutMs)
        {
            AtResult r = _at.Execute(command, prefix, timeoutMs);
            After(command, r);
            return r;
        }

        private void After(string command, AtResult r)
        {
            if (!r.IsOk)
            {
                LastFailure = command + " -> " + r.Describe();
            }

            DispatchUrcs();
            if (_echoBaseline >= 0 && _at.EchoLines > _echoBaseline)
            {
                // Echo is back on, so the modem restarted since ATE0 (with auto-baud there is no RDY).
                OnRestart(true);
            }
        }

        private void DispatchUrcs()
        {
            string line;
            while (_at.TryTakeUrc(out line))
            {
                HandleUrc(line);
            }
        }

        private void HandleUrc(string line)
        {
            if (line == "RDY" || line.StartsWith("NORMAL POWER DOWN") || line.StartsWith("UNDER-VOLTAGE POWER DOWN") || line.StartsWith("OVER-VOLTAGE POWER DOWN"))
            {
                OnRestart(!_selfRestart);
                return;
            }

            if (line == "+CFUN: 1" || line == "+CPIN: READY" || line == "SMS Ready")
            {
                // Also the answer to our own AT+CFUN=1 or PIN entry during bring-up.
                if (!_expectBootUrcs)
                {
                    OnRestart(true);
                }

                return;
            }

            if (line.StartsWith("+APP PDP:"))
            {
                string[] f = AtText.SplitFields(line.Substring(9));
                if (f.Length >= 2 && f[0] == "0")
                {
                    if (f[1] == "ACTIVE")
                    {
                        _pdpActive = true;
                    }
                    else if (f[1] == "DEACTIVE")
                    {
                        _pdpActive = false;
                        _pdpDeactivated = true;
                        _mqttConnected = false;
                        IpAddress = string.Empty;
                    }
                }

                return;
            }

            if (line.StartsWith("+SMSTATE:"))
            {
                int s;
                if (AtText.TryParseInt(line.Substring(9), out s) && s == 0)
                {
                    _mqttConnected = false;
                }

                return;
            }

            if (line.StartsWith(SubscriptionUrc.Prefix))
            {
                string topic;
                byte[] payload;
                if (!SubscriptionUrc.TryParse(line.Substring(SubscriptionUrc.Prefix.Length), _subHex, out topic, out payload))
                {
                    BadMessages++;
                    return;
                }

                _messages.Add(topic, payload);
                return;
            }

            OtherUrcs++;
        }

        private void OnRestart(bool unexpected)
        {
            if (unexpected && (_configured || _pdpActive || _mqttConnected || _echoBaseline >= 0))
            {
                RestartsDetected++;
            }

            ForgetBoot();
        }

        private void ForgetBoot()
        {
            _epoch++;
            _configured = false;
            _pdpActive = false;
            _mqttConnected = false;
            _echoBaseline = -1;
            _expectBootUrcs = true;
            _subHex = true;
            IpAddress = string.Empty;
            Registration = RegistrationStatus.Unknown;
        }

        private ModemResult Fail(AtResult r)
        {
            if (r.Status == AtStatus.Timeout)
            {
                return ModemResult.Timeout;
            }

            if (r.Status == AtStatus.Restarted)
            {
                return ModemResult.Restarted;
            }

            return r.IsOk ? ModemResult.Ok : ModemResult.Error;
        }
    }
}
