using Tracker.Core.Uplink;

namespace Tracker.Core.Modem
{
    /// <summary>
    /// What the SIM7080G says unprompted, and what the driver does with it: boot and power-down URCs
    /// are restarts; <c>+APP PDP</c> moves the bearer; <c>+SMSTATE: 0</c> ends the session; <c>+SMSUB</c>
    /// carries a message received on a subscription (kept until taken). Everything else is counted.
    /// </summary>
    internal sealed class ModemUrcs
    {
        private readonly ModemState _state;
        private readonly ReceivedMessages _messages;

        /// <summary>Creates the handler.</summary>
        /// <param name="state">The driver's state, which the URCs move.</param>
        /// <param name="messageCapacity">Messages kept until taken.</param>
        internal ModemUrcs(ModemState state, int messageCapacity)
        {
            _state = state;
            _messages = new ReceivedMessages(messageCapacity);
        }

        /// <summary>Messages dropped because the queue was full.</summary>
        internal long MessagesDropped
        {
            get { return _messages.Dropped; }
        }

        /// <summary><c>+SMSUB</c> URCs that could not be parsed.</summary>
        internal long BadMessages { get; private set; }

        /// <summary>URCs the driver does not act on (network time, unknown).</summary>
        internal long OtherUrcs { get; private set; }

        /// <summary>Takes the oldest message received on a subscription.</summary>
        /// <param name="topic">Its topic.</param>
        /// <param name="payload">Its payload.</param>
        /// <returns>False when none is waiting.</returns>
        internal bool TryTakeMessage(out string topic, out byte[] payload)
        {
            return _messages.TryTake(out topic, out payload);
        }

        /// <summary>Acts on one URC line.</summary>
        /// <param name="line">The line.</param>
        internal void Handle(string line)
        {
            if (line == "RDY" || line.StartsWith("NORMAL POWER DOWN") || line.StartsWith("UNDER-VOLTAGE POWER DOWN") || line.StartsWith("OVER-VOLTAGE POWER DOWN"))
            {
                _state.OnRestart(!_state.SelfRestart);
                return;
            }

            if (line == "+CFUN: 1" || line == "+CPIN: READY" || line == "SMS Ready")
            {
                // Also the answer to our own AT+CFUN=1 or PIN entry during bring-up.
                if (!_state.ExpectBootUrcs)
                {
                    _state.OnRestart(true);
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
                        _state.PdpActive = true;
                    }
                    else if (f[1] == "DEACTIVE")
                    {
                        _state.BearerLost();
                    }
                }

                return;
            }

            if (line.StartsWith("+SMSTATE:"))
            {
                int s;
                if (AtText.TryParseInt(line.Substring(9), out s) && s == 0)
                {
                    _state.MqttConnected = false;
                }

                return;
            }

            if (line.StartsWith(SubscriptionUrc.Prefix))
            {
                string topic;
                byte[] payload;
                if (!SubscriptionUrc.TryParse(line.Substring(SubscriptionUrc.Prefix.Length), _state.SubHex, out topic, out payload))
                {
                    BadMessages++;
                    return;
                }

                _messages.Add(topic, payload);
                return;
            }

            OtherUrcs++;
        }
    }
}
