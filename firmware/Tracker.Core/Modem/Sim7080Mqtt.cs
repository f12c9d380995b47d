using Tracker.Core.Uplink;

namespace Tracker.Core.Modem
{
    /// <summary>
    /// MQTT through the SIM7080G's own stack (MAN §17; MQN §5): connect with the will and mutual TLS,
    /// publish with a checked result, subscribe, disconnect, and the session state. Part of
    /// <see cref="Sim7080Modem"/>, which exposes these operations.
    /// </summary>
    internal sealed class Sim7080Mqtt
    {
        private readonly ModemCommands _commands;
        private readonly ModemState _state;
        private readonly Sim7080Options _options;

        /// <summary>Creates the part.</summary>
        /// <param name="commands">The command runner.</param>
        /// <param name="options">The driver's options (endpoint, port, file names, deadlines).</param>
        internal Sim7080Mqtt(ModemCommands commands, Sim7080Options options)
        {
            _commands = commands;
            _state = commands.State;
            _options = options;
        }

        /// <summary>When <see cref="QueryMqttState"/> last ran (monotonic ms).</summary>
        internal long LastStateCheckMs { get; private set; }

        /// <summary>
        /// Times <c>AT+SMSTATE?</c> answered 1 or 2 (the session is up): the modem's MQTT stack answers the
        /// keep-alive itself and shows no PINGRESP, so this is the driver's sign that the broker is there.
        /// </summary>
        internal int SessionConfirmations { get; private set; }

        /// <summary>Connections made without the last will, because it was not quotable text.</summary>
        internal long WillsOmitted { get; private set; }

        private AtResult Run(string command, string? prefix, int timeoutMs)
        {
            return _commands.Run(command, prefix, timeoutMs);
        }
        /// <summary>
        /// Connects to the broker: <c>AT+SMDISC</c> (clears a stale session), <c>AT+SMCONF</c> URL,
        /// CLIENTID, KEEPTIME, CLEANSS, the will (TOPIC, MESSAGE, QOS 1, RETAIN 0), SUBHEX 1,
        /// <c>AT+SMSSL=1,ca,cert</c>, then <c>AT+SMCONN</c> with <see cref="Sim7080Options.ConnectTimeoutMs"/>,
        /// confirmed by <c>AT+SMSTATE?</c> (MAN §17; MQN §5.2; LG).
        /// </summary>
        /// <param name="options">Client id, keep-alive, will, clean session.</param>
        /// <returns>Ok, <see cref="ModemResult.ConnectFailed"/>, Timeout, or the step that failed.</returns>
        internal ModemResult ConnectMqtt(MqttConnectOptions options)
        {
            if (options == null)
            {
                throw new System.ArgumentNullException("options");
            }

            if (!AtText.IsQuotable(options.ClientId, 128))
            {
                _commands.LastFailure = "client id is not quotable text";
                return ModemResult.Invalid;
            }

            _commands.Poll();
            if (!_state.PdpActive)
            {
                return ModemResult.PdpFailed;
            }

            Run("AT+SMDISC", null, Sim7080Timing.DisconnectMs);
            _state.MqttConnected = false;
            string?[] settings = MqttSettings(options);
            for (int i = 0; i < settings.Length; i++)
            {
                string? setting = settings[i];
                if (setting == null)
                {
                    continue;
                }

                AtResult s = Run(setting, null, Sim7080Timing.CommandMs);
                if (!s.IsOk)
                {
                    return ModemCommands.Fail(s);
                }
            }

            // Binary-safe subscription payloads; older firmware may not know the tag.
            _state.SubHex = Run("AT+SMCONF=\"SUBHEX\",1", null, Sim7080Timing.CommandMs).IsOk;
            AtResult r = Run(
                string.Concat("AT+SMSSL=1,", AtText.Quote(_options.CaFileName), ",", AtText.Quote(_options.CertFileName)),
                null,
                Sim7080Timing.CommandMs);
            if (!r.IsOk)
            {
                return ModemCommands.Fail(r);
            }

            r = Run("AT+SMCONN", null, _options.ConnectTimeoutMs);
            if (r.Status == AtStatus.Timeout || r.Status == AtStatus.Restarted)
            {
                return ModemCommands.Fail(r);
            }

            if (!r.IsOk)
            {
                return ModemResult.ConnectFailed;
            }

            int state;
            ModemResult q = QueryMqttState(out state);
            if (q != ModemResult.Ok)
            {
                return q;
            }

            if (state != 1 && state != 2)
            {
                _commands.LastFailure = "AT+SMCONN -> OK but AT+SMSTATE? -> 0";
                return ModemResult.ConnectFailed;
            }

            _state.MqttConnected = true;
            _state.ExpectBootUrcs = false;
            return ModemResult.Ok;
        }

        /// <summary>
        /// Publishes: <c>AT+SMPUB="topic",len,qos,retain</c>, the <c>&gt;</c> prompt, exactly
        /// <paramref name="count"/> payload bytes, then <c>OK</c> or <c>ERROR</c>. For QoS 1 an
        /// <c>OK</c> is then checked with <c>AT+SMSTATE?</c>: Ok means the modem accepted the message
        /// and the session is still up (whether its <c>OK</c> waits for the PUBACK is UNCONFIRMED; see
        /// README "Delivery semantics").
        /// </summary>
        /// <param name="topic">The topic (printable ASCII, no double quote, at most 128).</param>
        /// <param name="payload">Buffer holding the payload.</param>
        /// <param name="offset">Index of the first payload byte.</param>
        /// <param name="count">Payload length, 0 to <see cref="Sim7080Modem.MaxPublishBytes"/>.</param>
        /// <param name="qos">0, 1 or 2.</param>
        /// <param name="retain">The retain flag.</param>
        /// <param name="payloadSent">True when the payload was written to the modem (the message may have reached the broker).</param>
        /// <returns>Ok; NotConnected; Error (the modem refused it, session still up); Timeout; Restarted; Invalid.</returns>
        internal ModemResult Publish(string topic, byte[] payload, int offset, int count, int qos, bool retain, out bool payloadSent)
        {
            payloadSent = false;
            if (payload == null)
            {
                throw new System.ArgumentNullException("payload");
            }

            if (offset < 0 || count < 0 || offset + count > payload.Length)
            {
                throw new System.ArgumentOutOfRangeException("count");
            }

            if (!AtText.IsQuotable(topic, Sim7080Modem.MaxTopicLength) || count > Sim7080Modem.MaxPublishBytes || qos < 0 || qos > 2)
            {
                return ModemResult.Invalid;
            }

            _commands.Poll();
            if (!_state.MqttConnected)
            {
                return ModemResult.NotConnected;
            }

            string command = string.Concat(new string[]
            {
                "AT+SMPUB=", AtText.Quote(topic), ",", count.ToString(), ",", qos.ToString(), retain ? ",1" : ",0",
            });
            int epoch = _state.Epoch;
            AtResult r = _commands.RunWithData(command, AtPrompt.Chevron, payload, offset, count, Sim7080Timing.PromptMs, _options.PublishTimeoutMs);
            payloadSent = r.PayloadSent || (count == 0 && r.IsOk);
            if (_state.Epoch != epoch || r.Status == AtStatus.Restarted)
            {
                return ModemResult.Restarted;
            }

            if (r.Status == AtStatus.Timeout)
            {
                // The modem may still be waiting for data or for the broker: the session is suspect.
                _state.MqttConnected = false;
                return ModemResult.Timeout;
            }

            if (r.IsOk && qos == 0)
            {
                return ModemResult.Ok;
            }

            int state;
            ModemResult q = QueryMqttState(out state);
            if (q == ModemResult.Restarted || q == ModemResult.Timeout)
            {
                return q;
            }

            if (!_state.MqttConnected)
            {
                return ModemResult.NotConnected;
            }

            return r.IsOk ? ModemResult.Ok : ModemResult.Error;
        }

        /// <summary>Subscribes: <c>AT+SMSUB="topic",qos</c>; messages arrive as <c>+SMSUB</c> URCs (<see cref="TryTakeMessage"/>).</summary>
        /// <param name="topic">The topic filter (printable ASCII, no double quote, at most 128).</param>
        /// <param name="qos">0, 1 or 2.</param>
        /// <returns>Ok, NotConnected, Error, Timeout, Restarted or Invalid.</returns>
        internal ModemResult Subscribe(string topic, int qos)
        {
            if (!AtText.IsQuotable(topic, Sim7080Modem.MaxTopicLength) || qos < 0 || qos > 2)
            {
                return ModemResult.Invalid;
            }

            _commands.Poll();
            if (!_state.MqttConnected)
            {
                return ModemResult.NotConnected;
            }

            AtResult r = Run(string.Concat("AT+SMSUB=", AtText.Quote(topic), ",", qos.ToString()), null, Sim7080Timing.SubscribeMs);
            if (r.IsOk)
            {
                return ModemResult.Ok;
            }

            if (r.Status == AtStatus.Timeout || r.Status == AtStatus.Restarted)
            {
                return ModemCommands.Fail(r);
            }

            int state;
            QueryMqttState(out state);
            return _state.MqttConnected ? ModemResult.Error : ModemResult.NotConnected;
        }

        /// <summary>Disconnects (<c>AT+SMDISC</c>: DISCONNECT, so the broker does not publish the will).</summary>
        /// <returns>Ok, or Timeout.</returns>
        internal ModemResult DisconnectMqtt()
        {
            _commands.Poll();
            _state.MqttConnected = false;
            if (!_state.Configured)
            {
                // The modem restarted (or was never set up): it has no session to close.
                return ModemResult.Ok;
            }

            AtResult r = Run("AT+SMDISC", null, Sim7080Timing.DisconnectMs);
            return r.Status == AtStatus.Timeout ? ModemResult.Timeout : ModemResult.Ok;
        }

        /// <summary>Reads <c>AT+SMSTATE?</c> (0 disconnected, 1 online, 2 online with a session present); 0 clears <see cref="Sim7080Modem.IsMqttConnected"/>.</summary>
        /// <param name="state">The state, or -1 when it could not be read.</param>
        /// <returns>Ok, or the failure.</returns>
        internal ModemResult QueryMqttState(out int state)
        {
            state = -1;
            AtResult r = Run("AT+SMSTATE?", "+SMSTATE:", Sim7080Timing.CommandMs);
            LastStateCheckMs = _commands.Clock.NowMs;
            if (!r.IsOk)
            {
                if (r.Status == AtStatus.Timeout)
                {
                    _state.MqttConnected = false;
                }

                return ModemCommands.Fail(r);
            }

            int s;
            if (!AtText.TryParseInt(r.FindValue("+SMSTATE:"), out s))
            {
                _commands.LastFailure = "AT+SMSTATE? -> no state";
                return ModemResult.Error;
            }

            state = s;
            if (s == 0)
            {
                _state.MqttConnected = false;
            }
            else
            {
                SessionConfirmations++;
            }

            return ModemResult.Ok;
        }

        /// <summary>Takes the oldest message received on a subscription.</summary>
        /// <param name="topic">Its topic.</param>
        /// <param name="payload">Its payload.</param>
        /// <returns>False when none is waiting.</returns>
        internal bool TryTakeMessage(out string topic, out byte[] payload)
        {
            return _commands.Urcs.TryTakeMessage(out topic, out payload);
        }

        private string?[] MqttSettings(MqttConnectOptions o)
        {
            // Every slot assigned, the will's four as null when there is no will: the interpreter
            // compares a never-assigned slot with null wrongly (DESIGN.md).
            string?[] s = new string?[8];
            for (int i = 0; i < s.Length; i++)
            {
                s[i] = null;
            }

            s[0] = string.Concat("AT+SMCONF=\"URL\",", AtText.Quote(_options.Endpoint), ",", _options.Port.ToString());
            s[1] = "AT+SMCONF=\"CLIENTID\"," + AtText.Quote(o.ClientId);
            s[2] = "AT+SMCONF=\"KEEPTIME\"," + o.KeepAliveS.ToString();
            s[3] = o.CleanSession ? "AT+SMCONF=\"CLEANSS\",1" : "AT+SMCONF=\"CLEANSS\",0";
            if (o.WillTopic != null && o.WillPayload != null)
            {
                string will = WillText(o.WillPayload);
                if (AtText.IsQuotable(o.WillTopic, Sim7080Modem.MaxTopicLength) && will.Length > 0)
                {
                    s[4] = "AT+SMCONF=\"TOPIC\"," + AtText.Quote(o.WillTopic);
                    s[5] = "AT+SMCONF=\"MESSAGE\"," + AtText.Quote(will);
                    s[6] = "AT+SMCONF=\"QOS\",1";
                    s[7] = "AT+SMCONF=\"RETAIN\",0";
                }
                else
                {
                    WillsOmitted++;
                    _commands.LastFailure = "the last will is not quotable text; connected without it";
                }
            }

            return s;
        }

        /// <summary>The will as AT text, or empty when a byte cannot go in a quoted AT string.</summary>
        private static string WillText(byte[] payload)
        {
            if (payload.Length < 1 || payload.Length > Sim7080Modem.MaxWillLength)
            {
                return string.Empty;
            }

            for (int i = 0; i < payload.Length; i++)
            {
                if (payload[i] < 0x20 || payload[i] > 0x7E || payload[i] == (byte)'"')
                {
                    return string.Empty;
                }
            }

            return AtText.FromAscii(payload, 0, payload.Length);
        }
    }
}
