using System.Device.Gpio;
using Tracker.Core.Uplink;

namespace Tracker.Device.Hardware
{
    /// <summary>
    /// The ignition (KL15) input: a transistor pulls the GPIO low while ignition is on (the
    /// reference board's circuit, hardware/pinmap.json "ignition").
    /// </summary>
    internal sealed class IgnitionInput
    {
        private readonly GpioPin? _pin;
        private readonly PinValue _onLevel;

        /// <summary>Opens the pin with its pull-up, or records "not wired" when the pin is negative.</summary>
        /// <param name="gpio">The controller.</param>
        /// <param name="pinNumber">hw.ignition.pin, or -1 when the board has no ignition input.</param>
        /// <param name="activeHigh">hw.ignition.activeHigh: the level that means "on".</param>
        public IgnitionInput(GpioController gpio, int pinNumber, bool activeHigh)
        {
            _onLevel = activeHigh ? PinValue.High : PinValue.Low;
            if (pinNumber >= 0)
            {
                _pin = gpio.OpenPin(pinNumber, activeHigh ? PinMode.InputPullDown : PinMode.InputPullUp);
            }
        }

        /// <summary>The input now; <see cref="IgnitionState.Unknown"/> when not wired.</summary>
        public IgnitionState Read()
        {
            if (_pin == null)
            {
                return IgnitionState.Unknown;
            }

            return _pin.Read() == _onLevel ? IgnitionState.On : IgnitionState.Off;
        }
    }
}
