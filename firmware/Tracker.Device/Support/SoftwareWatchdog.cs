using System;
using System.Threading;
using nanoFramework.Runtime.Native;

namespace Tracker.Device.Support
{
    /// <summary>
    /// A software watchdog: ESP32 nanoFramework exposes no hardware watchdog API (DESIGN.md), so a
    /// timer reboots the device when a registered loop stops kicking it.
    /// </summary>
    /// <remarks>
    /// Each loop (the main loop, the GNSS reader) registers a channel and kicks it every pass. Every
    /// <see cref="CheckPeriodMs"/> the timer clears the kicks it saw; a channel not kicked for
    /// <c>timeoutMs</c> reboots the device. The FixLog needs no shutdown: every append is already on
    /// flash (Storage/README.md), so a reboot loses nothing recorded. The timeout must exceed the
    /// longest legitimate block of a loop: the main loop can sit in the modem's bring-up
    /// (registration up to 180 s, PDP 60 s, <c>AT+SMCONN</c> 60 s: Sim7080Options defaults).
    /// </remarks>
    internal sealed class SoftwareWatchdog
    {
        /// <summary>How often the timer checks the channels.</summary>
        public const int CheckPeriodMs = 5000;

        private const int MaxChannels = 4;

        private readonly int _timeoutMs;
        private readonly string[] _names = new string[MaxChannels];
        private readonly int[] _kicked = new int[MaxChannels];
        private readonly int[] _silentMs = new int[MaxChannels];
        private int _count;
        private Timer? _timer;

        /// <summary>Creates a stopped watchdog.</summary>
        /// <param name="timeoutMs">Longest silence of any channel before the reboot.</param>
        public SoftwareWatchdog(int timeoutMs)
        {
            _timeoutMs = timeoutMs;
        }

        /// <summary>Adds a channel; call before <see cref="Start"/>.</summary>
        /// <param name="name">For the log line before the reboot.</param>
        /// <returns>The channel id to kick.</returns>
        public int Register(string name)
        {
            int id = _count;
            _names[id] = name;
            _kicked[id] = 1;
            _count = id + 1;
            return id;
        }

        /// <summary>Starts checking.</summary>
        public void Start()
        {
            _timer = new Timer(Check, null, CheckPeriodMs, CheckPeriodMs);
        }

        /// <summary>Tells the watchdog that a loop is alive. Cheap; call every pass.</summary>
        /// <param name="channel">The id from <see cref="Register"/>.</param>
        public void Kick(int channel)
        {
            Interlocked.Exchange(ref _kicked[channel], 1);
        }

        private void Check(object? state)
        {
            for (int i = 0; i < _count; i++)
            {
                if (Interlocked.Exchange(ref _kicked[i], 0) == 1)
                {
                    _silentMs[i] = 0;
                    continue;
                }

                _silentMs[i] += CheckPeriodMs;
                if (_silentMs[i] >= _timeoutMs)
                {
                    DeviceLog.Error("watchdog", String.Concat(_names[i], " silent for ", (_silentMs[i] / 1000).ToString(), " s: rebooting"));
                    Power.RebootDevice(RebootOption.NormalReboot);
                }
            }
        }
    }
}
