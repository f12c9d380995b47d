namespace Tracker.Core.Uplink
{
    /// <summary>What a status message says about the connection (byte 5 of the payload).</summary>
    public enum StatusKind
    {
        /// <summary>The last will: the broker published it because the car dropped off without a DISCONNECT.</summary>
        Offline = 0,

        /// <summary>The car is connected; the message carries its health.</summary>
        Online = 1,
    }
}
