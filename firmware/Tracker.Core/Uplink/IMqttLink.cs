namespace Tracker.Core.Uplink
{
    /// <summary>
    /// The little the uplink needs from an MQTT 3.1.1 connection: connect with a last will, publish
    /// with QoS 1 and learn the PUBACK, subscribe to the car's control topic, and notice loss.
    /// Implemented over the SIM7080G's own MQTT stack (AT commands), over nanoFramework's M2Mqtt on
    /// Wi-Fi, and over MQTTnet on the host.
    /// </summary>
    /// <remarks>
    /// Poll-driven and single-threaded from the caller's side: the uplink calls these methods from
    /// its own loop and never from a callback. An implementation whose transport completes
    /// asynchronously (M2Mqtt events, MQTTnet tasks) queues completions and messages until
    /// <see cref="TryTakeCompletion"/> and <see cref="TryTakeMessage"/> collect them; a synchronous
    /// one (the AT modem, whose <c>AT+SMPUB</c> returns after the broker's PUBACK) queues the
    /// completion before <see cref="Publish"/> returns. No method throws for a transport failure:
    /// the outcome is a <see cref="LinkResult"/>, and <see cref="IsConnected"/> turns false.
    /// </remarks>
    public interface IMqttLink
    {
        /// <summary>True between a successful <see cref="Connect"/> and the loss of the connection.</summary>
        bool IsConnected { get; }

        /// <summary>
        /// Signs of life from the broker on the current connection: a number that goes up each time the link
        /// hears from it (a CONNACK, PUBACK, SUBACK, PINGRESP or PUBLISH received) or, on a link whose transport
        /// keeps those packets to itself, each time it confirms that the session is up. Only its changes mean
        /// anything (it may wrap). The uplink reads it to tell a broker that is slow to acknowledge from a dead
        /// connection (Uplink/README.md, "A late PUBACK"); keeping it fresh while a PUBACK is awaited (the
        /// keep-alive's PINGREQ, MQTT 3.1.1 §3.1.2.10 and §3.12) is the link's business.
        /// </summary>
        int HeardFromBroker { get; }

        /// <summary>
        /// Opens the connection (TLS, CONNECT, CONNACK) with the given identity, keep-alive and will.
        /// Blocks until connected or failed.
        /// </summary>
        /// <param name="options">Client id, keep-alive and last will.</param>
        /// <returns><see cref="LinkResult.Ok"/>, or why it failed.</returns>
        LinkResult Connect(MqttConnectOptions options);

        /// <summary>
        /// Sends a PUBLISH. For QoS 1, success here means "sent"; delivery is known only when
        /// <see cref="TryTakeCompletion"/> returns its message id with delivered = true.
        /// </summary>
        /// <param name="topic">The topic.</param>
        /// <param name="payload">Buffer holding the payload; it may be reused as soon as the call returns.</param>
        /// <param name="offset">Index of the first payload byte.</param>
        /// <param name="count">Payload length.</param>
        /// <param name="qos">0 or 1.</param>
        /// <param name="messageId">An id, unique among messages in flight, that the completion will carry (0 for QoS 0).</param>
        /// <returns><see cref="LinkResult.Ok"/>, or why the message was not sent.</returns>
        LinkResult Publish(string topic, byte[] payload, int offset, int count, int qos, out int messageId);

        /// <summary>Takes the next QoS 1 outcome: the broker's PUBACK, or a definite failure.</summary>
        /// <param name="messageId">The id <see cref="Publish"/> returned.</param>
        /// <param name="delivered">True on PUBACK; false when the link gave up on the message.</param>
        /// <returns>False when no outcome is waiting.</returns>
        bool TryTakeCompletion(out int messageId, out bool delivered);

        /// <summary>Subscribes with QoS 1 to a topic (the car's control topic).</summary>
        /// <param name="topic">The topic filter.</param>
        /// <returns><see cref="LinkResult.Ok"/>, or why not.</returns>
        LinkResult Subscribe(string topic);

        /// <summary>Takes the next message received on a subscription.</summary>
        /// <param name="topic">Its topic.</param>
        /// <param name="payload">Its payload.</param>
        /// <returns>False when none is waiting.</returns>
        bool TryTakeMessage(out string topic, out byte[] payload);

        /// <summary>
        /// Closes the connection cleanly (DISCONNECT: the broker does not publish the will). Outcomes
        /// not yet taken are dropped; the caller treats their messages as not delivered.
        /// </summary>
        void Disconnect();
    }
}
