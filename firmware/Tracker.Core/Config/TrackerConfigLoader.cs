using Tracker.Core.Common;
using Tracker.Core.Reporting;
using Tracker.Core.Uplink;

namespace Tracker.Core.Config
{
    /// <summary>
    /// Reads the tracker's one config file, written by the provisioning tool and deployed to flash
    /// with nanoff (<see cref="DevicePath"/>). Never throws on bad text: the result names the first
    /// error's key and line. Format and every key: Config/README.md.
    /// </summary>
    /// <remarks>
    /// <para>One <c>key = value</c> a line, as the report configuration (Reporting/README.md): '#'
    /// starts a comment, blank lines, spaces and tabs around key and value, CRLF and a UTF-8 byte
    /// order mark are fine, keys are case-sensitive. A text value may be put in double quotes, to
    /// hold '#', '"' (written <c>\"</c>), '\' (written <c>\\</c>) or leading and trailing spaces;
    /// <c>""</c> is the empty text. An unquoted value may not be empty or hold '"'.</para>
    /// <para>Errors: a line without '=', an empty key, an unknown key, a key set twice, a bad
    /// number, choice, character or quote, a value out of range, a missing required key, or a
    /// contradiction between keys. The <c>report.*</c> lines are read by
    /// <see cref="ReportConfigLoader.LoadSection"/>, with its own rules; the error on the earliest
    /// line wins.</para>
    /// </remarks>
    public static class TrackerConfigLoader
    {
        /// <summary>Where the device reads the file (LittleFS on the ESP32's flash).</summary>
        public const string DevicePath = "I:\\tracker.conf";

        /// <summary>The largest message payload the SIM7080G's <c>AT+SMPUB</c> takes (SIM7080 AT manual §17).</summary>
        public const int ModemMaxMessageBytes = 1024;

        // Longest text quoted back in a message, so a binary file makes a short message.
        private const int MaxQuoted = 40;

        /// <summary>Parses and validates the whole file. Never throws on bad text.</summary>
        /// <param name="text">The file's content (not null).</param>
        /// <returns>The configuration, or the first error with its key and line.</returns>
        /// <exception cref="System.ArgumentNullException">text is null.</exception>
        public static TrackerConfigResult Load(string text)
        {
            if (text == null)
            {
                throw new System.ArgumentNullException(nameof(text));
            }

            int count = TrackerSetting.Count;
            int[] numbers = new int[count];
            string?[] texts = new string?[count];
            int[] lines = new int[count];
            for (int i = 0; i < count; i++)
            {
                numbers[i] = TrackerSetting.At(i).Default;

                // Assigned, not left as new string[n] made it: the interpreter compares a
                // never-assigned slot with null wrongly (DESIGN.md).
                texts[i] = null;
            }

            TrackerConfigResult? lineError = null;
            int pos = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;
            int lineNumber = 0;
            while (pos < text.Length && lineError == null)
            {
                lineNumber++;
                int end = text.IndexOf('\n', pos);
                if (end < 0)
                {
                    end = text.Length;
                }

                lineError = ReadLine(text.Substring(pos, end - pos), lineNumber, numbers, texts, lines);
                pos = end + 1;
            }

            ReportConfigResult report = ReportConfigLoader.LoadSection(text);
            if (lineError != null && (report.IsOk || report.Line == 0 || lineError.Line <= report.Line))
            {
                return lineError;
            }

            if (!report.IsOk)
            {
                return TrackerConfigResult.FailWithMessage((TrackerConfigError)(int)report.Error, report.Key, report.Line, report.Message);
            }

            TrackerConfigResult? error = CheckRequired(texts, lines);
            if (error != null)
            {
                return error;
            }

            error = CheckBetweenKeys(numbers, texts, lines);
            if (error != null)
            {
                return error;
            }

            UplinkTopics? topics;
            string topicError;
            string carId = texts[TrackerSetting.CarId.Index]!;
            string? rule = texts[TrackerSetting.MqttIngestRule.Index];
            if (!UplinkTopics.TryCreate(carId, rule, out topics, out topicError))
            {
                TrackerSetting blamed = rule != null ? TrackerSetting.MqttIngestRule : TrackerSetting.CarId;
                return TrackerConfigResult.Fail(TrackerConfigError.Inconsistent, blamed.Key, lines[blamed.Index], blamed.Key + ": " + topicError);
            }

            UplinkOptions uplink = new UplinkOptions(
                topics!,
                numbers[TrackerSetting.MqttKeepAliveS.Index],
                numbers[TrackerSetting.UplinkNormalPeriodS.Index] * 1000,
                numbers[TrackerSetting.UplinkLivePeriodS.Index] * 1000,
                numbers[TrackerSetting.UplinkLiveWhenMoving.Index] == 1,
                numbers[TrackerSetting.UplinkMaxWatchS.Index] * 1000,
                numbers[TrackerSetting.UplinkStatusPeriodS.Index] * 1000,
                numbers[TrackerSetting.UplinkMaxInFlight.Index],
                numbers[TrackerSetting.UplinkBatchFixes.Index],
                numbers[TrackerSetting.UplinkMaxMessageBytes.Index],
                numbers[TrackerSetting.UplinkAckTimeoutS.Index] * 1000,
                numbers[TrackerSetting.UplinkBackoffBaseS.Index] * 1000,
                numbers[TrackerSetting.UplinkBackoffCapS.Index] * 1000);
            return TrackerConfigResult.Ok(new TrackerConfig(numbers, texts, lines, report.Config!, topics!, uplink));
        }

        /// <summary>
        /// Writes a text value so that <see cref="Load"/> reads it back exactly: in double quotes, with
        /// '"' and '\' escaped. For the provisioning tool.
        /// </summary>
        /// <param name="value">The text (without line breaks).</param>
        /// <returns>The quoted value.</returns>
        /// <exception cref="System.ArgumentException">The value holds a line break, which a one-line value cannot carry.</exception>
        public static string QuoteValue(string value)
        {
            if (value == null)
            {
                throw new System.ArgumentNullException(nameof(value));
            }

            char[] chars = new char[(2 * value.Length) + 2];
            int n = 0;
            chars[n++] = '"';
            for (int i = 0; i < value.Length; i++)
            {
                char c = value[i];
                if (c == '\n' || c == '\r')
                {
                    throw new System.ArgumentException("a config value cannot hold a line break", nameof(value));
                }

                if (c == '"' || c == '\\')
                {
                    chars[n++] = '\\';
                }

                chars[n++] = c;
            }

            chars[n++] = '"';
            return new string(chars, 0, n);
        }

        // Applies one line; returns null when the line is fine (or is a report.* line).
        private static TrackerConfigResult? ReadLine(string line, int lineNumber, int[] numbers, string?[] texts, int[] lines)
        {
            string trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed[0] == '#')
            {
                return null;
            }

            int eq = line.IndexOf('=');
            int hash = line.IndexOf('#');
            if (eq < 0 || (hash >= 0 && hash < eq))
            {
                string quoted = Quote((hash >= 0 ? line.Substring(0, hash) : line).Trim());
                return TrackerConfigResult.Fail(TrackerConfigError.MissingEquals, quoted, lineNumber, "'" + quoted + "' has no '=': expected key = value");
            }

            string key = line.Substring(0, eq).Trim();
            if (key.Length == 0)
            {
                return TrackerConfigResult.Fail(TrackerConfigError.EmptyKey, string.Empty, lineNumber, "no key before '='");
            }

            if (key.StartsWith(ReportConfigLoader.KeyPrefix))
            {
                return null;
            }

            int index = TrackerSetting.IndexOf(key);
            if (index < 0)
            {
                string quoted = Quote(key);
                return TrackerConfigResult.Fail(TrackerConfigError.UnknownKey, quoted, lineNumber, "unknown key '" + quoted + "' (Config/README.md lists every key)");
            }

            TrackerSetting setting = TrackerSetting.At(index);
            if (lines[index] != 0)
            {
                return TrackerConfigResult.Fail(
                    TrackerConfigError.DuplicateKey, key, lineNumber, key + " is set twice (first on line " + lines[index].ToString() + ")");
            }

            string value;
            bool quotedValue;
            TrackerConfigResult? error = ReadValue(line, eq + 1, setting, lineNumber, out value, out quotedValue);
            if (error != null)
            {
                return error;
            }

            if (setting.Kind == SettingKind.Text)
            {
                error = CheckText(setting, value, lineNumber);
                if (error != null)
                {
                    return error;
                }

                texts[index] = value;
            }
            else if (setting.Kind == SettingKind.Choice)
            {
                int choice = quotedValue ? -1 : setting.ChoiceIndex(value);
                if (choice < 0)
                {
                    return TrackerConfigResult.Fail(
                        TrackerConfigError.BadChoice,
                        key,
                        lineNumber,
                        string.Concat(new string[] { key, " = '", Quote(value), "' is not one of: ", Choices(setting) }));
                }

                numbers[index] = choice;
            }
            else
            {
                int number;
                if (quotedValue || !ReportConfigLoader.TryParseInt(value, out number))
                {
                    return TrackerConfigResult.Fail(
                        TrackerConfigError.BadNumber, key, lineNumber, string.Concat(new string[] { key, " = '", Quote(value), "' is not a whole number" }));
                }

                if (number < setting.Min || number > setting.Max || (setting.IsPin && number >= 22 && number <= 25))
                {
                    string allowed = setting.IsPin
                        ? (setting.Min < 0 ? "a GPIO of the ESP32-S3 (0..21, 26..48), or -1 for none" : "a GPIO of the ESP32-S3 (0..21, 26..48)")
                        : setting.Min.ToString() + ".." + setting.Max.ToString() + (setting.Unit.Length > 0 ? " " + setting.Unit : string.Empty);
                    return TrackerConfigResult.Fail(
                        TrackerConfigError.OutOfRange,
                        key,
                        lineNumber,
                        string.Concat(new string[] { key, " = ", number.ToString(), " is out of range: allowed ", allowed }));
                }

                numbers[index] = number;
            }

            lines[index] = lineNumber;
            return null;
        }

        // The value after '=': quoted (escapes \" and \\, then only a comment may follow) or bare (up to '#', trimmed).
        private static TrackerConfigResult? ReadValue(string line, int start, TrackerSetting setting, int lineNumber, out string value, out bool quoted)
        {
            value = string.Empty;
            quoted = false;
            int i = start;
            while (i < line.Length && (line[i] == ' ' || line[i] == '\t'))
            {
                i++;
            }

            if (i < line.Length && line[i] == '"')
            {
                char[] chars = new char[line.Length - i];
                int n = 0;
                i++;
                while (true)
                {
                    if (i >= line.Length)
                    {
                        return TrackerConfigResult.Fail(TrackerConfigError.BadQuotes, setting.Key, lineNumber, setting.Key + ": the quoted value has no closing '\"'");
                    }

                    char c = line[i];
                    if (c == '"')
                    {
                        i++;
                        break;
                    }

                    if (c == '\\')
                    {
                        if (i + 1 < line.Length && (line[i + 1] == '"' || line[i + 1] == '\\'))
                        {
                            chars[n++] = line[i + 1];
                            i += 2;
                            continue;
                        }

                        return TrackerConfigResult.Fail(
                            TrackerConfigError.BadQuotes, setting.Key, lineNumber, setting.Key + ": in quotes, '\\' must be followed by '\"' or '\\'");
                    }

                    chars[n++] = c;
                    i++;
                }

                string rest = line.Substring(i).Trim();
                if (rest.Length > 0 && rest[0] != '#')
                {
                    return TrackerConfigResult.Fail(
                        TrackerConfigError.BadQuotes, setting.Key, lineNumber, setting.Key + ": only a comment may follow the closing '\"'");
                }

                value = new string(chars, 0, n);
                quoted = true;
                return null;
            }

            int hash = line.IndexOf('#', i);
            string raw = (hash < 0 ? line.Substring(i) : line.Substring(i, hash - i)).Trim();
            if (raw.Length == 0)
            {
                return TrackerConfigResult.Fail(
                    TrackerConfigError.EmptyValue, setting.Key, lineNumber, setting.Key + " has no value: leave the line out, or write \"\" for an empty text");
            }

            if (raw.IndexOf('"') >= 0)
            {
                return TrackerConfigResult.Fail(
                    TrackerConfigError.BadQuotes, setting.Key, lineNumber, setting.Key + ": a value holding '\"' must be quoted whole, with \\\" inside");
            }

            value = raw;
            return null;
        }

        private static TrackerConfigResult? CheckText(TrackerSetting setting, string value, int lineNumber)
        {
            int length = setting.Rule == TextRule.Utf8 ? Utf8.ByteCount(value) : value.Length;
            if (length < setting.Min || length > setting.Max)
            {
                return TrackerConfigResult.Fail(
                    TrackerConfigError.OutOfRange,
                    setting.Key,
                    lineNumber,
                    string.Concat(new string[]
                    {
                        setting.Key, " is ", length.ToString(), " ", setting.Unit, " long: allowed ",
                        setting.Min.ToString(), "..", setting.Max.ToString(), " ", setting.Unit,
                    }));
            }

            if (!IsValidText(setting.Rule, value))
            {
                return TrackerConfigResult.Fail(
                    TrackerConfigError.BadText,
                    setting.Key,
                    lineNumber,
                    string.Concat(new string[] { setting.Key, " = '", Quote(value), "' holds characters it may not: ", RuleText(setting.Rule) }));
            }

            return null;
        }

        private static TrackerConfigResult? CheckRequired(string?[] texts, int[] lines)
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

        private static TrackerConfigResult? CheckBetweenKeys(int[] numbers, string?[] texts, int[] lines)
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
            if (!wifi && messageBytes > ModemMaxMessageBytes)
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

        private static bool IsValidText(TextRule rule, string value)
        {
            switch (rule)
            {
                case TextRule.ThingName:
                    return UplinkTopics.IsValidThingName(value);
                case TextRule.RuleName:
                    return UplinkTopics.IsValidRuleName(value);
                case TextRule.HostName:
                    return IsHostName(value);
                default:
                    break;
            }

            for (int i = 0; i < value.Length; i++)
            {
                char c = value[i];
                bool ok;
                switch (rule)
                {
                    case TextRule.AtText:
                        ok = c >= ' ' && c <= '~' && c != '"';
                        break;
                    case TextRule.Digits:
                        ok = c >= '0' && c <= '9';
                        break;
                    case TextRule.FileName:
                        ok = IsAlphanumeric(c) || c == '_' || c == '-' || (c == '.' && i > 0);
                        break;
                    default:
                        ok = c >= ' ' && c != '\u007F';
                        break;
                }

                if (!ok)
                {
                    return false;
                }
            }

            return true;
        }

        // Letters, digits, '-' and '.', with no empty label and no label starting or ending with '-' (RFC 1123 §2.1).
        private static bool IsHostName(string value)
        {
            int labelStart = 0;
            for (int i = 0; i <= value.Length; i++)
            {
                if (i == value.Length || value[i] == '.')
                {
                    if (i == labelStart || value[labelStart] == '-' || value[i - 1] == '-')
                    {
                        return false;
                    }

                    labelStart = i + 1;
                    continue;
                }

                char c = value[i];
                if (!IsAlphanumeric(c) && c != '-')
                {
                    return false;
                }
            }

            return true;
        }

        private static string RuleText(TextRule rule)
        {
            switch (rule)
            {
                case TextRule.ThingName:
                    return "a-z A-Z 0-9 : _ - (an AWS IoT thing name)";
                case TextRule.RuleName:
                    return "a-z A-Z 0-9 _ (an AWS IoT rule name)";
                case TextRule.HostName:
                    return "a host name: a-z A-Z 0-9 - in labels separated by '.'";
                case TextRule.AtText:
                    return "printable ASCII without '\"'";
                case TextRule.Digits:
                    return "digits only";
                case TextRule.FileName:
                    return "a-z A-Z 0-9 . _ - (not starting with '.')";
                default:
                    return "no control characters";
            }
        }

        private static string Choices(TrackerSetting setting)
        {
            string[] choices = setting.Choices!;
            string all = choices[0];
            for (int i = 1; i < choices.Length; i++)
            {
                all = all + "|" + choices[i];
            }

            return all;
        }

        private static bool IsAlphanumeric(char c)
        {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        }

        private static string Quote(string text)
        {
            return text.Length <= MaxQuoted ? text : text.Substring(0, MaxQuoted) + "...";
        }
    }
}
