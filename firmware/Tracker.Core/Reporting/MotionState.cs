namespace Tracker.Core.Reporting
{
    /// <summary>
    /// Which report profile is in force. The policy switches with hysteresis (two speed thresholds
    /// and a hold time each way), so a car crawling in traffic does not flap between the two.
    /// </summary>
    public enum MotionState
    {
        /// <summary>Parked: only heartbeats are recorded, pinned to the parked position.</summary>
        Stopped = 0,

        /// <summary>Driving: the distance, heading, speed-change and maximum-period rules apply.</summary>
        Moving = 1,
    }
}
