using Tracker.Core.Common;

namespace Tracker.Core.Control
{
    /// <summary>
    /// What the car knows across reboots about trial boots of restart keys (README.md §1, "Restart-needing
    /// settings, at a safe moment"): the generation of overrides last proven to run (the one a trial falls
    /// back to), the boots a trial has had, and the last change refused because it never connected, with
    /// its restart keys (so that the shadow asking for it again is refused again, not tried again).
    /// Immutable; <see cref="OverrideStore"/> commits it whole beside the generations.
    /// </summary>
    public sealed class ConfigTrial
    {
        /// <summary>Boots a trial gets before it is refused even without its window ending (a crash loop on a bad pin).</summary>
        public const int MaxAttempts = BootState.MaxAttempts;

        private const string RefusedMarker = "# refused restart keys\n";

        private static readonly string[] Keys = new string[] { "good", "attempts", "refused.ver", "refused.key", "refused.msg" };

        /// <summary>Creates a state.</summary>
        /// <param name="good">The generation last proven to run (0: tracker.conf alone).</param>
        /// <param name="attempts">Boots of the trial so far.</param>
        /// <param name="refusedVersion">The shadow version of the refused change, or 0 for none.</param>
        /// <param name="refusedKey">The shadow name the refusal names, or empty.</param>
        /// <param name="refusedMessage">The refusal's message (one line), or empty.</param>
        /// <param name="refused">The refused change's restart keys (empty for none).</param>
        public ConfigTrial(int good, int attempts, int refusedVersion, string refusedKey, string refusedMessage, ConfigOverrides refused)
        {
            if (refusedKey == null || refusedMessage == null || refused == null)
            {
                throw new System.ArgumentNullException(refused == null ? nameof(refused) : refusedKey == null ? nameof(refusedKey) : nameof(refusedMessage));
            }

            if (good < 0 || attempts < 0 || refusedVersion < 0)
            {
                throw new System.ArgumentOutOfRangeException(good < 0 ? nameof(good) : attempts < 0 ? nameof(attempts) : nameof(refusedVersion));
            }

            Good = good;
            Attempts = attempts;
            RefusedVersion = refusedVersion;
            RefusedKey = refusedKey;
            RefusedMessage = OneLine(refusedMessage);
            Refused = refused;
        }

        /// <summary>The generation last proven to run (0: tracker.conf alone).</summary>
        public int Good { get; }

        /// <summary>Boots of the generation on trial so far (0 when none is on trial).</summary>
        public int Attempts { get; }

        /// <summary>The shadow version of the change refused because it did not connect, or 0.</summary>
        public int RefusedVersion { get; }

        /// <summary>The shadow name that refusal names, or empty.</summary>
        public string RefusedKey { get; }

        /// <summary>The refusal's message, or empty.</summary>
        public string RefusedMessage { get; }

        /// <summary>The refused change's restart keys and values (empty when none).</summary>
        public ConfigOverrides Refused { get; }

        /// <summary>A state naming <paramref name="good"/> proven, with no trial and no refusal.</summary>
        /// <param name="good">The generation.</param>
        /// <returns>The state.</returns>
        public static ConfigTrial Proven(int good)
        {
            return new ConfigTrial(good, 0, 0, string.Empty, string.Empty, ConfigOverrides.Empty);
        }

        /// <summary>This state with one more boot of the trial.</summary>
        /// <returns>The new state.</returns>
        public ConfigTrial Attempted()
        {
            return new ConfigTrial(Good, Attempts + 1, RefusedVersion, RefusedKey, RefusedMessage, Refused);
        }

        /// <summary>This state with a change refused: the good generation stays, the trial ends.</summary>
        /// <param name="version">The refused change's shadow version.</param>
        /// <param name="key">The shadow name the refusal names.</param>
        /// <param name="message">Why.</param>
        /// <param name="restartKeys">The refused change's restart keys.</param>
        /// <returns>The new state.</returns>
        public ConfigTrial Refuse(int version, string key, string message, ConfigOverrides restartKeys)
        {
            return new ConfigTrial(Good, 0, version, key, message, restartKeys);
        }

        /// <summary>The state as text (tracker.conf's line format, the refused keys after a comment line).</summary>
        /// <returns>The lines.</returns>
        public string ToText()
        {
            return "good = " + Good.ToString() + "\n"
                + "attempts = " + Attempts.ToString() + "\n"
                + "refused.ver = " + RefusedVersion.ToString() + "\n"
                + "refused.key = " + ConfigLineReader.QuoteValue(RefusedKey) + "\n"
                + "refused.msg = " + ConfigLineReader.QuoteValue(RefusedMessage) + "\n"
                + RefusedMarker
                + Refused.ToLines();
        }

        /// <summary>Reads <see cref="ToText"/>'s lines. Never throws on bad text.</summary>
        /// <param name="text">The lines.</param>
        /// <param name="state">The state, or null.</param>
        /// <returns>False when a line is malformed, unknown or missing.</returns>
        public static bool TryParse(string text, out ConfigTrial? state)
        {
            state = null;
            if (text == null)
            {
                return false;
            }

            int marker = text.IndexOf(RefusedMarker);
            if (marker < 0)
            {
                return false;
            }

            string[] values = new string[Keys.Length];
            int good;
            int attempts;
            int version;
            ConfigOverrides? refused;
            if (!KeyValueLines.TryRead(text.Substring(0, marker), Keys, values)
                || !ConfigLineReader.TryParseInt(values[0], out good) || good < 0
                || !ConfigLineReader.TryParseInt(values[1], out attempts) || attempts < 0
                || !ConfigLineReader.TryParseInt(values[2], out version) || version < 0
                || !ConfigOverrides.TryParseLines(text.Substring(marker + RefusedMarker.Length), out refused))
            {
                return false;
            }

            state = new ConfigTrial(good, attempts, version, values[3], values[4], refused!);
            return true;
        }

        private static string OneLine(string text)
        {
            char[] chars = text.ToCharArray();
            for (int i = 0; i < chars.Length; i++)
            {
                if (chars[i] == '\n' || chars[i] == '\r')
                {
                    chars[i] = ' ';
                }
            }

            return new string(chars);
        }
    }
}
