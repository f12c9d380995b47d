namespace Tracker.Core.Control
{
    /// <summary>
    /// The short names tracker.conf's keys have in the device shadow, as the nRF Asset Tracker gives
    /// its <c>cfg</c> short names (README.md §1, "Trimming"): IoT Core's delta repeats every key with
    /// a metadata timestamp, so a key's name is paid twice in the 1,024 bytes the SIM7080G can
    /// receive. Only keys the shadow may set have one; the provisioning-only keys have none. The
    /// loader, the flash file and every message keep the full names.
    /// </summary>
    public static class ShadowNames
    {
        // Pairs: full key, shadow name. A test holds every settable key to exactly one unique name.
        private static readonly string[] Pairs = new string[]
        {
            "report.moving.minPeriodS", "mvMinP",
            "report.moving.maxPeriodS", "mvMaxP",
            "report.moving.minDistanceM", "mvMinD",
            "report.moving.headingDeg", "mvHdg",
            "report.moving.minSpeedForHeadingKmh", "mvHdgV",
            "report.moving.speedDeltaKmh", "mvDV",
            "report.stopped.heartbeatS", "stHb",
            "report.stopped.staticRadiusM", "stRad",
            "report.movingThresholdKmh", "mvThV",
            "report.stoppedThresholdKmh", "stThV",
            "report.startDelayS", "startT",
            "report.stopDelayS", "stopT",
            "uplink.normalPeriodS", "upP",
            "uplink.livePeriodS", "upLiveP",
            "uplink.liveWhenMoving", "upLiveMv",
            "uplink.maxWatchS", "upWatch",
            "uplink.statusPeriodS", "upStatP",
            "uplink.maxInFlight", "upInFl",
            "uplink.batchFixes", "upBatch",
            "uplink.maxMessageBytes", "upMsgB",
            "uplink.ackTimeoutS", "upAckT",
            "uplink.backoffBaseS", "upBoB",
            "uplink.backoffCapS", "upBoCap",
            "mqtt.port", "mqPort",
            "mqtt.ingestRule", "mqRule",
            "mqtt.keepAliveS", "mqKa",
            "cell.apn", "apn",
            "cell.user", "apnUser",
            "cell.rat", "rat",
            "wifi.ssid", "ssid",
            "fixlog.capacityBytes", "logCap",
            "hw.modem.port", "mdPort",
            "hw.modem.baud", "mdBaud",
            "hw.modem.rxPin", "mdRx",
            "hw.modem.txPin", "mdTx",
            "hw.modem.pwrkeyPin", "mdPwk",
            "hw.modem.pwrkeyActiveHigh", "mdPwkHi",
            "hw.modem.powerPin", "mdPwr",
            "hw.modem.dtrPin", "mdDtr",
            "hw.modem.riPin", "mdRi",
            "hw.gnss.port", "gnPort",
            "hw.gnss.baud", "gnBaud",
            "hw.gnss.rxPin", "gnRx",
            "hw.gnss.txPin", "gnTx",
            "hw.gnss.resetPin", "gnRst",
            "hw.gnss.ppsPin", "gnPps",
            "hw.ignition.pin", "ignPin",
            "hw.ignition.activeHigh", "ignHi",
            "hw.led.pin", "ledPin",
            "hw.charger.statusPin", "chgPin",
            "hw.supply.adcPin", "supAdc",
            "hw.backup.adcPin", "bakAdc",
        };

        /// <summary>Number of keys with a shadow name.</summary>
        public static int Count
        {
            get { return Pairs.Length / 2; }
        }

        /// <summary>The full key of entry <paramref name="index"/>.</summary>
        /// <param name="index">0 to <see cref="Count"/> - 1.</param>
        /// <returns>The tracker.conf key.</returns>
        public static string KeyAt(int index)
        {
            return Pairs[2 * index];
        }

        /// <summary>The shadow name of entry <paramref name="index"/>.</summary>
        /// <param name="index">0 to <see cref="Count"/> - 1.</param>
        /// <returns>The short name.</returns>
        public static string NameAt(int index)
        {
            return Pairs[(2 * index) + 1];
        }

        /// <summary>The tracker.conf key a shadow name stands for.</summary>
        /// <param name="name">A name from the shadow.</param>
        /// <returns>The full key, or empty when no key has that name.</returns>
        public static string KeyOf(string name)
        {
            for (int i = 1; i < Pairs.Length; i += 2)
            {
                if (Pairs[i] == name)
                {
                    return Pairs[i - 1];
                }
            }

            return string.Empty;
        }

        /// <summary>The shadow name of a tracker.conf key.</summary>
        /// <param name="key">The full key.</param>
        /// <returns>Its short name, or empty when the shadow may not set it.</returns>
        public static string NameOf(string key)
        {
            for (int i = 0; i < Pairs.Length; i += 2)
            {
                if (Pairs[i] == key)
                {
                    return Pairs[i + 1];
                }
            }

            return string.Empty;
        }
    }
}
