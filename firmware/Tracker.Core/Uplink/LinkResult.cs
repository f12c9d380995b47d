namespace Tracker.Core.Uplink
{
    /// <summary>The outcome of an <see cref="IMqttLink"/> operation.</summary>
    public enum LinkResult
    {
        /// <summary>Done.</summary>
        Ok,

        /// <summary>Not connected, or the connection was lost during the call.</summary>
        NotConnected,

        /// <summary>The bearer (cellular data, Wi-Fi) is not up, or could not be brought up.</summary>
        NetworkDown,

        /// <summary>TCP, TLS or DNS failed: the broker was not reached.</summary>
        TransportFailed,

        /// <summary>The broker refused the connection or the operation (bad certificate, not authorised).</summary>
        Refused,

        /// <summary>No answer in time.</summary>
        Timeout,

        /// <summary>The link's own queue is full; try again after completions were taken.</summary>
        Busy,

        /// <summary>The request itself is invalid for this link (payload or topic too long, bad QoS).</summary>
        Invalid,
    }
}
