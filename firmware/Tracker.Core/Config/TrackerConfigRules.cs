namespace Tracker.Core.Config
{
    /// <summary>
    /// The rules between the tracker's keys (Config/README.md, "Rules between keys"): the keys that
    /// must be present, and the ones that must agree. Each failure names the key to fix: the later
    /// line of two, or the one written in the file when the other is a default.
    /// </summary>
    internal static class TrackerConfigRules
    {
        /// <summary>The required keys, and a link: the modem's APN unless Wi-Fi is set.</summary>
        internal static TrackerConfigResult? CheckRequired(string?[] texts, int[] lines)
        {
            for (int i = 0; i < TrackerSetting.Count; i++)
            {
                TrackerSetting s = TrackerSetting.At(i);
                if (s.Requirement == SettingRequirement.Required && lines[i] == 0)
                {
                    return TrackerConfigResult.Fail(TrackerConfigError.MissingKey, s.Key, 0, "missing required key " + s.Key + " (Config/README.md)");
                }
            }

            if (texts[TrackerSetting.WifiSsid.Index] == null && texts[TrackerSetting.CellApn.Index] == null)
            {
                return TrackerConfigResult.Fail(
                    TrackerConfigError.MissingKey,
                    TrackerSetting.CellApn.Key,
                    0,
                    "missing key cell.apn: the uplink runs over the modem unless wifi.ssid is set (write cell.apn = \"\" for the network's default APN)");
            }

            return null;
        }

        /// <summary>The contradictions: Wi-Fi keys, periods, the modem's message limit, file names, UARTs and pins.</summary>
        internal static TrackerConfigResult? CheckBetweenKeys(int[] numbers, string?[] texts, int[] lines)
        {
            // A branch, not 'bool wifi = texts[...] != null' (DESIGN.md, the interpreter defect: the
            // value form let a cellular config through with uplink.maxMessageBytes above the modem's limit).
            bool wifi = false;
            if (texts[TrackerSetting.WifiSsid.Index] != null)
            {
                wifi = true;
            }

            string? password = texts[TrackerSetting.WifiPassword.Index];
            if (password != null && !wifi)
            {
                return Conflict(lines, TrackerSetting.WifiPassword, "wifi.password is set but wifi.ssid is not");
            }

            if (password != null && password.Length > 0 && password.Length < 8)
            {
                return TrackerConfigResult.Fail(
                    TrackerConfigError.OutOfRange,
                    TrackerSetting.WifiPassword.Key,
                    lines[TrackerSetting.WifiPassword.Index],
                    "wifi.password must be a WPA2 passphrase of 8 to 63 characters, or \"\" for an open network");
            }

            TrackerConfigResult? conflict = AtMost(numbers, lines, TrackerSetting.UplinkLivePeriodS, TrackerSetting.UplinkNormalPeriodS);
            if (conflict != null)
            {
                return conflict;
            }

            conflict = AtMost(numbers, lines, TrackerSetting.UplinkBackoffBaseS, TrackerSetting.UplinkBackoffCapS);
            if (conflict != null)
            {
                return conflict;
            }

            int messageBytes = numbers[TrackerSetting.UplinkMaxMessageBytes.Index];
            if (!wifi && messageBytes > TrackerConfigLoader.ModemMaxMessageBytes)
            {
                return Conflict(
                    lines,
                    TrackerSetting.UplinkMaxMessageBytes,
                    "uplink.maxMessageBytes = " + messageBytes.ToString() + " is more than the modem's 1024-byte AT+SMPUB limit (allowed only with wifi.ssid)");
            }

            conflict = Distinct(texts, lines, TrackerSetting.TlsCaFile, TrackerSetting.TlsCertFile);
            if (conflict == null)
            {
                conflict = Distinct(texts, lines, TrackerSetting.TlsCaFile, TrackerSetting.TlsKeyFile);
            }

            if (conflict == null)
            {
                conflict = Distinct(texts, lines, TrackerSetting.TlsCertFile, TrackerSetting.TlsKeyFile);
            }

            if (conflict != null)
            {
                return conflict;
            }

            if (numbers[TrackerSetting.HwModemPort.Index] == numbers[TrackerSetting.HwGnssPort.Index])
            {
                TrackerSetting blamed = Blame(lines, TrackerSetting.HwGnssPort, TrackerSetting.HwModemPort);
                return Conflict(lines, blamed, "hw.modem.port and hw.gnss.port are the same UART");
            }

            for (int i = 0; i < TrackerSetting.Count; i++)
            {
                TrackerSetting a = TrackerSetting.At(i);
                if (!a.IsPin || numbers[i] < 0)
                {
                    continue;
                }

                for (int j = i + 1; j < TrackerSetting.Count; j++)
                {
                    TrackerSetting b = TrackerSetting.At(j);
                    if (b.IsPin && numbers[j] == numbers[i])
                    {
                        TrackerSetting blamed = lines[j] >= lines[i] ? b : a;
                        return Conflict(
                            lines,
                            blamed,
                            string.Concat(new string[] { a.Key, " and ", b.Key, " are both GPIO ", numbers[i].ToString() }));
                    }
                }
            }

            return null;
        }

        // Fails when values[small] > values[large].
        private static TrackerConfigResult? AtMost(int[] numbers, int[] lines, TrackerSetting small, TrackerSetting large)
        {
            int a = numbers[small.Index];
            int b = numbers[large.Index];
            if (a <= b)
            {
                return null;
            }

            return Conflict(
                lines,
                Blame(lines, small, large),
                string.Concat(new string[] { small.Key, " (", a.ToString(), ") must be at most ", large.Key, " (", b.ToString(), ")" }));
        }

        private static TrackerConfigResult? Distinct(string?[] texts, int[] lines, TrackerSetting a, TrackerSetting b)
        {
            if (texts[a.Index] != texts[b.Index])
            {
                return null;
            }

            return Conflict(lines, lines[b.Index] >= lines[a.Index] ? b : a, a.Key + " and " + b.Key + " name the same file");
        }

        private static TrackerConfigResult Conflict(int[] lines, TrackerSetting blamed, string detail)
        {
            return TrackerConfigResult.Fail(TrackerConfigError.Inconsistent, blamed.Key, lines[blamed.Index], detail);
        }

        // Names the first key, unless only the second one was written in the file (then that line is
        // where the installer has to look), as ReportConfig does.
        private static TrackerSetting Blame(int[] lines, TrackerSetting first, TrackerSetting second)
        {
            return lines[first.Index] == 0 && lines[second.Index] > 0 ? second : first;
        }
    }
}
