namespace Tracker.Core.Control
{
    /// <summary>
    /// The health confirmation of a version on trial (Control/README.md §2, "The switch, the health confirmation, the
    /// fall-back"): within its window after boot the new application must have read a GNSS fix and had the uplink
    /// connected; then the loader keeps it (<see cref="UpdateAgent.Confirm"/>). When the window ends first, the app asks
    /// the loader to reboot, which counts one of the candidate's attempts. Each condition counts once seen: a fix read
    /// before the uplink connects still counts. Times are the monotonic clock's.
    /// </summary>
    public sealed class HealthWindow
    {
        /// <summary>The window the design sets: 10 minutes, longer than the worst modem bring-up (registration 180 s + PDP 60 s + connect 60 s).</summary>
        public const long DefaultWindowMs = 10L * 60 * 1000;

        private readonly long _startMs;
        private readonly bool _needsFix;

        /// <summary>Starts the window.</summary>
        /// <param name="startMs">The boot's monotonic time.</param>
        /// <param name="windowMs">How long the version has (at least 1 ms).</param>
        public HealthWindow(long startMs, long windowMs)
            : this(startMs, windowMs, true)
        {
        }

        /// <summary>Starts a window that may ask for the uplink only: a trial boot of restart keys (README.md §1) proves the settings it changed, the modem's and the pins', by connecting; a GNSS fix proves none of them.</summary>
        /// <param name="startMs">The boot's monotonic time.</param>
        /// <param name="windowMs">How long the boot has (at least 1 ms).</param>
        /// <param name="needsFix">True when a GNSS fix read is needed too (a version on trial); false for the uplink alone.</param>
        public HealthWindow(long startMs, long windowMs, bool needsFix)
        {
            if (windowMs < 1)
            {
                throw new System.ArgumentOutOfRangeException("windowMs");
            }

            _startMs = startMs;
            _needsFix = needsFix;
            WindowMs = windowMs;
        }

        /// <summary>The window's length.</summary>
        public long WindowMs { get; }

        /// <summary>True once a GNSS fix was read in the window.</summary>
        public bool FixSeen { get; private set; }

        /// <summary>True once the uplink was connected in the window.</summary>
        public bool UplinkSeen { get; private set; }

        /// <summary>One look at the app's health.</summary>
        /// <param name="nowMs">The monotonic time.</param>
        /// <param name="fixRead">True when a GNSS fix has been read since boot.</param>
        /// <param name="uplinkConnected">True when the uplink is connected now.</param>
        /// <returns><see cref="HealthVerdict.Healthy"/> once both were seen in time; <see cref="HealthVerdict.Expired"/> when the window ended first.</returns>
        public HealthVerdict Update(long nowMs, bool fixRead, bool uplinkConnected)
        {
            if (FixSeen && UplinkSeen)
            {
                return HealthVerdict.Healthy;
            }

            if (nowMs - _startMs > WindowMs)
            {
                return HealthVerdict.Expired;
            }

            FixSeen = FixSeen || fixRead || !_needsFix;
            UplinkSeen = UplinkSeen || uplinkConnected;
            return FixSeen && UplinkSeen ? HealthVerdict.Healthy : HealthVerdict.Waiting;
        }
    }
}
