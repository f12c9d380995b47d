namespace Tracker.Core.Uplink
{
    /// <summary>
    /// What the <see cref="UplinkEngine"/> did since it was created. Bytes on the wire per fix,
    /// MQTT included: (<see cref="FixPublishBytes"/> + <see cref="FixPubackBytes"/>) /
    /// <see cref="FixesCommitted"/>; TLS records (about 29 bytes each with AES-GCM), TCP/IP, the
    /// handshake, CONNECT and PINGREQ come on top and are the link's business.
    /// </summary>
    /// <remarks>Written only from <see cref="UplinkEngine.Tick"/>; reading from another thread may see a torn value.</remarks>
    public sealed class UplinkCounters
    {
        /// <summary>Size of a PUBACK: fixed header (2 bytes) and packet identifier (2), MQTT 3.1.1 §3.4.</summary>
        public const int PubackBytes = 4;

        /// <summary>Connection attempts (calls to <see cref="IMqttLink.Connect"/>).</summary>
        public long ConnectAttempts { get; internal set; }

        /// <summary>Attempts that failed.</summary>
        public long ConnectFailures { get; internal set; }

        /// <summary>Successful connections after the first one.</summary>
        public long Reconnects { get; internal set; }

        /// <summary>Connections that ended: lost by the link, or closed by the engine after a failure or a PUBACK timeout.</summary>
        public long ConnectionsLost { get; internal set; }

        /// <summary>
        /// Connections closed because a message went unacknowledged for <see cref="UplinkOptions.AckTimeoutMs"/> while
        /// nothing was heard from the broker for <see cref="UplinkOptions.BrokerSilenceMs"/>, or for
        /// <see cref="UplinkOptions.LateAckLimitMs"/> in any case.
        /// </summary>
        public long AckTimeouts { get; internal set; }

        /// <summary>
        /// Messages that went unacknowledged for <see cref="UplinkOptions.AckTimeoutMs"/> on a connection the broker
        /// was still heard on, and were waited for instead of closing it (each counted once; see
        /// <see cref="UplinkOptions.LateAckLimitMs"/>).
        /// </summary>
        public long LateAcksWaited { get; internal set; }

        /// <summary>Fix messages published (every copy, re-sends included).</summary>
        public long FixMessages { get; internal set; }

        /// <summary>Fix messages the broker acknowledged.</summary>
        public long FixMessagesDelivered { get; internal set; }

        /// <summary>Payload bytes of the fix messages published.</summary>
        public long PayloadBytes { get; internal set; }

        /// <summary>MQTT PUBLISH packet bytes of the fix messages published: header, topic, packet id and payload.</summary>
        public long FixPublishBytes { get; internal set; }

        /// <summary>PUBACK bytes received for fix messages (<see cref="PubackBytes"/> each).</summary>
        public long FixPubackBytes { get; internal set; }

        /// <summary>Fixes published (every copy, re-sends included).</summary>
        public long FixesSent { get; internal set; }

        /// <summary>Fixes in batches committed to the log after PUBACK.</summary>
        public long FixesCommitted { get; internal set; }

        /// <summary>Batches committed (FixLog.Commit returned Ok).</summary>
        public long Commits { get; internal set; }

        /// <summary>Commits the log refused (a flash error): the batch is offered again after a rewind.</summary>
        public long CommitFailures { get; internal set; }

        /// <summary>Times every batch in flight was handed back to the log (FixLog.Rewind) to be offered again.</summary>
        public long Rewinds { get; internal set; }

        /// <summary>Publishes the link refused (other than Busy), and messages it gave up on (delivered = false).</summary>
        public long PublishFailures { get; internal set; }

        /// <summary>Publishes the link answered with Busy (retried on a later tick).</summary>
        public long LinkBusy { get; internal set; }

        /// <summary>Status messages published.</summary>
        public long StatusMessages { get; internal set; }

        /// <summary>MQTT PUBLISH packet bytes of the status messages, plus their PUBACKs.</summary>
        public long StatusBytes { get; internal set; }

        /// <summary>Well-formed control messages received on the live topic.</summary>
        public long ControlMessages { get; internal set; }

        /// <summary>Messages received that were ignored: malformed on the live topic, or on another topic.</summary>
        public long IgnoredMessages { get; internal set; }

        /// <summary>Subscriptions to the live topic that failed (retried on the next connection).</summary>
        public long SubscribeFailures { get; internal set; }

        /// <summary>Completions for message ids the engine does not have in flight (ignored).</summary>
        public long StrayCompletions { get; internal set; }

        /// <summary>Fixes read from the log that the wire format cannot carry; they are committed unsent so they never block the log.</summary>
        public long UnencodableFixes { get; internal set; }

        /// <summary>
        /// Size of an MQTT 3.1.1 QoS 1 PUBLISH packet (§3.3): 1 byte of fixed header, 1 to 4 bytes of
        /// Remaining Length (§2.2.3), then the topic (2-byte length and UTF-8), the packet identifier
        /// (2) and the payload.
        /// </summary>
        /// <param name="topicBytes">Length of the topic in UTF-8 bytes.</param>
        /// <param name="payloadBytes">Length of the payload.</param>
        /// <returns>Bytes on the wire inside TLS.</returns>
        public static int PublishPacketBytes(int topicBytes, int payloadBytes)
        {
            return PublishPacketBytes(topicBytes, payloadBytes, 1);
        }

        /// <summary>
        /// Size of an MQTT 3.1.1 PUBLISH packet at any QoS: as <see cref="PublishPacketBytes(int, int)"/>,
        /// without the packet identifier at QoS 0 (§3.3.2.2).
        /// </summary>
        /// <param name="topicBytes">Length of the topic in UTF-8 bytes.</param>
        /// <param name="payloadBytes">Length of the payload.</param>
        /// <param name="qos">0, 1 or 2.</param>
        /// <returns>Bytes on the wire inside TLS.</returns>
        public static int PublishPacketBytes(int topicBytes, int payloadBytes, int qos)
        {
            int remaining = 2 + topicBytes + (qos > 0 ? 2 : 0) + payloadBytes;
            int lengthBytes = remaining < 128 ? 1 : remaining < 16384 ? 2 : remaining < 2097152 ? 3 : 4;
            return 1 + lengthBytes + remaining;
        }
    }
}
