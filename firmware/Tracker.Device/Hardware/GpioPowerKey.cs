using System.Device.Gpio;
using Tracker.Core.Modem;

namespace Tracker.Device.Hardware
{
    /// <summary>
    /// <see cref="IPowerKey"/> over a GPIO that drives the SIM7080G's PWRKEY through a transistor
    /// (Q2 in hardware/bom.csv): "pressed" is the level that pulls PWRKEY low.
    /// </summary>
    internal sealed class GpioPowerKey : IPowerKey
    {
        private readonly GpioPin _pin;
        private readonly PinValue _pressed;
        private readonly PinValue _released;

        /// <summary>Opens the pin as an output, released.</summary>
        /// <param name="gpio">The controller.</param>
        /// <param name="pinNumber">hw.modem.pwrkeyPin (GPIO41 on the reference board).</param>
        /// <param name="activeHigh">hw.modem.pwrkeyActiveHigh: true when a high level presses the key.</param>
        public GpioPowerKey(GpioController gpio, int pinNumber, bool activeHigh)
        {
            _pressed = activeHigh ? PinValue.High : PinValue.Low;
            _released = activeHigh ? PinValue.Low : PinValue.High;
            _pin = gpio.OpenPin(pinNumber, PinMode.Output);
            _pin.Write(_released);
        }

        /// <inheritdoc/>
        public void SetPressed(bool pressed)
        {
            _pin.Write(pressed ? _pressed : _released);
        }
    }
}
