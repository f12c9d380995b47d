namespace Tracker.Core.Uplink
{
    /// <summary>Where the <see cref="UplinkEngine"/> is.</summary>
    public enum UplinkState
    {
        /// <summary>The calendar clock is not valid yet; TLS would fail, so nothing is attempted.</summary>
        WaitingForClock = 0,

        /// <summary>Not connected; the next attempt is due at the end of the backoff delay.</summary>
        Backoff = 1,

        /// <summary>Connected: publishing, collecting PUBACKs and control messages.</summary>
        Connected = 2,
    }
}
