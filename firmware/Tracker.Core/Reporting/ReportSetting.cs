namespace Tracker.Core.Reporting
{
    /// <summary>
    /// One key of the report configuration: its name in the config file, default, allowed range and
    /// unit. Every key is declared here, once, as a static field; the loader, the validation and
    /// <c>ReportConfig</c> all read these declarations. The README beside this file has the
    /// same table with the reasons for each default.
    /// </summary>
    public sealed class ReportSetting
    {
        /// <summary>How many keys there are; <see cref="Index"/> runs from 0 to Count - 1.</summary>
        public const int Count = 12;

        /// <summary>
        /// report.moving.minPeriodS (s, default 5, 1..3600): no two records closer in time than this,
        /// whatever fires (the only exceptions are the first fix and a clock reset). Limits bursts in
        /// a tight bend or a roundabout.
        /// </summary>
        public static readonly ReportSetting MovingMinPeriodS =
            new ReportSetting(0, "report.moving.minPeriodS", 5, 1, 3600, "s");

        /// <summary>
        /// report.moving.maxPeriodS (s, default 60, 1..86400, at least minPeriodS): while moving, a
        /// record at least this often even if nothing else fires.
        /// </summary>
        public static readonly ReportSetting MovingMaxPeriodS =
            new ReportSetting(1, "report.moving.maxPeriodS", 60, 1, 86400, "s");

        /// <summary>
        /// report.moving.minDistanceM (m, default 250, 0..100000; 0 turns the rule off): while moving,
        /// record when the car is this far from the last record.
        /// </summary>
        public static readonly ReportSetting MovingMinDistanceM =
            new ReportSetting(2, "report.moving.minDistanceM", 250, 0, 100000, "m");

        /// <summary>
        /// report.moving.headingDeg (degrees, default 15, 0..180; 0 turns the rule off): while moving,
        /// record when the course differs from the last record's by this much.
        /// </summary>
        public static readonly ReportSetting MovingHeadingDeg =
            new ReportSetting(3, "report.moving.headingDeg", 15, 0, 180, "deg");

        /// <summary>
        /// report.moving.minSpeedForHeadingKmh (km/h, default 10, 0..250): the heading rule only fires
        /// at or above this speed, because course over ground is noise at walking pace.
        /// </summary>
        public static readonly ReportSetting MovingMinSpeedForHeadingKmh =
            new ReportSetting(4, "report.moving.minSpeedForHeadingKmh", 10, 0, 250, "km/h");

        /// <summary>
        /// report.moving.speedDeltaKmh (km/h, default 20, 0..250; 0 turns the rule off): while moving,
        /// record when the speed differs from the last record's by this much.
        /// </summary>
        public static readonly ReportSetting MovingSpeedDeltaKmh =
            new ReportSetting(5, "report.moving.speedDeltaKmh", 20, 0, 250, "km/h");

        /// <summary>
        /// report.stopped.heartbeatS (s, default 900, 1..86400, at least moving.minPeriodS): while
        /// parked, one record this often so the cloud knows the tracker is alive.
        /// </summary>
        public static readonly ReportSetting StoppedHeartbeatS =
            new ReportSetting(6, "report.stopped.heartbeatS", 900, 1, 86400, "s");

        /// <summary>
        /// report.stopped.staticRadiusM (m, default 30, 1..1000): parked jitter stays inside this
        /// radius of the parked position; a fix outside it counts as evidence of moving, and a car
        /// that stays inside it (from the first slow fix) for stopDelayS counts as stopped.
        /// </summary>
        public static readonly ReportSetting StoppedStaticRadiusM =
            new ReportSetting(7, "report.stopped.staticRadiusM", 30, 1, 1000, "m");

        /// <summary>
        /// report.movingThresholdKmh (km/h, default 8, 1..100): a speed at or above this counts as
        /// evidence of moving (the upper hysteresis threshold).
        /// </summary>
        public static readonly ReportSetting MovingThresholdKmh =
            new ReportSetting(8, "report.movingThresholdKmh", 8, 1, 100, "km/h");

        /// <summary>
        /// report.stoppedThresholdKmh (km/h, default 4, 1..99, below movingThresholdKmh): a speed
        /// below this counts as evidence of being stopped (the lower hysteresis threshold).
        /// </summary>
        public static readonly ReportSetting StoppedThresholdKmh =
            new ReportSetting(9, "report.stoppedThresholdKmh", 4, 1, 99, "km/h");

        /// <summary>
        /// report.startDelayS (s, default 3, 0..600): evidence of moving must last this long, fix
        /// after fix, before the policy switches from stopped to moving.
        /// </summary>
        public static readonly ReportSetting StartDelayS =
            new ReportSetting(10, "report.startDelayS", 3, 0, 600, "s");

        /// <summary>
        /// report.stopDelayS (s, default 60, 0..3600): evidence of being stopped must last this long,
        /// fix after fix, before the policy switches from moving to stopped (longer than a red light).
        /// </summary>
        public static readonly ReportSetting StopDelayS =
            new ReportSetting(11, "report.stopDelayS", 60, 0, 3600, "s");

        // In Index order; static initialisers run in textual order, so the fields above exist.
        private static readonly ReportSetting[] All = new ReportSetting[]
        {
            MovingMinPeriodS, MovingMaxPeriodS, MovingMinDistanceM, MovingHeadingDeg,
            MovingMinSpeedForHeadingKmh, MovingSpeedDeltaKmh, StoppedHeartbeatS, StoppedStaticRadiusM,
            MovingThresholdKmh, StoppedThresholdKmh, StartDelayS, StopDelayS,
        };

        private ReportSetting(int index, string key, int defaultValue, int min, int max, string unit)
        {
            Index = index;
            Key = key;
            Default = defaultValue;
            Min = min;
            Max = max;
            Unit = unit;
        }

        /// <summary>Position in the configuration's value array (0 to <see cref="Count"/> - 1).</summary>
        public int Index { get; }

        /// <summary>The key as written in the config file, e.g. report.moving.minPeriodS.</summary>
        public string Key { get; }

        /// <summary>The value taken when the file omits the key.</summary>
        public int Default { get; }

        /// <summary>The smallest allowed value.</summary>
        public int Min { get; }

        /// <summary>The largest allowed value.</summary>
        public int Max { get; }

        /// <summary>The unit, for messages (s, m, deg, km/h).</summary>
        public string Unit { get; }

        /// <summary>The setting with the given index.</summary>
        /// <param name="index">0 to <see cref="Count"/> - 1.</param>
        /// <returns>The setting.</returns>
        public static ReportSetting At(int index)
        {
            if (index < 0 || index >= Count)
            {
                throw new System.ArgumentOutOfRangeException("index");
            }

            return All[index];
        }

        /// <summary>Finds a setting by its exact (case-sensitive) key.</summary>
        /// <param name="key">The key as written in the file.</param>
        /// <returns>The index, or -1 when no setting has that key.</returns>
        public static int IndexOf(string key)
        {
            for (int i = 0; i < Count; i++)
            {
                if (All[i].Key == key)
                {
                    return i;
                }
            }

            return -1;
        }
    }
}
