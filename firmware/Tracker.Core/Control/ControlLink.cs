using Tracker.Core.Uplink;

namespace Tracker.Core.Control
{
    /// <summary>
    /// Remote configuration on the car's one MQTT connection: an <see cref="IMqttLink"/> between the
    /// uplink engine and the real link (README.md §1). On every connection it subscribes to the
    /// shadow's <c>update/delta</c> and <c>update/rejected</c> and publishes the reported state (IoT
    /// Core then answers with a delta when desired still differs); each delta is taken out of the
    /// stream of messages before the engine sees it, applied by <see cref="RemoteConfig"/>, and
    /// answered with the new reported state, unless it asks again for what was already answered (the
    /// shadow re-sends it after every report, so answering would loop). Its own publishes' outcomes are taken out of the stream
    /// of completions too, so the engine sees only its own. A report that is not delivered is sent
    /// again on the next pass. Single-threaded (the main loop's); never throws on bad input.
    /// </summary>
    public sealed class ControlLink : IMqttLink
    {
        private readonly IMqttLink _inner;
        private readonly RemoteConfig _remote;
        private readonly ShadowTopics _topics;
        private bool _reportDue;
        private bool _reportInFlight;
        private int _reportId;
        private bool _configChanged;

        /// <summary>Wraps <paramref name="inner"/>.</summary>
        /// <param name="inner">The real link (the caller keeps it).</param>
        /// <param name="remote">The car's remote-config stage.</param>
        /// <param name="carId">The car id (the shadow's thing name).</param>
        public ControlLink(IMqttLink inner, RemoteConfig remote, string carId)
        {
            if (inner == null)
            {
                throw new System.ArgumentNullException(nameof(inner));
            }

            if (remote == null)
            {
                throw new System.ArgumentNullException(nameof(remote));
            }

            _inner = inner;
            _remote = remote;
            _topics = new ShadowTopics(carId);
            LastRejection = string.Empty;
        }

        /// <summary>The remote-config stage.</summary>
        public RemoteConfig Remote
        {
            get { return _remote; }
        }

        /// <summary>Deltas applied (live keys running, restart keys pending).</summary>
        public int Applied { get; private set; }

        /// <summary>Deltas refused (malformed, the loader's rules, provisioning-only keys, storage); the old config runs.</summary>
        public int Refused { get; private set; }

        /// <summary>Deltas ignored as stale or without config.</summary>
        public int Ignored { get; private set; }

        /// <summary>
        /// Deltas that asked again for a change already answered: refused again (<see cref="ApplyOutcome.RefusedAgain"/>)
        /// or already staged (<see cref="ApplyOutcome.AlreadyStaged"/>). Not answered: the shadow sends a delta after
        /// every report while desired differs, so an answer would only bring the same delta back.
        /// </summary>
        public int Repeated { get; private set; }

        /// <summary>Reported documents delivered (PUBACK).</summary>
        public int ReportsDelivered { get; private set; }

        /// <summary>Answers on <c>update/rejected</c> (the shadow refused a report).</summary>
        public int ReportsRejected { get; private set; }

        /// <summary>The last <c>update/rejected</c> payload, shortened (for the log), or empty.</summary>
        public string LastRejection { get; private set; }

        /// <inheritdoc/>
        public bool IsConnected
        {
            get { return _inner.IsConnected; }
        }

        /// <inheritdoc/>
        public int HeardFromBroker
        {
            get { return _inner.HeardFromBroker; }
        }

        /// <summary>
        /// True once after a delta changed the running configuration: the app rebuilds its live stages
        /// from <see cref="RemoteConfig.Result"/> and the flag clears.
        /// </summary>
        /// <returns>True when the running configuration changed since the last call.</returns>
        public bool TakeConfigChange()
        {
            bool changed = _configChanged;
            _configChanged = false;
            return changed;
        }

        /// <summary>
        /// Ends a trial boot of restart keys as passed (<see cref="RemoteConfig.ConfirmTrial"/>) and reports the keys
        /// applied. <see cref="Connect"/> does it on every connection; the app's pass tries again when that write failed.
        /// </summary>
        /// <returns>True when no trial runs any more.</returns>
        public bool ConfirmTrial()
        {
            if (!_remote.OnTrial)
            {
                return true;
            }

            if (!_remote.ConfirmTrial())
            {
                return false;
            }

            _reportDue = true;
            SendReport();
            return true;
        }

        /// <inheritdoc/>
        public LinkResult Connect(MqttConnectOptions options)
        {
            _reportInFlight = false;
            LinkResult result = _inner.Connect(options);
            if (result != LinkResult.Ok)
            {
                return result;
            }

            // Connected: restart keys on trial have proven the uplink, and the report says they are applied.
            _remote.ConfirmTrial();

            // Clean session: subscribe on every connection, then report, which brings any delta back. The
            // report carries the standing refusal, once per connection, so a cloud that missed it learns it.
            if (_inner.Subscribe(_topics.Delta) == LinkResult.Ok)
            {
                _inner.Subscribe(_topics.UpdateRejected);
            }

            _reportDue = true;
            SendReport();
            return result;
        }

        /// <inheritdoc/>
        public LinkResult Publish(string topic, byte[] payload, int offset, int count, int qos, out int messageId)
        {
            return _inner.Publish(topic, payload, offset, count, qos, out messageId);
        }

        /// <inheritdoc/>
        public bool TryTakeCompletion(out int messageId, out bool delivered)
        {
            while (_inner.TryTakeCompletion(out messageId, out delivered))
            {
                if (_reportInFlight && messageId == _reportId)
                {
                    _reportInFlight = false;
                    if (delivered)
                    {
                        ReportsDelivered++;
                    }
                    else
                    {
                        _reportDue = true;
                    }

                    continue;
                }

                return true;
            }

            SendReport();
            return false;
        }

        /// <inheritdoc/>
        public LinkResult Subscribe(string topic)
        {
            return _inner.Subscribe(topic);
        }

        /// <inheritdoc/>
        public bool TryTakeMessage(out string topic, out byte[] payload)
        {
            while (_inner.TryTakeMessage(out topic, out payload))
            {
                if (topic == _topics.Delta)
                {
                    Take(payload);
                    continue;
                }

                if (topic == _topics.UpdateRejected)
                {
                    ReportsRejected++;
                    LastRejection = Shorten(payload);
                    continue;
                }

                return true;
            }

            SendReport();
            return false;
        }

        /// <inheritdoc/>
        public void Disconnect()
        {
            _reportInFlight = false;
            _inner.Disconnect();
        }

        private void Take(byte[] payload)
        {
            if (payload == null)
            {
                return;
            }

            string before = _remote.Running.ToLines();
            ApplyOutcome outcome = _remote.Apply(payload, 0, payload.Length);
            if (outcome == ApplyOutcome.Applied)
            {
                Applied++;
                if (_remote.Running.ToLines() != before)
                {
                    _configChanged = true;
                }
            }
            else if (outcome == ApplyOutcome.Stale || outcome == ApplyOutcome.NoConfig)
            {
                Ignored++;
                return;
            }
            else if (outcome == ApplyOutcome.RefusedAgain || outcome == ApplyOutcome.AlreadyStaged)
            {
                // The standing answer still holds; the next connect's report repeats it once (Connect).
                Repeated++;
                return;
            }
            else
            {
                Refused++;
            }

            _reportDue = true;
            SendReport();
        }

        private void SendReport()
        {
            if (!_reportDue || _reportInFlight || !_inner.IsConnected)
            {
                return;
            }

            byte[] report = ShadowReport.Build(_remote);
            int id;
            if (_inner.Publish(_topics.Update, report, 0, report.Length, 1, out id) == LinkResult.Ok)
            {
                _reportDue = false;
                _reportInFlight = id != 0;
                _reportId = id;
            }
        }

        private static string Shorten(byte[] payload)
        {
            if (payload == null)
            {
                return string.Empty;
            }

            int n = payload.Length < 200 ? payload.Length : 200;
            char[] text = new char[n];
            for (int i = 0; i < n; i++)
            {
                byte b = payload[i];
                text[i] = b >= 32 && b < 127 ? (char)b : '?';
            }

            return new string(text);
        }
    }
}
