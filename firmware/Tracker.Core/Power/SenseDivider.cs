namespace Tracker.Core.Power
{
    /// <summary>
    /// Turns raw ADC codes of a voltage-sense input into millivolts: the resistor divider in front of the pin, and the
    /// ADC's full scale. Integer maths only. The ESP32-S3's ADC at 12 dB attenuation reads about 0 to 3,100 mV as codes
    /// 0 to 4,095, uncalibrated (shared/reference/nanoframework-api.md, "ADC"): Vref varies from chip to chip by about
    /// ±10 %, so a board's reading is only as good as that until it is calibrated.
    /// </summary>
    public sealed class SenseDivider
    {
        /// <summary>The ADC's full scale at 12 dB attenuation, mV (Espressif's measurable range for the S3).</summary>
        public const int AdcFullScaleMv = 3100;

        /// <summary>The ADC's largest code (12 bits).</summary>
        public const int AdcMaxCode = 4095;

        private readonly int _topOhms;
        private readonly int _bottomOhms;
        private readonly int _fullScaleMv;

        /// <summary>Creates a divider.</summary>
        /// <param name="topOhms">The resistor from the sensed voltage to the pin.</param>
        /// <param name="bottomOhms">The resistor from the pin to ground.</param>
        /// <param name="fullScaleMv">The pin voltage at the largest code.</param>
        /// <exception cref="System.ArgumentOutOfRangeException">A value is not positive.</exception>
        public SenseDivider(int topOhms, int bottomOhms, int fullScaleMv)
        {
            if (topOhms < 0 || bottomOhms <= 0 || fullScaleMv <= 0)
            {
                throw new System.ArgumentOutOfRangeException(nameof(bottomOhms), "divider and full scale must be positive");
            }

            _topOhms = topOhms;
            _bottomOhms = bottomOhms;
            _fullScaleMv = fullScaleMv;
        }

        /// <summary>The reference board's 12 V sense: R4 100 k over R5 10 k (hardware/bom.csv), 34 V full scale.</summary>
        public static SenseDivider ReferenceSupply
        {
            get { return new SenseDivider(100000, 10000, AdcFullScaleMv); }
        }

        /// <summary>The reference board's backup-cell sense: R6 100 k over R7 100 k, 6.2 V full scale.</summary>
        public static SenseDivider ReferenceBackup
        {
            get { return new SenseDivider(100000, 100000, AdcFullScaleMv); }
        }

        /// <summary>The sensed voltage of the mean of some codes.</summary>
        /// <param name="codes">Raw codes, each 0 to <see cref="AdcMaxCode"/>.</param>
        /// <param name="count">How many of them to use (from the start).</param>
        /// <returns>mV, or <see cref="Common.Unknown.Value"/> (the status message's "unknown") when there is no valid code.</returns>
        public int ToMillivolts(int[] codes, int count)
        {
            if (codes == null || count <= 0 || count > codes.Length)
            {
                return Common.Unknown.Value;
            }

            long sum = 0;
            int used = 0;
            for (int i = 0; i < count; i++)
            {
                int code = codes[i];
                if (code >= 0 && code <= AdcMaxCode)
                {
                    sum += code;
                    used++;
                }
            }

            if (used == 0)
            {
                return Common.Unknown.Value;
            }

            // mV = mean code × full scale / max code × (top + bottom) / bottom, rounded once at the end.
            long numerator = sum * _fullScaleMv * (_topOhms + (long)_bottomOhms);
            long denominator = (long)used * AdcMaxCode * _bottomOhms;
            long mv = (numerator + (denominator / 2)) / denominator;
            return mv > 65535 ? 65535 : (int)mv;
        }
    }
}
