using Tracker.Core.Common;
using Tracker.Core.Fixes;

namespace Tracker.Core.Reporting
{
    /// <summary>
    /// Decides, fix by fix, which fixes to record: a Teltonika-style policy with a moving and a
    /// stopped profile. Feed it every fix in arrival order; it keeps its own state and uses only the
    /// fix's own <see cref="Fix.TimeMs"/>, never a clock, so a replay decides exactly as the car did.
    /// </summary>
    /// <remarks>
    /// <para><b>Profiles and hysteresis.</b> Stopped switches to moving when there is evidence of
    /// moving (speed at or above report.movingThresholdKmh, or a position more than
    /// report.stopped.staticRadiusM from the parked position) on every fix for report.startDelayS.
    /// Moving switches to stopped when there is evidence of being stopped (speed below
    /// report.stoppedThresholdKmh, or unknown) and the car stays within the static radius of where
    /// that began, on every fix for report.stopDelayS. Between the two speed thresholds neither
    /// evidence counts, and a gap of more than <see cref="EvidenceGapMs"/> between fixes restarts
    /// the count, so a car crawling in traffic keeps its profile. The switch itself is a record
    /// (<see cref="ReportReason.StartedMoving"/>, <see cref="ReportReason.StoppedMoving"/>), delayed
    /// if need be until report.moving.minPeriodS has passed.</para>
    /// <para><b>Moving profile.</b> After report.moving.minPeriodS since the last record, record on
    /// (in this order) heading change, distance, speed change, or report.moving.maxPeriodS.</para>
    /// <para><b>Stopped profile (static navigation).</b> Only heartbeats, every
    /// report.stopped.heartbeatS. Every record while stopped carries the parked position, altitude
    /// and course (where the car stopped) and a known speed reads 0, so a parked car's jitter never
    /// shows as a trail.</para>
    /// <para><b>Unknown fields.</b> Speed is never derived from positions (1 Hz jitter of a few
    /// metres would read as 10 km/h or more). An unknown speed is no evidence of moving (the static
    /// radius still is) and counts as stopped evidence; the speed-change rule needs both speeds and
    /// the heading rule needs both courses and the current speed, so they cannot fire on unknowns.
    /// </para>
    /// <para><b>Time.</b> The first fix after boot is recorded. A fix not newer than the last
    /// accepted one is skipped (<see cref="ReportReason.SuppressedStaleTime"/>) unless it is more
    /// than <see cref="TimeResetBackwardsMs"/> older: then the receiver's clock was corrected, and
    /// the policy restarts as after boot (<see cref="ReportReason.TimeReset"/>). A forward gap
    /// (tunnel, outage) needs no special case: the periods have run out, so the next fix is
    /// recorded by whichever rule applies.</para>
    /// <para>Guarantees (property-tested): no two records are closer in time than
    /// report.moving.minPeriodS except a <see cref="ReportReason.FirstFix"/> or
    /// <see cref="ReportReason.TimeReset"/> record; while fixes keep coming every I ms, records are
    /// at most max(report.moving.maxPeriodS, report.stopped.heartbeatS) + I apart; the same fixes
    /// give the same decisions.</para>
    /// </remarks>
    public sealed class ReportPolicy
    {
        /// <summary>
        /// How far back (ms) a fix's time may step before it counts as a clock correction rather
        /// than a stale or repeated epoch. One minute covers a receiver's leap-second correction
        /// (GPS-UTC is 18 s) with room to spare, and skips at most a minute of fixes.
        /// </summary>
        public const long TimeResetBackwardsMs = 60000;

        /// <summary>
        /// The largest gap (ms) between two fixes that still continues a run of moving or stopped
        /// evidence; after a longer gap the hold time starts again. Five 1 Hz epochs.
        /// </summary>
        public const long EvidenceGapMs = 5000;

        // km/h to mm/s is ×1e6/3600 = ×2500/9: "speed ≥ k km/h" is tested exactly as mm/s·9 ≥ k·2500.
        private const long KmhNumerator = 2500;
        private const long MmpsFactor = 9;

        private readonly long _minPeriodMs;
        private readonly long _maxPeriodMs;
        private readonly long _heartbeatMs;
        private readonly long _minDistanceCm;
        private readonly int _headingCdeg;
        private readonly long _headingSpeedScaled;
        private readonly long _speedDeltaScaled;
        private readonly long _staticRadiusCm;
        private readonly long _movingScaled;
        private readonly long _stoppedScaled;
        private readonly long _startDelayMs;
        private readonly long _stopDelayMs;

        private bool _started;
        private long _lastFixMs;
        private Fix _lastRecord;
        private MotionState _motion;
        private Fix _anchor;
        private ReportReason _pendingChange;
        private bool _runActive;
        private long _runStartMs;
        private Fix _runStart;

        /// <summary>Creates a policy in the "just booted" state.</summary>
        /// <param name="config">The validated settings.</param>
        public ReportPolicy(ReportConfig config)
        {
            if (config == null)
            {
                throw new System.ArgumentNullException("config");
            }

            Config = config;
            _minPeriodMs = config.MovingMinPeriodS * 1000L;
            _maxPeriodMs = config.MovingMaxPeriodS * 1000L;
            _heartbeatMs = config.StoppedHeartbeatS * 1000L;
            _minDistanceCm = config.MovingMinDistanceM * 100L;
            _headingCdeg = config.MovingHeadingDeg * 100;
            _headingSpeedScaled = config.MovingMinSpeedForHeadingKmh * KmhNumerator;
            _speedDeltaScaled = config.MovingSpeedDeltaKmh * KmhNumerator;
            _staticRadiusCm = config.StoppedStaticRadiusM * 100L;
            _movingScaled = config.MovingThresholdKmh * KmhNumerator;
            _stoppedScaled = config.StoppedThresholdKmh * KmhNumerator;
            _startDelayMs = config.StartDelayS * 1000L;
            _stopDelayMs = config.StopDelayS * 1000L;
        }

        /// <summary>The settings this policy applies.</summary>
        public ReportConfig Config { get; }

        /// <summary>The profile in force (<see cref="MotionState.Stopped"/> before the first fix).</summary>
        public MotionState Motion
        {
            get { return _motion; }
        }

        /// <summary>Forgets everything, as after boot: the next fix is a <see cref="ReportReason.FirstFix"/>.</summary>
        public void Reset()
        {
            _started = false;
            _lastFixMs = 0;
            _lastRecord = default(Fix);
            _motion = MotionState.Stopped;
            _anchor = default(Fix);
            _pendingChange = ReportReason.None;
            _runActive = false;
            _runStartMs = 0;
            _runStart = default(Fix);
        }

        /// <summary>Decides about the next fix and advances the policy's state.</summary>
        /// <param name="fix">The fix, in arrival order.</param>
        /// <returns>Record or skip, the reason, and the fix to record.</returns>
        public ReportDecision Decide(Fix fix)
        {
            if (!_started)
            {
                return Boot(fix, ReportReason.FirstFix);
            }

            long sinceLastFix = fix.TimeMs - _lastFixMs;
            if (sinceLastFix <= 0)
            {
                if (-sinceLastFix > TimeResetBackwardsMs)
                {
                    Reset();
                    return Boot(fix, ReportReason.TimeReset);
                }

                return Skip(fix, ReportReason.SuppressedStaleTime);
            }

            if (sinceLastFix > EvidenceGapMs)
            {
                _runActive = false;
            }

            _lastFixMs = fix.TimeMs;
            UpdateMotion(fix);

            // Positive: the last record is never newer than the last accepted fix.
            long elapsed = fix.TimeMs - _lastRecord.TimeMs;
            if (_motion == MotionState.Moving)
            {
                return DecideMoving(fix, elapsed);
            }

            return DecideStopped(fix, elapsed);
        }

        private ReportDecision Boot(Fix fix, ReportReason reason)
        {
            _started = true;
            _lastFixMs = fix.TimeMs;
            _pendingChange = ReportReason.None;
            _runActive = false;
            if (SpeedAtLeast(fix.SpeedMmps, _movingScaled))
            {
                _motion = MotionState.Moving;
                return Record(fix, reason);
            }

            _motion = MotionState.Stopped;
            _anchor = fix;
            return Record(Pin(fix), reason);
        }

        // The profile switch, with hysteresis in speed (two thresholds) and in time (hold delays).
        private void UpdateMotion(Fix fix)
        {
            if (_motion == MotionState.Stopped)
            {
                bool moving = SpeedAtLeast(fix.SpeedMmps, _movingScaled) || Distance(fix, _anchor) > _staticRadiusCm;
                if (!moving)
                {
                    _runActive = false;
                    return;
                }

                if (!_runActive)
                {
                    _runActive = true;
                    _runStartMs = fix.TimeMs;
                }

                if (fix.TimeMs - _runStartMs >= _startDelayMs)
                {
                    _motion = MotionState.Moving;
                    _runActive = false;
                    _pendingChange = ReportReason.StartedMoving;
                }

                return;
            }

            bool slow = fix.SpeedMmps == Fix.Unknown || !SpeedAtLeast(fix.SpeedMmps, _stoppedScaled);
            if (!slow)
            {
                _runActive = false;
                return;
            }

            // The car must also stay put: a slow run that wanders beyond the radius starts again there.
            if (!_runActive || Distance(fix, _runStart) > _staticRadiusCm)
            {
                _runActive = true;
                _runStartMs = fix.TimeMs;
                _runStart = fix;
            }

            if (fix.TimeMs - _runStartMs >= _stopDelayMs)
            {
                _motion = MotionState.Stopped;
                _anchor = _runStart;
                _runActive = false;
                _pendingChange = ReportReason.StoppedMoving;
            }
        }

        private ReportDecision DecideMoving(Fix fix, long elapsed)
        {
            if (elapsed < _minPeriodMs)
            {
                return Skip(fix, ReportReason.SuppressedMinPeriod);
            }

            if (_pendingChange != ReportReason.None)
            {
                ReportReason change = _pendingChange;
                _pendingChange = ReportReason.None;
                return Record(fix, change);
            }

            if (HeadingFires(fix))
            {
                return Record(fix, ReportReason.Heading);
            }

            if (_minDistanceCm > 0 && Distance(fix, _lastRecord) >= _minDistanceCm)
            {
                return Record(fix, ReportReason.Distance);
            }

            if (SpeedDeltaFires(fix))
            {
                return Record(fix, ReportReason.SpeedDelta);
            }

            if (elapsed >= _maxPeriodMs)
            {
                return Record(fix, ReportReason.MaxPeriod);
            }

            return Skip(fix, ReportReason.NoTrigger);
        }

        private ReportDecision DecideStopped(Fix fix, long elapsed)
        {
            if (_pendingChange != ReportReason.None)
            {
                if (elapsed < _minPeriodMs)
                {
                    return Skip(fix, ReportReason.SuppressedMinPeriod);
                }

                ReportReason change = _pendingChange;
                _pendingChange = ReportReason.None;
                return Record(Pin(fix), change);
            }

            // The heartbeat is at least the minimum period (checked when the config is built).
            if (elapsed >= _heartbeatMs)
            {
                return Record(Pin(fix), ReportReason.Heartbeat);
            }

            return Skip(fix, ReportReason.SuppressedStatic);
        }

        private bool HeadingFires(Fix fix)
        {
            if (_headingCdeg == 0 || fix.CourseCdeg == Fix.Unknown || _lastRecord.CourseCdeg == Fix.Unknown)
            {
                return false;
            }

            if (!SpeedAtLeast(fix.SpeedMmps, _headingSpeedScaled))
            {
                return false;
            }

            return GeoMath.HeadingDeltaCdeg(fix.CourseCdeg, _lastRecord.CourseCdeg) >= _headingCdeg;
        }

        private bool SpeedDeltaFires(Fix fix)
        {
            if (_speedDeltaScaled == 0 || fix.SpeedMmps == Fix.Unknown || _lastRecord.SpeedMmps == Fix.Unknown)
            {
                return false;
            }

            long delta = (long)fix.SpeedMmps - _lastRecord.SpeedMmps;
            if (delta < 0)
            {
                delta = -delta;
            }

            return delta * MmpsFactor >= _speedDeltaScaled;
        }

        // Static navigation: the parked position, altitude and course; a known speed reads 0.
        private Fix Pin(Fix fix)
        {
            Fix pinned = fix;
            pinned.LatE7 = _anchor.LatE7;
            pinned.LonE7 = _anchor.LonE7;
            pinned.AltCm = _anchor.AltCm;
            pinned.CourseCdeg = _anchor.CourseCdeg;
            if (pinned.SpeedMmps != Fix.Unknown)
            {
                pinned.SpeedMmps = 0;
            }

            return pinned;
        }

        private ReportDecision Record(Fix fix, ReportReason reason)
        {
            _lastRecord = fix;
            return new ReportDecision(ReportAction.Record, reason, fix, _motion);
        }

        private ReportDecision Skip(Fix fix, ReportReason reason)
        {
            return new ReportDecision(ReportAction.Skip, reason, fix, _motion);
        }

        // False for an unknown speed: unknown is not evidence of any speed.
        private static bool SpeedAtLeast(int speedMmps, long thresholdScaled)
        {
            return speedMmps != Fix.Unknown && speedMmps * MmpsFactor >= thresholdScaled;
        }

        private static long Distance(Fix a, Fix b)
        {
            return GeoMath.DistanceCm(a.LatE7, a.LonE7, b.LatE7, b.LonE7);
        }
    }
}
