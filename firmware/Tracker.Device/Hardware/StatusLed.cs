using System.Device.Gpio;
using System.Threading;

namespace Tracker.Device.Hardware
{
    /// <summary>
    /// The status LED, driven by a 100 ms timer so the pattern keeps going whatever the main loop
    /// is blocked on (a 60 s <c>AT+SMCONN</c>, a TLS handshake).
    /// </summary>
    internal sealed class StatusLed
    {
        private const int SlotMs = 100;
        private const int Slots = 20;

        // One bit per 100 ms slot of the 2 s cycle, slot 0 in bit 0.
        private const int BootingMask = 0xFFFFF;
        private const int ConfigErrorMask = 0x55555;
        private const int NoFixMask = 0x00001;
        private const int NoLinkMask = 0x00005;
        private const int OkMask = 0x7FFFF;

        private readonly GpioPin? _pin;
        private readonly PinValue _on;
        private readonly PinValue _off;
        private readonly Timer? _timer;
        private int _mask = BootingMask;
        private int _slot;

        /// <summary>Opens the pin and starts the timer; a negative pin number gives a LED that does nothing.</summary>
        /// <param name="gpio">The controller.</param>
        /// <param name="pinNumber">hw.led.pin (GPIO21 on the reference board), or -1.</param>
        /// <param name="activeHigh">True when a high level lights the LED.</param>
        public StatusLed(GpioController gpio, int pinNumber, bool activeHigh)
        {
            _on = activeHigh ? PinValue.High : PinValue.Low;
            _off = activeHigh ? PinValue.Low : PinValue.High;
            if (pinNumber < 0)
            {
                return;
            }

            _pin = gpio.OpenPin(pinNumber, PinMode.Output);
            _pin.Write(_on);
            _timer = new Timer(OnSlot, null, SlotMs, SlotMs);
        }

        /// <summary>Switches to a pattern; takes effect at the next slot.</summary>
        /// <param name="pattern">The pattern.</param>
        public void Show(LedPattern pattern)
        {
            int mask;
            switch (pattern)
            {
                case LedPattern.ConfigError:
                    mask = ConfigErrorMask;
                    break;
                case LedPattern.NoFix:
                    mask = NoFixMask;
                    break;
                case LedPattern.NoLink:
                    mask = NoLinkMask;
                    break;
                case LedPattern.Ok:
                    mask = OkMask;
                    break;
                default:
                    mask = BootingMask;
                    break;
            }

            Interlocked.Exchange(ref _mask, mask);
        }

        private void OnSlot(object? state)
        {
            GpioPin? pin = _pin;
            if (pin == null)
            {
                return;
            }

            int slot = _slot;
            pin.Write(((_mask >> slot) & 1) != 0 ? _on : _off);
            _slot = slot + 1 == Slots ? 0 : slot + 1;
        }
    }
}
