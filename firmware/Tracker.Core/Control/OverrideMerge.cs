using Tracker.Core.Common;
using Tracker.Core.Config;

namespace Tracker.Core.Control
{
    /// <summary>
    /// Builds the running configuration: the provisioned tracker.conf with the overrides replacing the
    /// keys they set, through one <see cref="TrackerConfigDraft"/>, so every rule of the loader (each
    /// key's kind, range and characters, the required keys and the rules between keys) holds for the
    /// result exactly as for a file.
    /// </summary>
    public static class OverrideMerge
    {
        /// <summary>The line numbers the overrides are given in the draft (after any real file's lines), so an error can tell them apart.</summary>
        public const int FirstOverrideLine = 100000;

        /// <summary>Merges and validates. Never throws on bad text.</summary>
        /// <param name="baseText">The provisioned tracker.conf.</param>
        /// <param name="overrides">The overrides.</param>
        /// <returns>The configuration, or the loader's first error (for an override, its line is <see cref="FirstOverrideLine"/> + its index).</returns>
        public static TrackerConfigResult Build(string baseText, ConfigOverrides overrides)
        {
            if (baseText == null || overrides == null)
            {
                throw new System.ArgumentNullException(baseText == null ? nameof(baseText) : nameof(overrides));
            }

            // The file alone must load: a broken tracker.conf is the installer's error, reported as the loader reports it.
            TrackerConfigResult alone = TrackerConfigLoader.Load(baseText);
            if (!alone.IsOk)
            {
                return alone;
            }

            TrackerConfigDraft draft = new TrackerConfigDraft();
            ConfigLineReader reader = new ConfigLineReader(baseText);
            while (reader.MoveNext())
            {
                if (overrides.IndexOf(reader.Key) >= 0)
                {
                    continue;
                }

                string value;
                bool quoted;
                string problem;
                reader.ReadValue(out value, out quoted, out problem);
                TrackerConfigResult? error = draft.Set(reader.Key, value, quoted, reader.Line);
                if (error != null)
                {
                    return error;
                }
            }

            for (int i = 0; i < overrides.Count; i++)
            {
                string key = overrides.KeyAt(i);
                bool quoted = RemoteKeys.ValueTypeOf(key) == RemoteValueType.String && RemoteKeys.IsText(key);
                TrackerConfigResult? error = draft.Set(key, overrides.ValueAt(i), quoted, FirstOverrideLine + i);
                if (error != null)
                {
                    return error;
                }
            }

            return draft.Build();
        }

        /// <summary>A loader message without its "line N: " prefix (a shadow entry has no line).</summary>
        /// <param name="message">The loader's message.</param>
        /// <returns>The message from its key on.</returns>
        public static string WithoutLine(string message)
        {
            if (message.StartsWith("line "))
            {
                int colon = message.IndexOf(": ");
                if (colon > 0)
                {
                    return message.Substring(colon + 2);
                }
            }

            return message;
        }
    }
}
