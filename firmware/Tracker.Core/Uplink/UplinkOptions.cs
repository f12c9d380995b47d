using Tracker.Core.Wire;

namespace Tracker.Core.Uplink
{
    /// <summary>
    /// How the <c>UplinkEngine</c> paces and sizes its traffic. Immutable; every value is
    /// checked in the constructor, which throws naming the offending parameter. The tracker's config
    /// file sets them (Config/README.md); the defaults below are its defaults.
    /// </summary>
    public sealed class UplinkOptions
    {
        /// <summary>Default <see cref="KeepAliveS"/>.</summary>
        public const int DefaultKeepAliveS = 300;

        /// <summary>Default <see cref="NormalPeriodMs"/>: 5 minutes.</summary>
        public const int DefaultNormalPeriodMs = 300000;

        /// <summary>Default <see cref="LivePeriodMs"/>: 5 s, the report policy's default minimum period while moving.</summary>
        public const int DefaultLivePeriodMs = 5000;

        /// <summary>Default <see cref="MaxWatchMs"/>: 1 hour.</summary>
        public const int DefaultMaxWatchMs = 3600000;

        /// <summary>Default <see cref="StatusPeriodMs"/>: 15 minutes.</summary>
        public const int DefaultStatusPeriodMs = 900000;

        /// <summary>Default <see cref="MaxInFlight"/>.</summary>
        public const int DefaultMaxInFlight = 4;

        /// <summary>The largest <see cref="MaxInFlight"/>; a quarter of FixLog's default 32 committed ranges (each batch in flight reserves up to two).</summary>
        public const int MaxInFlightLimit = 8;

        /// <summary>Default <see cref="MaxFixesPerBatch"/>.</summary>
        public const int DefaultMaxFixesPerBatch = 100;

        /// <summary>The largest <see cref="MaxFixesPerBatch"/>.</summary>
        public const int MaxFixesPerBatchLimit = 1000;

        /// <summary>Default <see cref="MaxMessageBytes"/>: the SIM7080G's <c>AT+SMPUB</c> payload limit (1,024 bytes).</summary>
        public const int DefaultMaxMessageBytes = 1024;

        /// <summary>Default <see cref="AckTimeoutMs"/>: 60 s, what the SIM7080G drivers allow a slow network for one MQTT operation.</summary>
        public const int DefaultAckTimeoutMs = 60000;

        /// <summary>Default <see cref="BackoffBaseMs"/>: 2 s.</summary>
        public const int DefaultBackoffBaseMs = 2000;

        /// <summary>Default <see cref="BackoffCapMs"/>: 5 minutes.</summary>
        public const int DefaultBackoffCapMs = 300000;

        /// <summary>Creates and validates options.</summary>
        /// <param name="topics">The car's topics.</param>
        /// <param name="keepAliveS">MQTT keep-alive, 30 to 1200 s (AWS IoT Core's range).</param>
        /// <param name="normalPeriodMs">Longest a recorded fix waits while not live, 1 s to 1 day.</param>
        /// <param name="livePeriodMs">Longest a recorded fix waits while live, 1 s to <paramref name="normalPeriodMs"/>.</param>
        /// <param name="liveWhenMoving">True when a moving car counts as live.</param>
        /// <param name="maxWatchMs">Longest watch a control message can ask for, 1 s to 1 day.</param>
        /// <param name="statusPeriodMs">Status message period, 1 minute to 1 day.</param>
        /// <param name="maxInFlight">Messages (fix batches and status) awaiting PUBACK, 1 to <see cref="MaxInFlightLimit"/>.</param>
        /// <param name="maxFixesPerBatch">Fixes taken from the log at a time, 1 to <see cref="MaxFixesPerBatchLimit"/>.</param>
        /// <param name="maxMessageBytes">Largest fix message payload, <see cref="BatchFormat.MaxEncodedSize"/>(1) to <see cref="BatchFormat.MaxBatchBytes"/>.</param>
        /// <param name="ackTimeoutMs">Longest wait for a PUBACK before the connection is declared dead unless the broker is heard from, 1 s to 10 minutes.</param>
        /// <param name="backoffBaseMs">First reconnect window, 100 ms to 10 minutes.</param>
        /// <param name="backoffCapMs">Largest reconnect window, <paramref name="backoffBaseMs"/> to 1 hour.</param>
        public UplinkOptions(
            UplinkTopics topics,
            int keepAliveS,
            int normalPeriodMs,
            int livePeriodMs,
            bool liveWhenMoving,
            int maxWatchMs,
            int statusPeriodMs,
            int maxInFlight,
            int maxFixesPerBatch,
            int maxMessageBytes,
            int ackTimeoutMs,
            int backoffBaseMs,
            int backoffCapMs)
        {
            if (topics == null)
            {
                throw new System.ArgumentNullException(nameof(topics));
            }

            Check(keepAliveS, 30, 1200, nameof(keepAliveS));
            Check(normalPeriodMs, 1000, 86400000, nameof(normalPeriodMs));
            Check(livePeriodMs, 1000, normalPeriodMs, nameof(livePeriodMs));
            Check(maxWatchMs, 1000, 86400000, nameof(maxWatchMs));
            Check(statusPeriodMs, 60000, 86400000, nameof(statusPeriodMs));
            Check(maxInFlight, 1, MaxInFlightLimit, nameof(maxInFlight));
            Check(maxFixesPerBatch, 1, MaxFixesPerBatchLimit, nameof(maxFixesPerBatch));
            Check(maxMessageBytes, BatchFormat.MaxEncodedSize(1), BatchFormat.MaxBatchBytes, nameof(maxMessageBytes));
            Check(ackTimeoutMs, 1000, 600000, nameof(ackTimeoutMs));
            Check(backoffBaseMs, 100, 600000, nameof(backoffBaseMs));
            Check(backoffCapMs, backoffBaseMs, 3600000, nameof(backoffCapMs));

            Topics = topics;
            KeepAliveS = keepAliveS;
            NormalPeriodMs = normalPeriodMs;
            LivePeriodMs = livePeriodMs;
            LiveWhenMoving = liveWhenMoving;
            MaxWatchMs = maxWatchMs;
            StatusPeriodMs = statusPeriodMs;
            MaxInFlight = maxInFlight;
            MaxFixesPerBatch = maxFixesPerBatch;
            MaxMessageBytes = maxMessageBytes;
            AckTimeoutMs = ackTimeoutMs;
            BackoffBaseMs = backoffBaseMs;
            BackoffCapMs = backoffCapMs;
        }

        /// <summary>The car's topics.</summary>
        public UplinkTopics Topics { get; }

        /// <summary>MQTT keep-alive in seconds; the link sends PINGREQ when idle this long (MQTT 3.1.1 §3.1.2.10).</summary>
        public int KeepAliveS { get; }

        /// <summary>
        /// While not live, a fix recorded in the log is sent at the latest this long after the
        /// previous batch was started (unless a batch fills first): few, full messages save data.
        /// </summary>
        public int NormalPeriodMs { get; }

        /// <summary>While live (watched, or moving when <see cref="LiveWhenMoving"/>), the same rule with this shorter period.</summary>
        public int LivePeriodMs { get; }

        /// <summary>True when a car in its moving profile counts as live even if nobody watches it.</summary>
        public bool LiveWhenMoving { get; }

        /// <summary>A watch request asking for longer is cut to this.</summary>
        public int MaxWatchMs { get; }

        /// <summary>A status message is sent on connect, when the ignition changes, and at least this often.</summary>
        public int StatusPeriodMs { get; }

        /// <summary>Most messages published and not yet acknowledged, status included.</summary>
        public int MaxInFlight { get; }

        /// <summary>Most fixes taken from the log for one batch; a batch is sent in as many messages as <see cref="MaxMessageBytes"/> needs.</summary>
        public int MaxFixesPerBatch { get; }

        /// <summary>Largest payload of one fix message (the link's limit: 1,024 on the SIM7080G).</summary>
        public int MaxMessageBytes { get; }

        /// <summary>
        /// A message unacknowledged this long means the connection is dead, unless the broker was heard within
        /// <see cref="BrokerSilenceMs"/>: then the message is late, and waits up to <see cref="LateAckLimitMs"/>.
        /// </summary>
        public int AckTimeoutMs { get; }

        /// <summary>
        /// A connection on which nothing was heard from the broker for this long (counted from its last sign, or
        /// from the send of the oldest message awaiting its PUBACK if that is later) is dead: one and a half
        /// keep-alive periods. The client sends PINGREQ after a keep-alive period without
        /// sending (MQTT 3.1.1 §3.1.2.10), so a live broker is heard at least that often; one and a half is the
        /// grace the same section gives the broker for the client's silence.
        /// </summary>
        public int BrokerSilenceMs
        {
            get { return KeepAliveS * 1500; }
        }

        /// <summary>
        /// The longest a message waits for its PUBACK on a connection that is alive (heard within
        /// <see cref="BrokerSilenceMs"/>): <see cref="AckTimeoutMs"/> and three keep-alive periods more. A broker
        /// that answers the keep-alive but has held a message that long is stuck rather than slow (a store that
        /// pushes back drains its queue in far less), and a new connection may reach a broker that is not.
        /// </summary>
        public int LateAckLimitMs
        {
            get { return AckTimeoutMs + (KeepAliveS * 3000); }
        }

        /// <summary>The first reconnect waits between half of this and all of it (equal jitter, see <c>Backoff</c>).</summary>
        public int BackoffBaseMs { get; }

        /// <summary>The reconnect window doubles per failed attempt up to this.</summary>
        public int BackoffCapMs { get; }

        private static void Check(int value, int min, int max, string name)
        {
            if (value < min || value > max)
            {
                throw new System.ArgumentOutOfRangeException(
                    name,
                    string.Concat(new string[] { "UplinkOptions.", name, " must be ", min.ToString(), " to ", max.ToString() }));
            }
        }
    }
}
