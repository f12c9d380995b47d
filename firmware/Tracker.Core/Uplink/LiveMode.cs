namespace Tracker.Core.Uplink
{
    /// <summary>
    /// Whether the car reports at the live period (Uplink/README.md, "Live mode"): while a watch
    /// request on the live topic has not expired (capped at <see cref="UplinkOptions.MaxWatchMs"/>),
    /// or while it moves when <see cref="UplinkOptions.LiveWhenMoving"/> is set.
    /// </summary>
    internal sealed class LiveMode
    {
        private readonly long _maxWatchMs;
        private readonly bool _whenMoving;
        private readonly IDeviceStatus _device;
        private long _watchUntilMs;

        /// <summary>Creates the rule.</summary>
        /// <param name="maxWatchMs">The longest watch honoured.</param>
        /// <param name="whenMoving">True when moving alone makes the car live.</param>
        /// <param name="device">Says whether the car moves.</param>
        internal LiveMode(long maxWatchMs, bool whenMoving, IDeviceStatus device)
        {
            _maxWatchMs = maxWatchMs;
            _whenMoving = whenMoving;
            _device = device;
        }

        /// <summary>True while the live period applies, as of the last <see cref="Update"/>.</summary>
        internal bool IsLive { get; private set; }

        /// <summary>True while a watch request holds, as of the last <see cref="Update"/>.</summary>
        internal bool IsWatched { get; private set; }

        /// <summary>Starts (or, with 0, ends) a watch of <paramref name="seconds"/>, capped.</summary>
        /// <param name="nowMs">The tick now.</param>
        /// <param name="seconds">The watch request's seconds (<see cref="LiveCommand"/>).</param>
        internal void Watch(long nowMs, int seconds)
        {
            long ms = seconds * 1000L;
            if (ms > _maxWatchMs)
            {
                ms = _maxWatchMs;
            }

            _watchUntilMs = nowMs + ms;
            IsWatched = ms > 0;
        }

        /// <summary>Expires the watch and decides whether the car is live now.</summary>
        /// <param name="nowMs">The tick now.</param>
        internal void Update(long nowMs)
        {
            if (IsWatched && nowMs - _watchUntilMs >= 0)
            {
                IsWatched = false;
            }

            IsLive = IsWatched || (_whenMoving && _device.IsMoving);
        }
    }
}
