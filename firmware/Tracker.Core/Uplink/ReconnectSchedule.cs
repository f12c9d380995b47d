namespace Tracker.Core.Uplink
{
    /// <summary>
    /// When the <see cref="UplinkEngine"/> may connect again, and when a connection counts as good:
    /// the attempt number that sizes the <see cref="Backoff"/> window, the time the next attempt is
    /// due, and the failures in a row that close a connection that keeps failing. A connection that
    /// stays up <see cref="UplinkEngine.StableConnectionMs"/>, or gets an acknowledgement, is stable:
    /// the backoff starts over.
    /// </summary>
    internal sealed class ReconnectSchedule
    {
        private const int MaxAttempt = 30;

        private readonly Backoff _backoff;
        private long _nextConnectMs;
        private bool _scheduled;
        private int _attempt;
        private bool _stable;
        private long _connectedAtMs;

        /// <summary>Creates the schedule.</summary>
        /// <param name="backoff">The backoff policy (with its jitter seed).</param>
        internal ReconnectSchedule(Backoff backoff)
        {
            _backoff = backoff;
        }

        /// <summary>True once a connection succeeded.</summary>
        internal bool EverConnected { get; private set; }

        /// <summary>Messages in a row the link gave up on, since the connection became stable.</summary>
        internal int FailuresInRow { get; set; }

        /// <summary>True when no reconnect is waiting for its delay at <paramref name="nowMs"/>.</summary>
        /// <param name="nowMs">The tick now.</param>
        /// <returns>Whether a connection may be attempted.</returns>
        internal bool IsDue(long nowMs)
        {
            return !_scheduled || nowMs - _nextConnectMs >= 0;
        }

        /// <summary>Schedules the next attempt after a backoff delay that grows with each attempt.</summary>
        /// <param name="nowMs">The tick now.</param>
        internal void Schedule(long nowMs)
        {
            _nextConnectMs = nowMs + _backoff.NextDelayMs(_attempt);
            _scheduled = true;
            if (_attempt < MaxAttempt)
            {
                _attempt++;
            }
        }

        /// <summary>Records a connection made at <paramref name="nowMs"/> (not yet stable).</summary>
        /// <param name="nowMs">The tick now.</param>
        internal void Connected(long nowMs)
        {
            EverConnected = true;
            _connectedAtMs = nowMs;
            _stable = false;
        }

        /// <summary>Marks the connection stable when it has been up long enough.</summary>
        /// <param name="nowMs">The tick now.</param>
        internal void CheckStable(long nowMs)
        {
            if (!_stable && nowMs - _connectedAtMs >= UplinkEngine.StableConnectionMs)
            {
                MarkStable();
            }
        }

        /// <summary>The connection proved good (an acknowledgement, or time): the backoff starts over.</summary>
        internal void MarkStable()
        {
            _stable = true;
            _attempt = 0;
            FailuresInRow = 0;
        }
    }
}
