namespace Tracker.Core.Common
{
    /// <summary>
    /// Reads a small state file in tracker.conf's line format (<see cref="ConfigLineReader"/>) whose keys
    /// are fixed: every key exactly once, no other. For the firmware's own state files (the boot state,
    /// the download checkpoint), not for config, whose keys go through the loader's draft.
    /// </summary>
    public static class KeyValueLines
    {
        /// <summary>Reads the values of <paramref name="keys"/>. Never throws on bad text.</summary>
        /// <param name="text">The lines.</param>
        /// <param name="keys">The keys, each expected once.</param>
        /// <param name="values">Where the values go (as many slots as keys; each filled on success).</param>
        /// <returns>False when a line is malformed, a key is unknown, repeated or missing.</returns>
        public static bool TryRead(string text, string[] keys, string[] values)
        {
            if (text == null || keys == null || values == null || values.Length != keys.Length)
            {
                throw new System.ArgumentException("as many value slots as keys are needed");
            }

            bool[] seen = new bool[keys.Length];
            ConfigLineReader reader = new ConfigLineReader(text);
            while (reader.MoveNext())
            {
                string value;
                bool quoted;
                string problem;
                if (reader.Error != ConfigLineError.None || reader.ReadValue(out value, out quoted, out problem) != ConfigLineError.None)
                {
                    return false;
                }

                int index = -1;
                for (int i = 0; i < keys.Length; i++)
                {
                    if (keys[i] == reader.Key)
                    {
                        index = i;
                        break;
                    }
                }

                if (index < 0 || seen[index])
                {
                    return false;
                }

                seen[index] = true;
                values[index] = value;
            }

            for (int i = 0; i < seen.Length; i++)
            {
                if (!seen[i])
                {
                    return false;
                }
            }

            return true;
        }
    }
}
