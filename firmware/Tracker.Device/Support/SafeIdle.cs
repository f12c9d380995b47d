using System;
using System.Threading;
using nanoFramework.Runtime.Native;
using Tracker.Device.Hardware;

namespace Tracker.Device.Support
{
    /// <summary>A check that says whether the device could start now (the config and certificates load).</summary>
    /// <returns>True when a restart would get past the failure.</returns>
    internal delegate bool StartCheck();

    /// <summary>
    /// Where the device goes when it cannot run: a missing or invalid config, missing certificates,
    /// a pin the board cannot open. It shows the config-error LED pattern, repeats the reason in the
    /// log, and never reboots on its own: a reboot would only fail the same way, and a reboot loop
    /// hides the reason from an installer with a laptop.
    /// </summary>
    /// <remarks>
    /// It leaves the idle state in one way only: when the files are fixed (an installer runs
    /// nanoff's file deployment while the device runs), <see cref="StartCheck"/> succeeds and the
    /// device restarts once, cleanly, into the normal start. The software watchdog is not running
    /// here, because nothing in this loop can hang.
    /// </remarks>
    internal static class SafeIdle
    {
        private const int CheckEveryMs = 10000;
        private const int RepeatEveryMs = 60000;

        /// <summary>Idles forever, or until <paramref name="recovered"/> says a restart would succeed.</summary>
        /// <param name="led">The LED, or null when even the LED pin is unknown.</param>
        /// <param name="reason">The log line: what is wrong, naming the file and the key.</param>
        /// <param name="recovered">Checks whether the files were fixed; null to never check.</param>
        public static void Enter(StatusLed? led, string reason, StartCheck? recovered)
        {
            if (led != null)
            {
                led.Show(LedPattern.ConfigError);
            }

            DeviceLog.Error("boot", String.Concat("cannot start: ", reason));
            DeviceLog.Info("boot", "safe idle: deploy a valid I:\\tracker.conf and certificates (main README, Flashing); the device restarts once they load");
            int sinceRepeat = 0;
            while (true)
            {
                Thread.Sleep(CheckEveryMs);
                sinceRepeat += CheckEveryMs;
                if (recovered != null && recovered())
                {
                    DeviceLog.Info("boot", "config and certificates now load: restarting");
                    Power.RebootDevice(RebootOption.NormalReboot);
                }

                if (sinceRepeat >= RepeatEveryMs)
                {
                    sinceRepeat = 0;
                    DeviceLog.Error("boot", String.Concat("still idle: ", reason));
                }
            }
        }
    }
}
