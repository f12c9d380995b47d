using Tracker.Core.Time;
using Tracker.Core.Uplink;

namespace Tracker.Core.Modem
{
    /// <summary>
    /// <see cref="IMqttLink"/> over the SIM7080G's own MQTT stack (<see cref="Sim7080Modem"/>).
    /// Synchronous: <see cref="Connect"/> brings the modem up as far as needed and connects;
    /// <see cref="Publish"/> returns after the modem's final result and has queued the QoS 1
    /// completion by then.
    /// </summary>
    /// <remarks>
    /// <para>Delivery semantics of a QoS 1 publish (README "Delivery semantics"): delivered = true
    /// when <c>AT+SMPUB</c> ended in <c>OK</c> and <c>AT+SMSTATE?</c> right after still shows the
    /// session up; delivered = false when the payload was written but the modem answered
    /// <c>ERROR</c>, did not answer, or the session dropped. Whether the modem's <c>OK</c> waits for
    /// the broker's PUBACK is UNCONFIRMED, so "delivered" can be wrong in one direction only if it
    /// does not: a message lost after <c>OK</c> when the session drops between the <c>OK</c> and the
    /// state check would be taken for delivered. A false "not delivered" only causes a duplicate,
    /// which the cloud removes by (car, ts).</para>
    /// <para>A payload is at most <see cref="MaxPayloadBytes"/> (MAN §17), so the uplink's largest
    /// fix message must be set to that or less over this link. The will is sent only when it is
    /// quotable text (no control bytes, no double quote): the modem takes it as a quoted AT string
    /// (<c>AT+SMCONF="MESSAGE"</c>); otherwise the link connects without it and counts
    /// <see cref="Sim7080Modem.WillsOmitted"/>.</para>
    /// </remarks>
    public sealed class Sim7080MqttLink : IMqttLink
    {
        /// <summary>Largest payload this link carries (<see cref="Sim7080Modem.MaxPublishBytes"/>).</summary>
        public const int MaxPayloadBytes = Sim7080Modem.MaxPublishBytes;

        /// <summary>QoS 1 outcomes kept until taken; <see cref="Publish"/> answers Busy beyond that.</summary>
        public const int CompletionCapacity = 16;

        private readonly Sim7080Modem _modem;
        private readonly ModemCertificates? _certificates;
        private readonly IWallClock? _wallClock;
        private readonly int[] _completionIds = new int[CompletionCapacity];
        private readonly bool[] _completionDelivered = new bool[CompletionCapacity];
        private int _completionHead;
        private int _completionCount;
        private int _lastId;

        /// <summary>Creates the link.</summary>
        /// <param name="modem">The driver.</param>
        /// <param name="certificates">The CA, certificate and key to keep on the modem, or null when they are put there otherwise.</param>
        /// <param name="wallClock">The device clock, copied into the modem when the network has not set its clock (TLS checks dates); may be null.</param>
        public Sim7080MqttLink(Sim7080Modem modem, ModemCertificates? certificates, IWallClock? wallClock)
        {
            if (modem == null)
            {
                throw new System.ArgumentNullException("modem");
            }

            _modem = modem;
            _certificates = certificates;
            _wallClock = wallClock;
        }

        /// <summary>The driver, for diagnostics (<see cref="Sim7080Modem.SignalDbm"/>, <see cref="Sim7080Modem.FirmwareVersion"/>, <see cref="Sim7080Modem.LastFailure"/>).</summary>
        public Sim7080Modem Modem
        {
            get { return _modem; }
        }

        /// <summary>The result of the last failed step, in <see cref="ModemResult"/> terms (for the device log).</summary>
        public ModemResult LastModemResult { get; private set; }

        /// <inheritdoc/>
        /// <remarks>Reads what the modem already sent (no command, no wait), so a disconnect or restart URC is noticed here.</remarks>
        public bool IsConnected
        {
            get
            {
                _modem.Poll();
                return _modem.IsMqttConnected;
            }
        }

        /// <inheritdoc/>
        /// <remarks>
        /// The modem's MQTT stack sends PINGREQ and takes PINGRESP and PUBACK itself (<c>AT+SMPUB</c> returns after
        /// it), so what the driver sees of the broker is <c>AT+SMSTATE?</c> showing the session up
        /// (<see cref="Sim7080Modem.SessionConfirmations"/>); a dropped session (<c>+SMSTATE: 0</c>, or the state
        /// reading 0) turns <see cref="IsConnected"/> false instead.
        /// </remarks>
        public int HeardFromBroker
        {
            get { return _modem.SessionConfirmations; }
        }

        /// <inheritdoc/>
        public LinkResult Connect(MqttConnectOptions options)
        {
            if (options == null)
            {
                throw new System.ArgumentNullException("options");
            }

            ClearCompletions();
            ModemResult r = ModemResult.Restarted;
            for (int attempt = 0; attempt < 2 && r == ModemResult.Restarted; attempt++)
            {
                r = _modem.BringUp(_certificates, _wallClock);
                if (r == ModemResult.Ok)
                {
                    r = _modem.ConnectMqtt(options);
                }
            }

            LastModemResult = r;
            if (r != ModemResult.Ok)
            {
                return r == ModemResult.Restarted ? LinkResult.NetworkDown : Map(r);
            }

            int dbm;
            _modem.ReadSignal(out dbm);
            if (_modem.FirmwareVersion.Length == 0)
            {
                string version;
                _modem.ReadFirmwareVersion(out version);
            }

            return LinkResult.Ok;
        }

        /// <summary>
        /// Brings the modem and bearer up (no MQTT) and reads the network's time, so the device can
        /// set its clock before the uplink's first connect when GNSS has no fix yet (the uplink does
        /// not connect without a valid clock). Blocks like <see cref="Connect"/>.
        /// </summary>
        /// <param name="utcMs">UTC, milliseconds since the Unix epoch.</param>
        /// <returns>False when the bearer did not come up or the network has not sent its time.</returns>
        public bool TryReadNetworkTime(out long utcMs)
        {
            utcMs = 0;
            ModemResult r = _modem.BringUp(_certificates, null);
            if (r == ModemResult.Ok)
            {
                r = _modem.ReadNetworkTime(out utcMs);
            }

            if (r != ModemResult.Ok)
            {
                LastModemResult = r;
                return false;
            }

            return true;
        }

        /// <inheritdoc/>
        public LinkResult Publish(string topic, byte[] payload, int offset, int count, int qos, out int messageId)
        {
            messageId = 0;
            if (payload == null)
            {
                throw new System.ArgumentNullException("payload");
            }

            if (offset < 0 || count < 0 || offset + count > payload.Length)
            {
                throw new System.ArgumentOutOfRangeException("count");
            }

            if ((qos != 0 && qos != 1) || count > MaxPayloadBytes || !AtText.IsQuotable(topic, Sim7080Modem.MaxTopicLength))
            {
                return LinkResult.Invalid;
            }

            if (qos == 1 && _completionCount == CompletionCapacity)
            {
                return LinkResult.Busy;
            }

            bool sent;
            ModemResult r = _modem.Publish(topic, payload, offset, count, qos, false, out sent);
            if (r != ModemResult.Ok)
            {
                LastModemResult = r;
            }

            if (qos == 1 && sent)
            {
                messageId = NextId();
                Enqueue(messageId, r == ModemResult.Ok);
                return LinkResult.Ok;
            }

            if (r == ModemResult.Ok)
            {
                return LinkResult.Ok;
            }

            return r == ModemResult.Restarted ? LinkResult.NotConnected : Map(r);
        }

        /// <inheritdoc/>
        public bool TryTakeCompletion(out int messageId, out bool delivered)
        {
            if (_completionCount == 0)
            {
                messageId = 0;
                delivered = false;
                return false;
            }

            messageId = _completionIds[_completionHead];
            delivered = _completionDelivered[_completionHead];
            _completionHead = (_completionHead + 1) % CompletionCapacity;
            _completionCount--;
            return true;
        }

        /// <inheritdoc/>
        public LinkResult Subscribe(string topic)
        {
            ModemResult r = _modem.Subscribe(topic, 1);
            if (r != ModemResult.Ok)
            {
                LastModemResult = r;
            }

            return r == ModemResult.Restarted ? LinkResult.NotConnected : Map(r);
        }

        /// <inheritdoc/>
        /// <remarks>
        /// Also the link's heartbeat: it reads what the modem sent and, every
        /// <see cref="Sim7080Options.StatePollMs"/>, checks the session with <c>AT+SMSTATE?</c>.
        /// </remarks>
        public bool TryTakeMessage(out string topic, out byte[] payload)
        {
            _modem.Poll(true);
            return _modem.TryTakeMessage(out topic, out payload);
        }

        /// <inheritdoc/>
        public void Disconnect()
        {
            _modem.DisconnectMqtt();
            ClearCompletions();
        }

        /// <summary>Maps a driver outcome to the link's vocabulary.</summary>
        /// <param name="r">The driver outcome.</param>
        /// <returns>The link outcome.</returns>
        public static LinkResult Map(ModemResult r)
        {
            switch (r)
            {
                case ModemResult.Ok:
                    return LinkResult.Ok;
                case ModemResult.Timeout:
                    return LinkResult.Timeout;
                case ModemResult.NotConnected:
                    return LinkResult.NotConnected;
                case ModemResult.Invalid:
                    return LinkResult.Invalid;
                case ModemResult.CertificateRejected:
                    return LinkResult.Refused;
                case ModemResult.Error:
                case ModemResult.ConnectFailed:
                case ModemResult.FileWriteFailed:
                    return LinkResult.TransportFailed;
                default:
                    // NotResponding, SIM, registration, PDP, Restarted: no bearer.
                    return LinkResult.NetworkDown;
            }
        }

        private int NextId()
        {
            // MQTT packet ids are 1..65535 (MQTT 3.1.1 §2.3.1); unique among the ≤ 16 in flight.
            _lastId = _lastId >= 65535 ? 1 : _lastId + 1;
            return _lastId;
        }

        private void Enqueue(int id, bool delivered)
        {
            int slot = (_completionHead + _completionCount) % CompletionCapacity;
            _completionIds[slot] = id;
            _completionDelivered[slot] = delivered;
            _completionCount++;
        }

        private void ClearCompletions()
        {
            _completionHead = 0;
            _completionCount = 0;
        }
    }
}
