namespace Tracker.Device.Hardware
{
    /// <summary>
    /// What the status LED shows. Each pattern repeats every 2 s in 100 ms slots; the installer's
    /// table is in hardware/installation.md and firmware/Tracker.Device/README.md.
    /// </summary>
    internal enum LedPattern
    {
        /// <summary>Steady on: the firmware is starting.</summary>
        Booting,

        /// <summary>Fast flicker, 5 per second: config or certificates missing or invalid (safe idle).</summary>
        ConfigError,

        /// <summary>One short blink every 2 s: running, no GNSS fix yet.</summary>
        NoFix,

        /// <summary>Two short blinks every 2 s: fix, but the uplink is not connected.</summary>
        NoLink,

        /// <summary>On with a short off every 2 s: fix and uplink, working.</summary>
        Ok,
    }
}
