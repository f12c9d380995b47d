using Tracker.Core.Fixes;
using Tracker.Core.Storage;
using Tracker.Core.Time;
using Tracker.Core.Wire;

namespace Tracker.Core.Uplink
{
    /// <summary>
    /// Takes fixes from the <see cref="FixLog"/> to the broker over an <see cref="IMqttLink"/>, and
    /// keeps the car's status and live mode (stage "Publish" of the data path in DESIGN.md). The
    /// rules, the status format and the proof by test are in Uplink/README.md.
    /// </summary>
    /// <remarks>
    /// <para>Tick-driven: the device's loop calls <see cref="Tick"/> with a monotonic millisecond
    /// clock. There are no threads, timers or sleeps here; the only blocking is inside the link
    /// (<see cref="IMqttLink.Connect"/>, and <see cref="IMqttLink.Publish"/> on the modem).</para>
    /// <para>Delivery: a batch taken from the log is published with QoS 1 (in one or more messages,
    /// as <see cref="UplinkOptions.MaxMessageBytes"/> needs) and committed to the log only when
    /// every one of its messages was acknowledged. A message the link gives up on, or a commit the
    /// flash refuses, stops new sending until the messages in flight are settled, then hands every
    /// batch in flight back to the log (<see cref="FixLog.Rewind"/>). A lost connection, or a message
    /// unacknowledged for <see cref="UplinkOptions.AckTimeoutMs"/> while the broker has been silent
    /// for <see cref="UplinkOptions.BrokerSilenceMs"/> (or for <see cref="UplinkOptions.LateAckLimitMs"/> in any case),
    /// closes the connection, hands everything back, and reconnects after a backoff. A late PUBACK on a connection the
    /// broker is still heard on is waited for (<see cref="IMqttLink.HeardFromBroker"/>). So every fix appended reaches the broker at
    /// least once, and a fix is sent again only if its batch was in flight when something failed.</para>
    /// <para>Allocation-free in steady state: buffers, batch tokens and the message table are
    /// allocated here, once.</para>
    /// <para>The parts: <see cref="ReconnectSchedule"/> (when to connect, when a connection is good),
    /// <see cref="BatchSlots"/> (the batches taken from the log), <see cref="InFlightTable"/> (the
    /// messages awaiting their outcome), <see cref="StatusReporter"/> (the status message) and
    /// <see cref="LiveMode"/> (the live period); this class runs the connection and moves fixes
    /// between them.</para>
    /// </remarks>
    public sealed class UplinkEngine
    {
        /// <summary>
        /// A connection that stays up this long, or gets a PUBACK, resets the backoff; one that drops
        /// sooner (a broker that accepts and then closes, for example a policy that refuses the
        /// topic) keeps doubling it.
        /// </summary>
        public const int StableConnectionMs = 60000;

        /// <summary>Ignition changes are reported at most this often.</summary>
        public const int MinStatusGapMs = 10000;

        /// <summary>
        /// This many messages in a row that the link gave up on (delivered = false) close the
        /// connection, so that a link that keeps failing goes through the backoff instead of a
        /// tight publish-fail-rewind loop.
        /// </summary>
        public const int MaxFailuresInRow = 3;

        private readonly IMqttLink _link;
        private readonly FixLog _log;
        private readonly IWallClock _clock;
        private readonly UplinkOptions _options;
        private readonly UplinkTopics _topics;
        private readonly MqttConnectOptions _connectOptions;
        private readonly BatchEncoder _encoder;
        private readonly UplinkCounters _counters = new UplinkCounters();
        private readonly Fix[] _fixes;
        private readonly byte[] _payload;
        private readonly int _fixTopicBytes;
        private readonly int _statusTopicBytes;
        private readonly ReconnectSchedule _reconnect;
        private readonly BatchSlots _slots;
        private readonly InFlightTable _inFlight;
        private readonly StatusReporter _status;
        private readonly LiveMode _live;

        private UplinkState _state = UplinkState.WaitingForClock;
        private long _now;
        private long _startMs;
        private bool _started;
        private int _fixMessagesInFlight;
        private int _encodedSize = -1;
        private int _encodedFixes;
        private bool _draining;
        private bool _rewindPending;
        private bool _batchedYet;
        private long _lastBatchMs;
        private int _heardSeen;
        private long _lastHeardMs;

        /// <summary>Creates the engine; it does nothing until the first <see cref="Tick"/>.</summary>
        /// <param name="link">The MQTT link (modem, Wi-Fi or host).</param>
        /// <param name="log">The store-and-forward log the fixes come from.</param>
        /// <param name="clock">The calendar clock; nothing connects before it is valid.</param>
        /// <param name="device">Power, ignition, signal, firmware version, motion and last fix.</param>
        /// <param name="options">Topics, periods and limits.</param>
        /// <param name="jitterSeed">Seed of the reconnect jitter; make it differ between cars.</param>
        public UplinkEngine(IMqttLink link, FixLog log, IWallClock clock, IDeviceStatus device, UplinkOptions options, uint jitterSeed)
        {
            if (link == null)
            {
                throw new System.ArgumentNullException(nameof(link));
            }

            if (log == null)
            {
                throw new System.ArgumentNullException(nameof(log));
            }

            if (clock == null)
            {
                throw new System.ArgumentNullException(nameof(clock));
            }

            if (device == null)
            {
                throw new System.ArgumentNullException(nameof(device));
            }

            if (options == null)
            {
                throw new System.ArgumentNullException(nameof(options));
            }

            _link = link;
            _log = log;
            _clock = clock;
            _options = options;
            _topics = options.Topics;
            _connectOptions = new MqttConnectOptions(_topics.CarId, options.KeepAliveS, _topics.Status, StatusCodec.EncodeWill(), true);
            _reconnect = new ReconnectSchedule(new Backoff(options.BackoffBaseMs, options.BackoffCapMs, jitterSeed));
            _encoder = new BatchEncoder(options.MaxMessageBytes);
            _fixes = new Fix[options.MaxFixesPerBatch];
            _payload = new byte[options.MaxMessageBytes];
            _fixTopicBytes = _topics.Fixes.Length;
            _statusTopicBytes = _topics.Status.Length;
            _slots = new BatchSlots(options.MaxInFlight);
            _inFlight = new InFlightTable(options.MaxInFlight);
            _status = new StatusReporter(clock, device, log, options.StatusPeriodMs);
            _live = new LiveMode(options.MaxWatchMs, options.LiveWhenMoving, device);
        }

        /// <summary>Where the engine is.</summary>
        public UplinkState State
        {
            get { return _state; }
        }

        /// <summary>What the engine did since it was created.</summary>
        public UplinkCounters Counters
        {
            get { return _counters; }
        }

        /// <summary>The options it runs with.</summary>
        public UplinkOptions Options
        {
            get { return _options; }
        }

        /// <summary>True while the live period applies (watched, or moving when <see cref="UplinkOptions.LiveWhenMoving"/>), as of the last tick.</summary>
        public bool IsLive
        {
            get { return _live.IsLive; }
        }

        /// <summary>True while a watch request has not expired, as of the last tick.</summary>
        public bool IsWatched
        {
            get { return _live.IsWatched; }
        }

        /// <summary>Messages published and not yet acknowledged (at most <see cref="UplinkOptions.MaxInFlight"/>).</summary>
        public int MessagesInFlight
        {
            get { return _inFlight.Count; }
        }

        /// <summary>
        /// True when <see cref="Tick"/> at <paramref name="nowMs"/> would open the connection: not connected, the clock
        /// valid and no backoff delay waiting. That tick blocks in the link's <c>Connect</c> until the connection is up
        /// or has failed, so a caller that steps many uplinks from few threads (the simulated fleet) can give it a
        /// thread of its own. It changes nothing.
        /// </summary>
        /// <param name="nowMs">The monotonic tick the next <see cref="Tick"/> will be given.</param>
        /// <returns>Whether that tick would connect.</returns>
        public bool ConnectDue(long nowMs)
        {
            return _state != UplinkState.Connected && _clock.IsValid && _reconnect.IsDue(nowMs);
        }

        /// <summary>
        /// Does what is due: waits for the clock, connects when the backoff delay has passed, collects
        /// PUBACKs (committing batches) and control messages, detects a dead connection, sends a
        /// status message and fix batches. Call it from the device's loop, every 100 ms to 1 s.
        /// </summary>
        /// <param name="nowMs">A monotonic millisecond tick (never the calendar clock, which jumps when it is set).</param>
        public void Tick(long nowMs)
        {
            if (!_started)
            {
                _started = true;
                _startMs = nowMs;
            }

            _now = nowMs;
            if (_state == UplinkState.Connected)
            {
                RunConnected();
                return;
            }

            _live.Update(_now);
            if (!_clock.IsValid)
            {
                _state = UplinkState.WaitingForClock;
                return;
            }

            _state = UplinkState.Backoff;
            if (!_reconnect.IsDue(nowMs))
            {
                return;
            }

            Connect();
            if (_state == UplinkState.Connected)
            {
                RunConnected();
            }
        }

        private void Connect()
        {
            _counters.ConnectAttempts++;
            if (_link.Connect(_connectOptions) != LinkResult.Ok)
            {
                _counters.ConnectFailures++;
                ScheduleReconnect();
                return;
            }

            if (_reconnect.EverConnected)
            {
                _counters.Reconnects++;
            }

            _reconnect.Connected(_now);
            _state = UplinkState.Connected;
            _heardSeen = _link.HeardFromBroker;
            _lastHeardMs = _now; // the CONNACK
            _status.Request();
            _draining = true;
            _encodedSize = -1;

            // Clean session (MQTT 3.1.1 §3.1.2.4): subscriptions do not survive, so subscribe on every connection.
            if (_link.Subscribe(_topics.Live) != LinkResult.Ok)
            {
                _counters.SubscribeFailures++;
            }
        }

        private void ScheduleReconnect()
        {
            _state = UplinkState.Backoff;
            _reconnect.Schedule(_now);
        }

        private void RunConnected()
        {
            if (!_link.IsConnected)
            {
                Drop();
                return;
            }

            TakeCompletions();
            TakeMessages();
            _live.Update(_now);
            if (!_link.IsConnected)
            {
                Drop();
                return;
            }

            if (AckTimedOut())
            {
                _counters.AckTimeouts++;
                Drop();
                return;
            }

            if (_reconnect.FailuresInRow >= MaxFailuresInRow)
            {
                Drop();
                return;
            }

            _reconnect.CheckStable(_now);
            if (_rewindPending && _fixMessagesInFlight == 0)
            {
                RewindAll();
            }

            if (SendStatusIfDue())
            {
                SendFixes();
            }
        }

        // A message unacknowledged for AckTimeoutMs ends the connection only when the broker has been silent for
        // BrokerSilenceMs too (Uplink/README.md, "A late PUBACK"): a broker that still answers is slow, typically
        // pushing back while its store catches up, and a reconnect would only add a handshake and send the messages
        // in flight again. Messages still go out only within the in-flight window, as always. LateAckLimitMs bounds the
        // wait for a broker that answers but never acknowledges.
        private bool AckTimedOut()
        {
            int heard = _link.HeardFromBroker;
            if (heard != _heardSeen)
            {
                _heardSeen = heard;
                _lastHeardMs = _now;
            }

            if (!_inFlight.AnyOverdue(_now, _options.AckTimeoutMs))
            {
                return false;
            }

            // Silence counts from the broker's last sign, or from the oldest send if that is later: a car idle for a
            // while has heard nothing lately, and its keep-alive owes the broker a PINGREQ a keep-alive after a send.
            long silentSince = _inFlight.OldestSentMs(_now);
            if (_lastHeardMs > silentSince)
            {
                silentSince = _lastHeardMs;
            }

            if (_now - silentSince >= _options.BrokerSilenceMs || _inFlight.AnyOverdue(_now, _options.LateAckLimitMs))
            {
                return true;
            }

            _counters.LateAcksWaited += _inFlight.MarkLate(_now, _options.AckTimeoutMs);
            return false;
        }

        // Ends the connection: outcomes that arrived before the loss still count, then everything in
        // flight goes back to the log and the reconnect is scheduled.
        private void Drop()
        {
            TakeCompletions();
            _link.Disconnect();
            _counters.ConnectionsLost++;
            RewindAll();
            _inFlight.Clear();
            _fixMessagesInFlight = 0;
            _status.InFlight = false;
            _reconnect.FailuresInRow = 0;
            ScheduleReconnect();
        }

        private void TakeCompletions()
        {
            int id;
            bool delivered;
            while (_link.TryTakeCompletion(out id, out delivered))
            {
                int slot;
                if (!_inFlight.TryRemove(id, out slot))
                {
                    _counters.StrayCompletions++;
                    continue;
                }

                if (slot == InFlightTable.StatusSlot)
                {
                    _status.InFlight = false;
                    if (delivered)
                    {
                        _counters.StatusBytes += UplinkCounters.PubackBytes;
                        _reconnect.MarkStable();
                    }
                    else
                    {
                        _counters.PublishFailures++;
                        _reconnect.FailuresInRow++;
                    }

                    continue;
                }

                _fixMessagesInFlight--;
                if (delivered)
                {
                    _counters.FixMessagesDelivered++;
                    _counters.FixPubackBytes += UplinkCounters.PubackBytes;
                    _reconnect.MarkStable();
                }
                else
                {
                    _counters.PublishFailures++;
                    _reconnect.FailuresInRow++;
                    _rewindPending = true;
                }

                if (_slots.MessageSettled(slot, delivered))
                {
                    CommitSlot(slot);
                }
            }
        }

        private void TakeMessages()
        {
            string topic;
            byte[] payload;
            while (_link.TryTakeMessage(out topic, out payload))
            {
                int seconds;
                if (topic == _topics.Live && LiveCommand.TryParseWatchSeconds(payload, out seconds))
                {
                    _counters.ControlMessages++;
                    _live.Watch(_now, seconds);
                }
                else
                {
                    _counters.IgnoredMessages++;
                }
            }
        }

        private void CommitSlot(int slot)
        {
            LogBatch batch = _slots.Batch(slot);
            if (_log.Commit(batch) == FixLogResult.Ok)
            {
                _counters.Commits++;
                _counters.FixesCommitted += batch.Count;
                _slots.Release(slot);
                return;
            }

            // The flash refused: the batch stays taken in the log until the rewind hands it back.
            _counters.CommitFailures++;
            _slots.MarkFailed(slot);
            _rewindPending = true;
        }

        private void RewindAll()
        {
            bool any = _slots.ReleaseAll() | _rewindPending;
            if (any)
            {
                _log.Rewind();
                _counters.Rewinds++;
            }

            _rewindPending = false;
            _encodedSize = -1;
        }

        // Returns false when the connection was dropped.
        private bool SendStatusIfDue()
        {
            if (_status.InFlight || _inFlight.Count >= _options.MaxInFlight)
            {
                return true;
            }

            IgnitionState ignition;
            if (!_status.IsDue(_now, out ignition))
            {
                return true;
            }

            int size = _status.Encode(_now, _now - _startMs, ignition, _live.IsWatched, _counters.Reconnects);
            int id;
            LinkResult result = _link.Publish(_topics.Status, _status.Buffer, 0, size, 1, out id);
            if (result == LinkResult.Busy)
            {
                _counters.LinkBusy++;
                return true;
            }

            if (result != LinkResult.Ok)
            {
                _counters.PublishFailures++;
                Drop();
                return false;
            }

            if (!AddMessage(id, InFlightTable.StatusSlot))
            {
                return false;
            }

            _status.Sent(_now, ignition);
            _counters.StatusMessages++;
            _counters.StatusBytes += UplinkCounters.PublishPacketBytes(_statusTopicBytes, size);
            return true;
        }

        private void SendFixes()
        {
            while (!_rewindPending && _inFlight.Count < _options.MaxInFlight)
            {
                if (_slots.Open < 0)
                {
                    if (!BatchDue() || !OpenBatch())
                    {
                        return;
                    }

                    if (_slots.Open < 0)
                    {
                        continue; // the batch held nothing the wire can carry and was committed
                    }
                }

                if (!PublishOpen())
                {
                    return;
                }
            }
        }

        // The hold rule (Uplink/README.md, "When a batch goes"): a batch starts when fixes are waiting
        // and the log held a backlog at connect, or a full batch is waiting, or the period (live or
        // normal) has passed since the previous batch started.
        private bool BatchDue()
        {
            long unsent = _log.PendingCount - _slots.FixesHeld;
            if (unsent <= 0)
            {
                _draining = false;
                return false;
            }

            if (_draining || !_batchedYet || unsent >= _options.MaxFixesPerBatch)
            {
                return true;
            }

            long period = _live.IsLive ? _options.LivePeriodMs : _options.NormalPeriodMs;
            return _now - _lastBatchMs >= period;
        }

        private bool OpenBatch()
        {
            int slot = _slots.FindFree();
            if (slot < 0)
            {
                return false;
            }

            int taken = _log.TakeBatch(_fixes, _options.MaxFixesPerBatch, _slots.Batch(slot));
            if (taken == 0)
            {
                return false; // every waiting fix is in flight, or the log's reservations are used up
            }

            _batchedYet = true;
            _lastBatchMs = _now;
            int encodable = KeepEncodable(taken);
            _slots.Fill(slot, taken, encodable);
            if (encodable == 0)
            {
                CommitSlot(slot);
                return true;
            }

            _slots.Open = slot;
            _encodedSize = -1;
            return true;
        }

        // Moves the fixes the wire format can carry to the front and returns their number. A fix
        // outside the format's domain would make the encoder throw on every tick; it is dropped and
        // counted instead, and committed with its batch, so one bad record never blocks the log.
        private int KeepEncodable(int count)
        {
            int kept = 0;
            for (int i = 0; i < count; i++)
            {
                if (BatchFormat.IsEncodable(_fixes[i]))
                {
                    if (kept != i)
                    {
                        _fixes[kept] = _fixes[i];
                    }

                    kept++;
                }
                else
                {
                    _counters.UnencodableFixes++;
                }
            }

            return kept;
        }

        // Publishes the next message of the open batch; false when the link is busy or dropped.
        private bool PublishOpen()
        {
            int slot = _slots.Open;
            if (_encodedSize < 0)
            {
                int from = _slots.Sent(slot);
                _encodedSize = _encoder.Encode(_fixes, from, _slots.Count(slot) - from, _payload, 0, out _encodedFixes);
            }

            int id;
            LinkResult result = _link.Publish(_topics.Fixes, _payload, 0, _encodedSize, 1, out id);
            if (result == LinkResult.Busy)
            {
                _counters.LinkBusy++;
                return false;
            }

            if (result != LinkResult.Ok)
            {
                _counters.PublishFailures++;
                Drop();
                return false;
            }

            if (!AddMessage(id, slot))
            {
                return false;
            }

            _counters.FixMessages++;
            _counters.PayloadBytes += _encodedSize;
            _counters.FixPublishBytes += UplinkCounters.PublishPacketBytes(_fixTopicBytes, _encodedSize);
            _counters.FixesSent += _encodedFixes;
            _fixMessagesInFlight++;
            _encodedSize = -1;
            if (_slots.MessageSent(slot, _encodedFixes))
            {
                _slots.Open = -1;
            }

            return true;
        }

        // Records a published message; a link that reuses an id still in flight breaks its contract,
        // and the connection is dropped (everything in flight is offered again).
        private bool AddMessage(int id, int slot)
        {
            if (_inFlight.TryAdd(id, slot, _now))
            {
                return true;
            }

            _counters.PublishFailures++;
            Drop();
            return false;
        }
    }
}
