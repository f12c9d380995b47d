namespace Tracker.Core.Reporting
{
    /// <summary>
    /// The report policy's settings: one value per <see cref="ReportSetting"/>, validated when built
    /// and immutable afterwards. Build it with <see cref="ReportConfigLoader.Load"/> (from the
    /// config file), <see cref="Create"/> or <see cref="With"/>; all three return a
    /// <see cref="ReportConfigResult"/> instead of throwing on a bad value.
    /// </summary>
    public sealed class ReportConfig
    {
        private static readonly ReportConfig DefaultConfig = new ReportConfig(Defaults());

        private readonly int[] _values;

        private ReportConfig(int[] values)
        {
            _values = values;
        }

        /// <summary>Every key at its documented default (ReportConfigTests checks that these validate).</summary>
        public static ReportConfig Default
        {
            get { return DefaultConfig; }
        }

        /// <summary>report.moving.minPeriodS, seconds.</summary>
        public int MovingMinPeriodS
        {
            get { return _values[ReportSetting.MovingMinPeriodS.Index]; }
        }

        /// <summary>report.moving.maxPeriodS, seconds.</summary>
        public int MovingMaxPeriodS
        {
            get { return _values[ReportSetting.MovingMaxPeriodS.Index]; }
        }

        /// <summary>report.moving.minDistanceM, metres (0: rule off).</summary>
        public int MovingMinDistanceM
        {
            get { return _values[ReportSetting.MovingMinDistanceM.Index]; }
        }

        /// <summary>report.moving.headingDeg, degrees (0: rule off).</summary>
        public int MovingHeadingDeg
        {
            get { return _values[ReportSetting.MovingHeadingDeg.Index]; }
        }

        /// <summary>report.moving.minSpeedForHeadingKmh, km/h.</summary>
        public int MovingMinSpeedForHeadingKmh
        {
            get { return _values[ReportSetting.MovingMinSpeedForHeadingKmh.Index]; }
        }

        /// <summary>report.moving.speedDeltaKmh, km/h (0: rule off).</summary>
        public int MovingSpeedDeltaKmh
        {
            get { return _values[ReportSetting.MovingSpeedDeltaKmh.Index]; }
        }

        /// <summary>report.stopped.heartbeatS, seconds.</summary>
        public int StoppedHeartbeatS
        {
            get { return _values[ReportSetting.StoppedHeartbeatS.Index]; }
        }

        /// <summary>report.stopped.staticRadiusM, metres.</summary>
        public int StoppedStaticRadiusM
        {
            get { return _values[ReportSetting.StoppedStaticRadiusM.Index]; }
        }

        /// <summary>report.movingThresholdKmh, km/h.</summary>
        public int MovingThresholdKmh
        {
            get { return _values[ReportSetting.MovingThresholdKmh.Index]; }
        }

        /// <summary>report.stoppedThresholdKmh, km/h.</summary>
        public int StoppedThresholdKmh
        {
            get { return _values[ReportSetting.StoppedThresholdKmh.Index]; }
        }

        /// <summary>report.startDelayS, seconds.</summary>
        public int StartDelayS
        {
            get { return _values[ReportSetting.StartDelayS.Index]; }
        }

        /// <summary>report.stopDelayS, seconds.</summary>
        public int StopDelayS
        {
            get { return _values[ReportSetting.StopDelayS.Index]; }
        }

        /// <summary>The value of any setting.</summary>
        /// <param name="setting">The setting.</param>
        /// <returns>Its value in its own unit.</returns>
        public int Get(ReportSetting setting)
        {
            if (setting == null)
            {
                throw new System.ArgumentNullException("setting");
            }

            return _values[setting.Index];
        }

        /// <summary>Validates and builds a configuration from one value per setting.</summary>
        /// <param name="values"><see cref="ReportSetting.Count"/> values in <see cref="ReportSetting.Index"/> order (copied).</param>
        /// <returns>The configuration, or the first error (naming the key).</returns>
        public static ReportConfigResult Create(int[] values)
        {
            return Validate(values, null);
        }

        /// <summary>A copy of this configuration with one value changed, validated like the rest.</summary>
        /// <param name="setting">The setting to change.</param>
        /// <param name="value">Its new value.</param>
        /// <returns>The new configuration, or the error.</returns>
        public ReportConfigResult With(ReportSetting setting, int value)
        {
            if (setting == null)
            {
                throw new System.ArgumentNullException("setting");
            }

            int[] values = new int[ReportSetting.Count];
            System.Array.Copy(_values, values, ReportSetting.Count);
            values[setting.Index] = value;
            return Validate(values, null);
        }

        /// <summary>The defaults, in <see cref="ReportSetting.Index"/> order (a fresh array).</summary>
        /// <returns>One value per setting.</returns>
        public static int[] Defaults()
        {
            int[] values = new int[ReportSetting.Count];
            for (int i = 0; i < ReportSetting.Count; i++)
            {
                values[i] = ReportSetting.At(i).Default;
            }

            return values;
        }

        /// <summary>
        /// Checks each value against its range, then the rules between keys, and builds the
        /// configuration. <paramref name="lines"/> (1-based line per setting, 0 for a default) lets
        /// the loader point at the offending line.
        /// </summary>
        internal static ReportConfigResult Validate(int[] values, int[]? lines)
        {
            if (values == null)
            {
                throw new System.ArgumentNullException("values");
            }

            if (values.Length != ReportSetting.Count)
            {
                throw new System.ArgumentException("One value per ReportSetting is required.", "values");
            }

            for (int i = 0; i < ReportSetting.Count; i++)
            {
                ReportSetting s = ReportSetting.At(i);
                int v = values[i];
                if (v < s.Min || v > s.Max)
                {
                    return ReportConfigResult.Fail(
                        ReportConfigError.OutOfRange,
                        s.Key,
                        LineOf(lines, i),
                        string.Concat(new string[]
                        {
                            s.Key, " = ", v.ToString(), " is out of range: allowed ",
                            s.Min.ToString(), "..", s.Max.ToString(), " ", s.Unit,
                        }));
                }
            }

            ReportConfigResult? conflict =
                AtLeast(values, lines, ReportSetting.MovingMaxPeriodS, ReportSetting.MovingMinPeriodS);
            if (conflict != null)
            {
                return conflict;
            }

            conflict = AtLeast(values, lines, ReportSetting.StoppedHeartbeatS, ReportSetting.MovingMinPeriodS);
            if (conflict != null)
            {
                return conflict;
            }

            // The two thresholds form the hysteresis band; with no band the profile would flap.
            int moving = values[ReportSetting.MovingThresholdKmh.Index];
            int stopped = values[ReportSetting.StoppedThresholdKmh.Index];
            if (stopped >= moving)
            {
                ReportSetting blamed = Blame(lines, ReportSetting.StoppedThresholdKmh, ReportSetting.MovingThresholdKmh);
                return ReportConfigResult.Fail(
                    ReportConfigError.Inconsistent,
                    blamed.Key,
                    LineOf(lines, blamed.Index),
                    string.Concat(new string[]
                    {
                        ReportSetting.StoppedThresholdKmh.Key, " (", stopped.ToString(), ") must be below ",
                        ReportSetting.MovingThresholdKmh.Key, " (", moving.ToString(), ")",
                    }));
            }

            int[] copy = new int[ReportSetting.Count];
            System.Array.Copy(values, copy, ReportSetting.Count);
            return ReportConfigResult.Ok(new ReportConfig(copy));
        }

        // Fails when values[larger] < values[smaller].
        private static ReportConfigResult? AtLeast(int[] values, int[]? lines, ReportSetting larger, ReportSetting smaller)
        {
            int big = values[larger.Index];
            int small = values[smaller.Index];
            if (big >= small)
            {
                return null;
            }

            ReportSetting blamed = Blame(lines, larger, smaller);
            return ReportConfigResult.Fail(
                ReportConfigError.Inconsistent,
                blamed.Key,
                LineOf(lines, blamed.Index),
                string.Concat(new string[]
                {
                    larger.Key, " (", big.ToString(), ") must be at least ",
                    smaller.Key, " (", small.ToString(), ")",
                }));
        }

        // Names the first key, unless only the second one was written in the file (then that line
        // is where the installer has to look).
        private static ReportSetting Blame(int[]? lines, ReportSetting first, ReportSetting second)
        {
            if (LineOf(lines, first.Index) == 0 && LineOf(lines, second.Index) > 0)
            {
                return second;
            }

            return first;
        }

        private static int LineOf(int[]? lines, int index)
        {
            return lines == null ? 0 : lines[index];
        }
    }
}
