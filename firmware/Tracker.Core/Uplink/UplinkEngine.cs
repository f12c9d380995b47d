using Tracker.Core.Fixes;
using Tracker.Core.Storage;
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
    /// unacknowledged for <see cref="UplinkOptions.AckTimeoutMs"/>, closes the connection, hands
    /// everything back, and reconnects after a backoff. So every fix appended reaches the broker at
    /// least once, and a fix is sent again only if its batch was in flight when something failed.</para>
    /// <para>Allocation-free in steady state: buffers, batch tokens and the message table are
    /// allocated here, once.</para>
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

        private const int StatusSlot = -1;
        private const int MaxAttempt = 30;

        private readonly IMqttLink _link;
        private readonly FixLog _log;
        private readonly IWallClock _clock;
        private readonly IDeviceStatus _device;
        private readonly UplinkOptions _options;
        private readonly UplinkTopics _topics;
        private readonly MqttConnectOptions _connectOptions;
        private readonly Backoff _backoff;
        private readonly BatchEncoder _encoder;
        private readonly UplinkCounters _counters = new UplinkCounters();
        private readonly Fix[] _fixes;
        private readonly byte[] _payload;
        private readonly byte[] _statusBuffer = new byte[StatusCodec.MaxBytes];
        private readonly int _fixTopicBytes;
        private readonly int _statusTopicBytes;

        // Batch slots: one per batch taken from the log and not yet committed or rewound.
        private readonly LogBatch[] _batches;
        private readonly bool[] _slotUsed;
        private readonly int[] _slotCount;
        private readonly int[] _slotSent;
        private readonly int[] _slotOutstanding;
        private readonly bool[] _slotFailed;

        // Messages published and not yet settled (fix messages and at most one status message).
        private readonly bool[] _messageUsed;
        private readonly int[] _messageId;
        private readonly int[] _messageSlot;
        private readonly long[] _messageSentMs;

        private UplinkState _state = UplinkState.WaitingForClock;
        private long _now;
        private long _startMs;
        private bool _started;
        private long _nextConnectMs;
        private bool _connectScheduled;
        private int _attempt;
        private int _failuresInRow;
        private bool _everConnected;
        private bool _stable;
        private long _connectedAtMs;
        private int _open = -1;
        private long _fixesInSlots;
        private int _inFlight;
        private int _fixMessagesInFlight;
        private int _encodedSize = -1;
        private int _encodedFixes;
        private bool _draining;
        private bool _rewindPending;
        private bool _batchedYet;
        private long _lastBatchMs;
        private bool _statusDue;
        private bool _statusInFlight;
        private bool _statusSentYet;
        private long _lastStatusMs;
        private IgnitionState _lastIgnition;
        private bool _watching;
        private long _watchUntilMs;
        private bool _live;

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
            _device = device;
            _options = options;
            _topics = options.Topics;
            _connectOptions = new MqttConnectOptions(_topics.CarId, options.KeepAliveS, _topics.Status, StatusCodec.EncodeWill(), true);
            _backoff = new Backoff(options.BackoffBaseMs, options.BackoffCapMs, jitterSeed);
            _encoder = new BatchEncoder(options.MaxMessageBytes);
            _fixes = new Fix[options.MaxFixesPerBatch];
            _payload = new byte[options.MaxMessageBytes];
            _fixTopicBytes = _topics.Fixes.Length;
            _statusTopicBytes = _topics.Status.Length;

            int slots = options.MaxInFlight;
            _batches = new LogBatch[slots];
            for (int i = 0; i < slots; i++)
            {
                _batches[i] = new LogBatch();
            }

            _slotUsed = new bool[slots];
            _slotCount = new int[slots];
            _slotSent = new int[slots];
            _slotOutstanding = new int[slots];
            _slotFailed = new bool[slots];
            _messageUsed = new bool[slots];
            _messageId = new int[slots];
            _messageSlot = new int[slots];
            _messageSentMs = new long[slots];
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
            get { return _live; }
        }

        /// <summary>True while a watch request has not expired, as of the last tick.</summary>
        public bool IsWatched
        {
            get { return _watching; }
        }

        /// <summary>Messages published and not yet acknowledged (at most <see cref="UplinkOptions.MaxInFlight"/>).</summary>
        public int MessagesInFlight
        {
            get { return _inFlight; }
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

            UpdateLive();
            if (!_clock.IsValid)
            {
                _state = UplinkState.WaitingForClock;
                return;
            }

            _state = UplinkState.Backoff;
            if (_connectScheduled && nowMs - _nextConnectMs < 0)
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

            if (_everConnected)
            {
                _counters.Reconnects++;
            }

            _everConnected = true;
            _state = UplinkState.Connected;
            _connectedAtMs = _now;
            _stable = false;
            _statusDue = true;
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
            _nextConnectMs = _now + _backoff.NextDelayMs(_attempt);
            _connectScheduled = true;
            if (_attempt < MaxAttempt)
            {
                _attempt++;
            }
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
            UpdateLive();
            if (!_link.IsConnected)
            {
                Drop();
                return;
            }

            if (AckOverdue())
            {
                _counters.AckTimeouts++;
                Drop();
                return;
            }

            if (_failuresInRow >= MaxFailuresInRow)
            {
                Drop();
                return;
            }

            if (!_stable && _now - _connectedAtMs >= StableConnectionMs)
            {
                MarkStable();
            }

            if (_rewindPending && _fixMessagesInFlight == 0)
            {
                RewindAll();
            }

            if (SendStatusIfDue())
            {
                SendFixes();
            }
        }

        // Ends the connection: outcomes that arrived before the loss still count, then everything in
        // flight goes back to the log and the reconnect is scheduled.
        private void Drop()
        {
            TakeCompletions();
            _link.Disconnect();
            _counters.ConnectionsLost++;
            RewindAll();
            for (int m = 0; m < _messageUsed.Length; m++)
            {
                _messageUsed[m] = false;
            }

            _inFlight = 0;
            _fixMessagesInFlight = 0;
            _statusInFlight = false;
            _failuresInRow = 0;
            ScheduleReconnect();
        }

        private void MarkStable()
        {
            _stable = true;
            _attempt = 0;
            _failuresInRow = 0;
        }

        private void UpdateLive()
        {
            if (_watching && _now - _watchUntilMs >= 0)
            {
                _watching = false;
            }

            _live = _watching || (_options.LiveWhenMoving && _device.IsMoving);
        }

        private void TakeCompletions()
        {
            int id;
            bool delivered;
            while (_link.TryTakeCompletion(out id, out delivered))
            {
                int m = FindMessage(id);
                if (m < 0)
                {
                    _counters.StrayCompletions++;
                    continue;
                }

                int slot = _messageSlot[m];
                _messageUsed[m] = false;
                _inFlight--;
                if (slot == StatusSlot)
                {
                    _statusInFlight = false;
                    if (delivered)
                    {
                        _counters.StatusBytes += UplinkCounters.PubackBytes;
                        MarkStable();
                    }
                    else
                    {
                        _counters.PublishFailures++;
                        _failuresInRow++;
                    }

                    continue;
                }

                _fixMessagesInFlight--;
                _slotOutstanding[slot]--;
                if (delivered)
                {
                    _counters.FixMessagesDelivered++;
                    _counters.FixPubackBytes += UplinkCounters.PubackBytes;
                    MarkStable();
                }
                else
                {
                    _counters.PublishFailures++;
                    _failuresInRow++;
                    _slotFailed[slot] = true;
                    _rewindPending = true;
                }

                if (!_slotFailed[slot] && _slotOutstanding[slot] == 0 && _slotSent[slot] == _slotCount[slot])
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
                    long ms = seconds * 1000L;
                    if (ms > _options.MaxWatchMs)
                    {
                        ms = _options.MaxWatchMs;
                    }

                    _watchUntilMs = _now + ms;
                    _watching = ms > 0;
                }
                else
                {
                    _counters.IgnoredMessages++;
                }
            }
        }

        private bool AckOverdue()
        {
            for (int m = 0; m < _messageUsed.Length; m++)
            {
                if (_messageUsed[m] && _now - _messageSentMs[m] >= _options.AckTimeoutMs)
                {
                    return true;
                }
            }

            return false;
        }

        private void CommitSlot(int slot)
        {
            LogBatch batch = _batches[slot];
            if (_log.Commit(batch) == FixLogResult.Ok)
            {
                _counters.Commits++;
                _counters.FixesCommitted += batch.Count;
                _slotUsed[slot] = false;
                _fixesInSlots -= batch.Count;
                return;
            }

            // The flash refused: the batch stays taken in the log until the rewind hands it back.
            _counters.CommitFailures++;
            _slotFailed[slot] = true;
            _rewindPending = true;
        }

        private void RewindAll()
        {
            bool any = _rewindPending;
            for (int s = 0; s < _slotUsed.Length; s++)
            {
                any |= _slotUsed[s];
                _slotUsed[s] = false;
            }

            if (any)
            {
                _log.Rewind();
                _counters.Rewinds++;
            }

            _rewindPending = false;
            _open = -1;
            _encodedSize = -1;
            _fixesInSlots = 0;
        }

        // Returns false when the connection was dropped.
        private bool SendStatusIfDue()
        {
            if (_statusInFlight || _inFlight >= _options.MaxInFlight)
            {
                return true;
            }

            IgnitionState ignition = _device.Ignition;
            long since = _now - _lastStatusMs;
            bool due = _statusDue
                || !_statusSentYet
                || since >= _options.StatusPeriodMs
                || (ignition != _lastIgnition && since >= MinStatusGapMs);
            if (!due)
            {
                return true;
            }

            StatusReport report = StatusReport.CreateOnline();
            report.Ignition = ignition;
            report.Moving = _device.IsMoving;
            report.Watched = _watching;
            report.UptimeS = (_now - _startMs) / 1000;
            if (_clock.IsValid)
            {
                report.UtcS = _clock.UtcNowMs / 1000;
            }

            report.SupplyMv = _device.SupplyMillivolts;
            report.SignalDbm = _device.SignalDbm;
            long lastFix = _device.LastFixTickMs;
            if (lastFix >= 0 && _now >= lastFix)
            {
                long age = (_now - lastFix) / 1000;
                report.FixAgeS = age > int.MaxValue ? int.MaxValue : (int)age;
            }

            report.QueueDepth = _log.PendingCount;
            report.Evictions = _log.Evictions;
            report.Reconnects = _counters.Reconnects;
            report.FirmwareVersion = _device.FirmwareVersion;
            int size = StatusCodec.Encode(ref report, _statusBuffer, 0);

            int id;
            LinkResult result = _link.Publish(_topics.Status, _statusBuffer, 0, size, 1, out id);
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

            if (!AddMessage(id, StatusSlot))
            {
                return false;
            }

            _statusInFlight = true;
            _statusDue = false;
            _statusSentYet = true;
            _lastStatusMs = _now;
            _lastIgnition = ignition;
            _counters.StatusMessages++;
            _counters.StatusBytes += UplinkCounters.PublishPacketBytes(_statusTopicBytes, size);
            return true;
        }

        private void SendFixes()
        {
            while (!_rewindPending && _inFlight < _options.MaxInFlight)
            {
                if (_open < 0)
                {
                    if (!BatchDue() || !OpenBatch())
                    {
                        return;
                    }

                    if (_open < 0)
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
            long unsent = _log.PendingCount - _fixesInSlots;
            if (unsent <= 0)
            {
                _draining = false;
                return false;
            }

            if (_draining || !_batchedYet || unsent >= _options.MaxFixesPerBatch)
            {
                return true;
            }

            long period = _live ? _options.LivePeriodMs : _options.NormalPeriodMs;
            return _now - _lastBatchMs >= period;
        }

        private bool OpenBatch()
        {
            int slot = -1;
            for (int s = 0; s < _slotUsed.Length; s++)
            {
                if (!_slotUsed[s])
                {
                    slot = s;
                    break;
                }
            }

            if (slot < 0)
            {
                return false;
            }

            LogBatch batch = _batches[slot];
            int taken = _log.TakeBatch(_fixes, _options.MaxFixesPerBatch, batch);
            if (taken == 0)
            {
                return false; // every waiting fix is in flight, or the log's reservations are used up
            }

            _batchedYet = true;
            _lastBatchMs = _now;
            _slotUsed[slot] = true;
            _slotCount[slot] = KeepEncodable(taken);
            _slotSent[slot] = 0;
            _slotOutstanding[slot] = 0;
            _slotFailed[slot] = false;
            _fixesInSlots += taken;
            if (_slotCount[slot] == 0)
            {
                CommitSlot(slot);
                return true;
            }

            _open = slot;
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
            int slot = _open;
            if (_encodedSize < 0)
            {
                int from = _slotSent[slot];
                _encodedSize = _encoder.Encode(_fixes, from, _slotCount[slot] - from, _payload, 0, out _encodedFixes);
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
            _slotSent[slot] += _encodedFixes;
            _slotOutstanding[slot]++;
            _fixMessagesInFlight++;
            _encodedSize = -1;
            if (_slotSent[slot] == _slotCount[slot])
            {
                _open = -1;
            }

            return true;
        }

        // Records a published message; a link that reuses an id still in flight breaks its contract,
        // and the connection is dropped (everything in flight is offered again).
        private bool AddMessage(int id, int slot)
        {
            int free = -1;
            for (int m = 0; m < _messageUsed.Length; m++)
            {
                if (!_messageUsed[m])
                {
                    if (free < 0)
                    {
                        free = m;
                    }
                }
                else if (_messageId[m] == id)
                {
                    free = -2;
                    break;
                }
            }

            if (free < 0)
            {
                _counters.PublishFailures++;
                Drop();
                return false;
            }

            _messageUsed[free] = true;
            _messageId[free] = id;
            _messageSlot[free] = slot;
            _messageSentMs[free] = _now;
            _inFlight++;
            return true;
        }

        private int FindMessage(int id)
        {
            for (int m = 0; m < _messageUsed.Length; m++)
            {
                if (_messageUsed[m] && _messageId[m] == id)
                {
                    return m;
                }
            }

            return -1;
        }
    }
}
