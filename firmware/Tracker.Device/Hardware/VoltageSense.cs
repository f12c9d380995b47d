using System.Device.Adc;
using Tracker.Core.Power;
using Tracker.Core.Uplink;

namespace Tracker.Device.Hardware
{
    /// <summary>
    /// A voltage-sense input on ADC1 (hw.supply.adcPin, hw.backup.adcPin; hardware/README.md): eight raw reads averaged
    /// and scaled by the board's divider (<see cref="SenseDivider"/>). On the ESP32-S3 ADC channel n is GPIO n+1, wired
    /// in silicon, and only ADC1 (GPIO 1 to 10) works while Wi-Fi is up (shared/reference/nanoframework-api.md, "ADC"), so
    /// a pin outside it is refused. A failed read is "unknown": device input never throws. <see cref="IsWired"/> says whether
    /// the channel opened (Program logs it at start).
    /// </summary>
    internal sealed class VoltageSense
    {
        private const int Samples = 8;

        private readonly AdcChannel? _channel;
        private readonly SenseDivider _divider;
        private readonly int[] _codes = new int[Samples];

        private VoltageSense(AdcChannel? channel, SenseDivider divider)
        {
            _channel = channel;
            _divider = divider;
        }

        /// <summary>Opens the pin's ADC1 channel, or a sense that reads unknown when the pin is -1 or not on ADC1.</summary>
        /// <param name="adc">The controller (one per device), or null when the firmware has no ADC.</param>
        /// <param name="gpio">The GPIO, 1 to 10, or -1 for none.</param>
        /// <param name="divider">The divider in front of it.</param>
        /// <returns>The sense.</returns>
        public static VoltageSense Open(AdcController? adc, int gpio, SenseDivider divider)
        {
            if (adc == null || gpio < 1 || gpio > 10)
            {
                return new VoltageSense(null, divider);
            }

            try
            {
                return new VoltageSense(adc.OpenChannel(gpio - 1), divider);
            }
            catch (System.Exception)
            {
                return new VoltageSense(null, divider);
            }
        }

        /// <summary>True when the pin's ADC1 channel opened.</summary>
        public bool IsWired
        {
            get { return _channel != null; }
        }

        /// <summary>The sensed voltage, mV, or <see cref="StatusReport.Unknown"/>.</summary>
        /// <returns>mV.</returns>
        public int ReadMillivolts()
        {
            if (_channel == null)
            {
                return StatusReport.Unknown;
            }

            try
            {
                for (int i = 0; i < Samples; i++)
                {
                    _codes[i] = _channel.ReadValue();
                }
            }
            catch (System.Exception)
            {
                return StatusReport.Unknown;
            }

            return _divider.ToMillivolts(_codes, Samples);
        }
    }
}
