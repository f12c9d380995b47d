namespace Tracker.Core.Uplink
{
    /// <summary>What an <see cref="IMqttLink"/> connects with. Immutable; validated at construction.</summary>
    public sealed class MqttConnectOptions
    {
        /// <summary>Creates options.</summary>
        /// <param name="clientId">The MQTT client id: the car id, which is the AWS IoT thing name (1 to 128 characters).</param>
        /// <param name="keepAliveS">Keep-alive in seconds (30 to 1200, AWS IoT's range).</param>
        /// <param name="willTopic">Topic of the last will the broker publishes when the car drops off, or null for none.</param>
        /// <param name="willPayload">Payload of the will (may be empty, not null when a topic is given).</param>
        /// <param name="cleanSession">True for a clean session (the uplink keeps its own state in the FixLog).</param>
        public MqttConnectOptions(string clientId, int keepAliveS, string? willTopic, byte[]? willPayload, bool cleanSession)
        {
            if (clientId == null || clientId.Length < 1 || clientId.Length > 128)
            {
                throw new System.ArgumentException("clientId must be 1 to 128 characters");
            }

            if (keepAliveS < 30 || keepAliveS > 1200)
            {
                throw new System.ArgumentOutOfRangeException("keepAliveS");
            }

            if (willTopic != null && willPayload == null)
            {
                throw new System.ArgumentException("a will topic needs a payload");
            }

            ClientId = clientId;
            KeepAliveS = keepAliveS;
            WillTopic = willTopic;
            WillPayload = willPayload;
            CleanSession = cleanSession;
        }

        /// <summary>The MQTT client id (the car id).</summary>
        public string ClientId { get; }

        /// <summary>Keep-alive in seconds.</summary>
        public int KeepAliveS { get; }

        /// <summary>Will topic, or null.</summary>
        public string? WillTopic { get; }

        /// <summary>Will payload, or null.</summary>
        public byte[]? WillPayload { get; }

        /// <summary>Clean session flag.</summary>
        public bool CleanSession { get; }
    }
}
