namespace Tracker.Core.Control
{
    /// <summary>
    /// When a car with restart keys pending may reboot to run them (README.md §1, "Restart-needing
    /// settings, at a safe moment"): parked (ignition off, not moving), nothing to upload and nothing
    /// in flight, no update download running, and all of that for <see cref="QuietMs"/> in a row; or,
    /// failing that, <see cref="DeadlineMs"/> after the keys were staged, as long as no message is in
    /// flight and no download runs (a car that never parks still gets its settings). Pure: the main
    /// loop feeds it each pass and reboots when it says so. Single-threaded.
    /// </summary>
    public sealed class SafeRestart
    {
        /// <summary>The default quiet spell before a reboot: 5 minutes parked with nothing to send.</summary>
        public const long DefaultQuietMs = 5L * 60 * 1000;

        /// <summary>The default deadline after staging: 24 hours.</summary>
        public const long DefaultDeadlineMs = 24L * 60 * 60 * 1000;

        private bool _pending;
        private long _pendingSinceMs;
        private bool _quiet;
        private long _quietSinceMs;

        /// <summary>Builds the scheduler with the default quiet spell and deadline.</summary>
        public SafeRestart()
            : this(DefaultQuietMs, DefaultDeadlineMs)
        {
        }

        /// <summary>Builds the scheduler.</summary>
        /// <param name="quietMs">How long the car must stay parked and idle (0 or more).</param>
        /// <param name="deadlineMs">How long after staging a reboot is forced at the next moment with nothing in flight (more than <paramref name="quietMs"/>).</param>
        public SafeRestart(long quietMs, long deadlineMs)
        {
            if (quietMs < 0 || deadlineMs <= quietMs)
            {
                throw new System.ArgumentOutOfRangeException(nameof(deadlineMs), "0 <= quiet < deadline");
            }

            QuietMs = quietMs;
            DeadlineMs = deadlineMs;
            Reason = string.Empty;
        }

        /// <summary>How long the car must stay parked and idle before the reboot.</summary>
        public long QuietMs { get; }

        /// <summary>How long after staging the reboot is forced (at a moment with nothing in flight).</summary>
        public long DeadlineMs { get; }

        /// <summary>Why the last <see cref="Update"/> said to reboot: "parked", "deadline", or empty.</summary>
        public string Reason { get; private set; }

        /// <summary>Feeds one pass of the main loop.</summary>
        /// <param name="nowMs">The monotonic tick, ms (never going back).</param>
        /// <param name="restartPending">True while restart keys are committed and not running (<see cref="RemoteConfig.RestartPending"/>).</param>
        /// <param name="ignitionOn">True while the ignition is on.</param>
        /// <param name="moving">True while the motion state is moving.</param>
        /// <param name="backlog">Fixes logged and not yet acknowledged.</param>
        /// <param name="inFlight">Messages published and not yet acknowledged.</param>
        /// <param name="downloading">True while an update download or switch runs.</param>
        /// <returns>True when the car should reboot now.</returns>
        public bool Update(long nowMs, bool restartPending, bool ignitionOn, bool moving, long backlog, int inFlight, bool downloading)
        {
            Reason = string.Empty;
            if (!restartPending)
            {
                _pending = false;
                _quiet = false;
                return false;
            }

            if (!_pending)
            {
                _pending = true;
                _pendingSinceMs = nowMs;
            }

            bool busy = inFlight > 0 || downloading;
            bool quiet = !busy && !ignitionOn && !moving && backlog == 0;
            if (!quiet)
            {
                _quiet = false;
            }
            else if (!_quiet)
            {
                _quiet = true;
                _quietSinceMs = nowMs;
            }

            if (_quiet && nowMs - _quietSinceMs >= QuietMs)
            {
                Reason = "parked";
                return true;
            }

            if (!busy && nowMs - _pendingSinceMs >= DeadlineMs)
            {
                Reason = "deadline";
                return true;
            }

            return false;
        }
    }
}
