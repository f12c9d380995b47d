using Tracker.Core.Time;
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
    /// <para>State lives in three layers, each lost with the one above it (<see cref="ModemState"/>):
    /// the modem's boot (echo off, verbose errors, the NO_SAVE TLS settings: <see cref="IsConfigured"/>),
    /// the bearer (<see cref="IsPdpActive"/>), and the MQTT session (<see cref="IsMqttConnected"/>). A
    /// restart of the modem (the <c>RDY</c> URC, <c>+CFUN: 1</c> or <c>+CPIN: READY</c> outside our
    /// own bring-up, a power-down URC, or command echo coming back after <c>ATE0</c>) clears all three
    /// and counts in <see cref="RestartsDetected"/>; <see cref="BringUp"/> then redoes what was lost.
    /// Files written to the modem and the saved settings (<c>CNMP</c>, <c>CMNB</c>, <c>CGDCONT</c>,
    /// <c>CLTS</c>) survive, so they are checked, not rewritten.</para>
    /// <para>The parts: <see cref="ModemCommands"/> (one command at a time, failures, URCs,
    /// restarts by echo), <see cref="ModemUrcs"/> (what the modem says unprompted),
    /// <see cref="Sim7080Network"/> (SIM, radio, registration, PDP, clock, signal),
    /// <see cref="Sim7080Tls"/> (certificate files, SSL) and <see cref="Sim7080Mqtt"/> (the MQTT
    /// session); this class powers the modem, brings it up and configures it.</para>
    /// <para>Single-threaded, like the channel: call it from one thread.</para>
    /// </remarks>
    public sealed class Sim7080Modem
    {
        /// <summary>Largest payload of one <c>AT+SMPUB</c> (MAN §17: len 0 to 1024).</summary>
        public const int MaxPublishBytes = 1024;

        /// <summary>Longest topic (MAN §17: topic ≤ 128).</summary>
        public const int MaxTopicLength = 128;

        /// <summary>Longest will message carried (MAN's <c>SMCONF</c> limits; the will must be quotable text).</summary>
        public const int MaxWillLength = 512;

        /// <summary>Messages received on subscriptions kept until taken.</summary>
        public const int MessageCapacity = 8;

        private readonly AtChannel _at;
        private readonly IPowerKey _powerKey;
        private readonly IMonotonicClock _clock;
        private readonly Sim7080Options _options;
        private readonly ModemState _state = new ModemState();
        private readonly ModemCommands _commands;
        private readonly Sim7080Network _network;
        private readonly Sim7080Tls _tls;
        private readonly Sim7080Mqtt _mqtt;

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
            _commands = new ModemCommands(channel, _state, new ModemUrcs(_state, MessageCapacity));
            _network = new Sim7080Network(_commands, options);
            _tls = new Sim7080Tls(_commands, options);
            _mqtt = new Sim7080Mqtt(_commands, options);
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
            get { return _state.Configured; }
        }

        /// <summary>True while the PDP context (the data bearer) is active, as far as the driver knows.</summary>
        public bool IsPdpActive
        {
            get { return _state.PdpActive; }
        }

        /// <summary>True while the MQTT session is up, as far as the driver knows (see <see cref="Poll(bool)"/>).</summary>
        public bool IsMqttConnected
        {
            get { return _state.MqttConnected; }
        }

        /// <summary>
        /// Times <c>AT+SMSTATE?</c> showed the MQTT session up (on connect, after each QoS 1 publish, and every
        /// <see cref="Sim7080Options.StatePollMs"/> while idle); only its changes mean anything.
        /// </summary>
        public int SessionConfirmations
        {
            get { return _mqtt.SessionConfirmations; }
        }

        /// <summary>Modem restarts noticed while it was configured (each one cost the session).</summary>
        public long RestartsDetected
        {
            get { return _state.RestartsDetected; }
        }

        /// <summary>Messages dropped because <see cref="MessageCapacity"/> were already waiting.</summary>
        public long MessagesDropped
        {
            get { return _commands.Urcs.MessagesDropped; }
        }

        /// <summary><c>+SMSUB</c> URCs that could not be parsed.</summary>
        public long BadMessages
        {
            get { return _commands.Urcs.BadMessages; }
        }

        /// <summary>URCs the driver does not act on (network time, unknown).</summary>
        public long OtherUrcs
        {
            get { return _commands.Urcs.OtherUrcs; }
        }

        /// <summary>Connections made without the last will, because it was not quotable text (see README).</summary>
        public long WillsOmitted
        {
            get { return _mqtt.WillsOmitted; }
        }

        /// <summary>The last command that failed and what the modem said, for the device log.</summary>
        public string LastFailure
        {
            get { return _commands.LastFailure; }
        }

        /// <summary>The last registration status read.</summary>
        public RegistrationStatus Registration
        {
            get { return _state.Registration; }
        }

        /// <summary>The PDP context's IP address, or empty.</summary>
        public string IpAddress
        {
            get { return _state.IpAddress; }
        }

        /// <summary>The firmware revision from the last <see cref="ReadFirmwareVersion"/> (log it: MQTT support varies by revision).</summary>
        public string FirmwareVersion
        {
            get { return _network.FirmwareVersion; }
        }

        /// <summary>The signal level from the last <see cref="ReadSignal"/>, in dBm, or <see cref="SignalQuality.UnknownDbm"/>.</summary>
        public int SignalDbm
        {
            get { return _network.SignalDbm; }
        }

        /// <summary>True when the last <see cref="WriteCertificates"/> wrote the files (false: they were already there).</summary>
        public bool CertificatesWritten
        {
            get { return _tls.CertificatesWritten; }
        }

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

            _commands.LastFailure = "AT -> no answer, even after two PWRKEY pulses";
            return ModemResult.NotResponding;
        }

        /// <summary>
        /// Switches the modem off with <c>AT+CPOWD=1</c> (MAN §3: it answers <c>NORMAL POWER
        /// DOWN</c> instead of <c>OK</c>). All state is lost.
        /// </summary>
        /// <returns>Ok, or Timeout when it did not confirm.</returns>
        public ModemResult PowerOff()
        {
            _state.SelfRestart = true;
            AtResult r = _commands.Run("AT+CPOWD=1", null, Sim7080Timing.CommandMs);
            _state.SelfRestart = false;
            _state.ForgetBoot();
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
            int epoch = _state.Epoch;
            _state.ExpectBootUrcs = true;
            _state.Configured = false;
            AtResult r = _commands.Run("ATE0", null, Sim7080Timing.CommandMs);
            if (!r.IsOk)
            {
                return ModemCommands.Fail(r);
            }

            _state.EchoBaseline = _at.EchoLines;
            r = _commands.Run("AT+CMEE=2", null, Sim7080Timing.CommandMs);
            if (!r.IsOk)
            {
                return ModemCommands.Fail(r);
            }

            ModemResult m = _network.CheckSim();
            if (m == ModemResult.Ok)
            {
                m = _network.ConfigureRadio();
            }

            if (m == ModemResult.Ok && _network.EnableNetworkTime())
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
                    m = _tls.WriteCertificates(certificates);
                }
            }

            if (m == ModemResult.Ok)
            {
                m = _tls.ConfigureSsl();
            }

            if (_state.Epoch != epoch)
            {
                return ModemResult.Restarted;
            }

            if (m == ModemResult.Ok)
            {
                _state.Configured = true;
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
            if (allowStatePoll && _state.MqttConnected && _options.StatePollMs > 0 && _clock.NowMs - _mqtt.LastStateCheckMs >= _options.StatePollMs)
            {
                int state;
                _mqtt.QueryMqttState(out state);
                int dbm;
                _network.ReadSignal(out dbm);
            }
        }

        /// <summary>Processes what the modem sent since the last call, without waiting and without sending.</summary>
        public void Poll()
        {
            _commands.Poll();
        }

        /// <summary>
        /// Waits for the SIM: <c>AT+CPIN?</c> until <c>READY</c>, entering the configured PIN once
        /// when asked (never twice: three wrong PINs lock the SIM).
        /// </summary>
        /// <returns>Ok, or why the SIM is not usable.</returns>
        public ModemResult CheckSim()
        {
            return _network.CheckSim();
        }

        /// <summary>
        /// LTE only (<c>AT+CNMP=38</c>), LTE-M or NB-IoT (<c>AT+CMNB</c>), and the attach APN
        /// (<c>AT+CGDCONT=1,"IP",apn</c>). The modem saves all three, so they are read first and the
        /// radio is cycled (<c>AT+CFUN=0</c> ... <c>AT+CFUN=1</c>) only when one must change.
        /// </summary>
        /// <returns>Ok, or the step that failed.</returns>
        public ModemResult ConfigureRadio()
        {
            return _network.ConfigureRadio();
        }

        /// <summary>
        /// Polls <c>AT+CEREG?</c> every <see cref="Sim7080Timing.RegistrationPollMs"/> until the
        /// modem is registered (home or roaming), registration is denied, or the deadline passes.
        /// </summary>
        /// <returns>Ok, <see cref="ModemResult.RegistrationDenied"/> or <see cref="ModemResult.NotRegistered"/>.</returns>
        public ModemResult WaitForRegistration()
        {
            return _network.WaitForRegistration();
        }

        /// <summary>
        /// Activates PDP context 0 for the modem's own IP stack: <c>AT+CNCFG=0,1,apn</c>, then
        /// <c>AT+CNACT=0,1</c> and the <c>+APP PDP: 0,ACTIVE</c> URC (MAN §6; MQN §4). Does nothing
        /// when <c>AT+CNACT?</c> shows it active already.
        /// </summary>
        /// <returns>Ok, or <see cref="ModemResult.PdpFailed"/> (or Timeout/Restarted).</returns>
        public ModemResult ActivatePdp()
        {
            return _network.ActivatePdp();
        }

        /// <summary>
        /// Reads the modem's clock (<c>AT+CCLK?</c>) as UTC. Fails while the network has not set it
        /// (the modem then reports 1980-01-06).
        /// </summary>
        /// <param name="utcMs">Milliseconds since the Unix epoch.</param>
        /// <returns>Ok, or Error when unsynchronised or unreadable.</returns>
        public ModemResult ReadNetworkTime(out long utcMs)
        {
            return _network.ReadNetworkTime(out utcMs);
        }

        /// <summary>Sets the modem's clock (<c>AT+CCLK="yy/MM/dd,hh:mm:ss+00"</c>) so TLS can check certificate dates.</summary>
        /// <param name="utcMs">UTC, milliseconds since the Unix epoch (years 2000 to 2069).</param>
        /// <returns>Ok, Invalid for an unrepresentable time, or the modem's error.</returns>
        public ModemResult SetClock(long utcMs)
        {
            return _network.SetClock(utcMs);
        }

        /// <summary>Reads the signal level (<c>AT+CSQ</c>) into <see cref="SignalDbm"/>.</summary>
        /// <param name="dbm">The level in dBm, or <see cref="SignalQuality.UnknownDbm"/>.</param>
        /// <returns>Ok, or the failure.</returns>
        public ModemResult ReadSignal(out int dbm)
        {
            return _network.ReadSignal(out dbm);
        }

        /// <summary>Reads the serving cell (<c>AT+CPSI?</c>).</summary>
        /// <param name="info">The cell, or a "no service" value.</param>
        /// <returns>Ok, or the failure.</returns>
        public ModemResult ReadCellInfo(out CellInfo info)
        {
            return _network.ReadCellInfo(out info);
        }

        /// <summary>Reads the firmware revision (<c>AT+CGMR</c> answers <c>Revision:1951B17SIM7080</c>) into <see cref="FirmwareVersion"/>.</summary>
        /// <param name="version">The revision text.</param>
        /// <returns>Ok, or the failure.</returns>
        public ModemResult ReadFirmwareVersion(out string version)
        {
            return _network.ReadFirmwareVersion(out version);
        }

        /// <summary>
        /// Writes the CA, certificate and key to the modem's customer directory (index 3) with
        /// <c>AT+CFSINIT</c>, <c>AT+CFSWFILE</c> in chunks and <c>AT+CFSTERM</c> (MAN §9; LG). Skipped
        /// when the stamp file on the modem names this exact content; the stamp is deleted before and
        /// written after the files, so an interrupted write is redone.
        /// </summary>
        /// <param name="certificates">The files.</param>
        /// <returns>Ok, or <see cref="ModemResult.FileWriteFailed"/> (or Timeout/Restarted).</returns>
        public ModemResult WriteCertificates(ModemCertificates certificates)
        {
            return _tls.WriteCertificates(certificates);
        }

        /// <summary>
        /// TLS for mutual authentication: TLS 1.2 and the server name on SSL contexts 0 and 1, then
        /// the CA and the client certificate with its key (MAN §11; SSLN §4; MQN §5.2). The context
        /// settings are NO_SAVE, so this runs after every boot.
        /// </summary>
        /// <returns>Ok, <see cref="ModemResult.Error"/> for a context setting, or <see cref="ModemResult.CertificateRejected"/>.</returns>
        public ModemResult ConfigureSsl()
        {
            return _tls.ConfigureSsl();
        }

        /// <summary>
        /// Connects to the broker through the modem's MQTT stack: a stale session cleared, the
        /// settings and the will, SUBHEX, mutual TLS, <c>AT+SMCONN</c>, confirmed by
        /// <c>AT+SMSTATE?</c> (MAN §17; MQN §5.2; LG).
        /// </summary>
        /// <param name="options">Client id, keep-alive, will, clean session.</param>
        /// <returns>Ok, <see cref="ModemResult.ConnectFailed"/>, Timeout, or the step that failed.</returns>
        public ModemResult ConnectMqtt(MqttConnectOptions options)
        {
            return _mqtt.ConnectMqtt(options);
        }

        /// <summary>
        /// Publishes with <c>AT+SMPUB</c>; for QoS 1 an <c>OK</c> is checked with <c>AT+SMSTATE?</c>
        /// (Modem/README.md, "Delivery semantics").
        /// </summary>
        /// <param name="topic">The topic (printable ASCII, no double quote, at most 128).</param>
        /// <param name="payload">Buffer holding the payload.</param>
        /// <param name="offset">Index of the first payload byte.</param>
        /// <param name="count">Payload length, 0 to <see cref="MaxPublishBytes"/>.</param>
        /// <param name="qos">0, 1 or 2.</param>
        /// <param name="retain">The retain flag.</param>
        /// <param name="payloadSent">True when the payload was written to the modem (the message may have reached the broker).</param>
        /// <returns>Ok; NotConnected; Error (the modem refused it, session still up); Timeout; Restarted; Invalid.</returns>
        public ModemResult Publish(string topic, byte[] payload, int offset, int count, int qos, bool retain, out bool payloadSent)
        {
            return _mqtt.Publish(topic, payload, offset, count, qos, retain, out payloadSent);
        }

        /// <summary>Subscribes: <c>AT+SMSUB="topic",qos</c>; messages arrive as <c>+SMSUB</c> URCs (<see cref="TryTakeMessage"/>).</summary>
        /// <param name="topic">The topic filter (printable ASCII, no double quote, at most 128).</param>
        /// <param name="qos">0, 1 or 2.</param>
        /// <returns>Ok, NotConnected, Error, Timeout, Restarted or Invalid.</returns>
        public ModemResult Subscribe(string topic, int qos)
        {
            return _mqtt.Subscribe(topic, qos);
        }

        /// <summary>Disconnects (<c>AT+SMDISC</c>: DISCONNECT, so the broker does not publish the will).</summary>
        /// <returns>Ok, or Timeout.</returns>
        public ModemResult DisconnectMqtt()
        {
            return _mqtt.DisconnectMqtt();
        }

        /// <summary>Reads <c>AT+SMSTATE?</c> (0 disconnected, 1 online, 2 online with a session present); 0 clears <see cref="IsMqttConnected"/>.</summary>
        /// <param name="state">The state, or -1 when it could not be read.</param>
        /// <returns>Ok, or the failure.</returns>
        public ModemResult QueryMqttState(out int state)
        {
            return _mqtt.QueryMqttState(out state);
        }

        /// <summary>Takes the oldest message received on a subscription.</summary>
        /// <param name="topic">Its topic.</param>
        /// <param name="payload">Its payload.</param>
        /// <returns>False when none is waiting.</returns>
        public bool TryTakeMessage(out string topic, out byte[] payload)
        {
            return _mqtt.TryTakeMessage(out topic, out payload);
        }

        private ModemResult BringUpOnce(ModemCertificates? certificates, IWallClock? wallClock)
        {
            Poll();
            ModemResult r;
            if (!_state.Configured)
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

            if (!_state.PdpActive)
            {
                r = _network.WaitForRegistration();
                if (r == ModemResult.Ok)
                {
                    r = _network.ActivatePdp();
                }

                if (r != ModemResult.Ok)
                {
                    return _state.Configured ? r : ModemResult.Restarted;
                }
            }

            long utc;
            if (_network.ReadNetworkTime(out utc) != ModemResult.Ok && wallClock != null && wallClock.IsValid)
            {
                _network.SetClock(wallClock.UtcNowMs);
            }

            return _state.Configured && _state.PdpActive ? ModemResult.Ok : ModemResult.Restarted;
        }

        /// <summary>Restarts the modem on purpose (<c>AT+CFUN=1,1</c>, MAN §3) and waits until it answers again.</summary>
        private void RestartModem()
        {
            _state.SelfRestart = true;
            _commands.Run("AT+CFUN=1,1", null, Sim7080Timing.CfunMs);
            _state.ForgetBoot();
            long deadline = _clock.NowMs + Sim7080Timing.BootTimeoutMs;
            while (_clock.NowMs < deadline && !Probe())
            {
            }

            _state.SelfRestart = false;
        }

        private bool Probe()
        {
            AtResult r = _commands.Run("AT", null, Sim7080Timing.SyncProbeMs);
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
            _state.ForgetBoot();
        }
    }
}
