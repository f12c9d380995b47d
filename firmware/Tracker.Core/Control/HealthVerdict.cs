namespace Tracker.Core.Control
{
    /// <summary>What <see cref="HealthWindow.Update"/> found.</summary>
    public enum HealthVerdict
    {
        /// <summary>Not yet both a fix read and the uplink connected; the window is still open.</summary>
        Waiting = 0,

        /// <summary>Both were seen within the window: the version may be confirmed.</summary>
        Healthy = 1,

        /// <summary>The window ended first: reboot, and the loader counts an attempt.</summary>
        Expired = 2,
    }
}
