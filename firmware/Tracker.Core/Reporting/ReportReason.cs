namespace Tracker.Core.Reporting
{
    /// <summary>
    /// Why the policy recorded or skipped a fix. The record reasons are listed in the order the
    /// policy tests them: when several rules fire at once, the first one names the record.
    /// </summary>
    public enum ReportReason
    {
        /// <summary>No reason; never carried by a decision (marks "no pending profile change").</summary>
        None = 0,

        /// <summary>Record: the first fix since boot (or since <see cref="ReportPolicy.Reset"/>).</summary>
        FirstFix = 1,

        /// <summary>
        /// Record: the fix's time is more than <see cref="ReportPolicy.TimeResetBackwardsMs"/> before the
        /// latest accepted fix, so the receiver's clock was corrected; the policy restarted as after boot.
        /// </summary>
        TimeReset = 2,

        /// <summary>Record: the car started moving (the stopped-to-moving profile change).</summary>
        StartedMoving = 3,

        /// <summary>Record: the car stopped (the moving-to-stopped profile change), at the parked position.</summary>
        StoppedMoving = 4,

        /// <summary>Record: the course turned by at least report.moving.headingDeg at speed.</summary>
        Heading = 5,

        /// <summary>Record: the car moved at least report.moving.minDistanceM from the last record.</summary>
        Distance = 6,

        /// <summary>Record: the speed changed by at least report.moving.speedDeltaKmh since the last record.</summary>
        SpeedDelta = 7,

        /// <summary>Record: moving, and report.moving.maxPeriodS passed without another trigger.</summary>
        MaxPeriod = 8,

        /// <summary>Record: parked, and report.stopped.heartbeatS passed since the last record.</summary>
        Heartbeat = 9,

        /// <summary>Skip: less than report.moving.minPeriodS since the last record.</summary>
        SuppressedMinPeriod = 10,

        /// <summary>Skip: parked (static navigation); the position wander is jitter, not travel.</summary>
        SuppressedStatic = 11,

        /// <summary>Skip: moving, but no rule fired.</summary>
        NoTrigger = 12,

        /// <summary>
        /// Skip: the fix is not newer than the latest accepted fix (a repeated epoch, or time stepped
        /// back by at most <see cref="ReportPolicy.TimeResetBackwardsMs"/>).
        /// </summary>
        SuppressedStaleTime = 13,
    }
}
