using System.Device.Gpio;
using System.IO.Ports;
using Tracker.Core.Config;
using Tracker.Core.Modem;
using Tracker.Device.Hardware;
using Tracker.Device.Time;

namespace Tracker.Device.Boot
{
    /// <summary>
    /// Builds the SIM7080G driver from the config: the modem's supply on, its UART, PWRKEY, the
    /// AT channel, and <see cref="Sim7080Options"/> from the <c>cell.*</c>, <c>mqtt.*</c> and
    /// <c>tls.*</c> keys. Wiring only; the driver does everything else.
    /// </summary>
    internal static class ModemStart
    {
        /// <summary>Opens the hardware and creates the driver (the modem is powered on later, by the link's first connect).</summary>
        /// <param name="gpio">The controller.</param>
        /// <param name="config">The tracker config.</param>
        /// <param name="clock">The monotonic clock for AT timeouts.</param>
        /// <returns>The driver.</returns>
        public static Sim7080Modem Create(GpioController gpio, TrackerConfig config, TickClock clock)
        {
            int powerPin = config.GetInt(TrackerSetting.HwModemPowerPin);
            if (powerPin >= 0)
            {
                // Keep a reference: the pin stays an output, high (the modem's buck enabled).
                PowerPin = gpio.OpenPin(powerPin, PinMode.Output);
                PowerPin.Write(PinValue.High);
            }

            SerialPort port = UartPorts.Open(
                config.GetChoice(TrackerSetting.HwModemPort),
                config.GetInt(TrackerSetting.HwModemRxPin),
                config.GetInt(TrackerSetting.HwModemTxPin),
                config.GetInt(TrackerSetting.HwModemBaud));
            AtChannel at = new AtChannel(new SerialPortChannel(port), clock);
            GpioPowerKey key = new GpioPowerKey(gpio, config.GetInt(TrackerSetting.HwModemPwrkeyPin), config.GetFlag(TrackerSetting.HwModemPwrkeyActiveHigh));
            return new Sim7080Modem(at, key, Options(config));
        }

        /// <summary>The modem supply's enable pin, while open.</summary>
        public static GpioPin? PowerPin { get; private set; }

        /// <summary>The driver's options from the config (the modem's file names are the I: file names: both at most 20 characters).</summary>
        /// <param name="c">The config.</param>
        /// <returns>The options.</returns>
        public static Sim7080Options Options(TrackerConfig c)
        {
            return new Sim7080Options(
                c.Apn ?? string.Empty,
                c.ApnUser,
                c.ApnPassword,
                c.Rat,
                c.SimPin,
                c.MqttEndpoint,
                c.MqttPort,
                c.CaFile,
                c.CertFile,
                c.KeyFile,
                Sim7080Options.DefaultRegistrationTimeoutMs,
                Sim7080Options.DefaultPdpTimeoutMs,
                Sim7080Options.DefaultConnectTimeoutMs,
                Sim7080Options.DefaultPublishTimeoutMs,
                Sim7080Options.DefaultStatePollMs);
        }
    }
}
