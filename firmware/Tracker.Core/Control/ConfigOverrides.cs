using Tracker.Core.Common;
using Tracker.Core.Config;

namespace Tracker.Core.Control
{
    /// <summary>
    /// The keys the device shadow sets over the provisioned tracker.conf, with their values (README.md
    /// §1): immutable; <see cref="With"/> makes a new set. Written to flash in tracker.conf's own
    /// line format, and to the reported document as JSON of each key's one type.
    /// </summary>
    public sealed class ConfigOverrides
    {
        /// <summary>No override: tracker.conf alone.</summary>
        public static readonly ConfigOverrides Empty = new ConfigOverrides(new string[0], new string[0]);

        private readonly string[] _keys;
        private readonly string[] _values;

        private ConfigOverrides(string[] keys, string[] values)
        {
            _keys = keys;
            _values = values;
        }

        /// <summary>Number of keys set.</summary>
        public int Count
        {
            get { return _keys.Length; }
        }

        /// <summary>The key of entry <paramref name="index"/> (entries are in the order they were first set).</summary>
        /// <param name="index">0 to <see cref="Count"/> - 1.</param>
        /// <returns>The key.</returns>
        public string KeyAt(int index)
        {
            return _keys[index];
        }

        /// <summary>The value of entry <paramref name="index"/>, as the draft takes it (unquoted text).</summary>
        /// <param name="index">0 to <see cref="Count"/> - 1.</param>
        /// <returns>The value.</returns>
        public string ValueAt(int index)
        {
            return _values[index];
        }

        /// <summary>The entry of <paramref name="key"/>, or -1.</summary>
        /// <param name="key">A key.</param>
        /// <returns>Its index.</returns>
        public int IndexOf(string key)
        {
            for (int i = 0; i < _keys.Length; i++)
            {
                if (_keys[i] == key)
                {
                    return i;
                }
            }

            return -1;
        }

        /// <summary>True when both sets give <paramref name="key"/> the same value, or neither sets it.</summary>
        /// <param name="other">The other set.</param>
        /// <param name="key">The key.</param>
        /// <returns>Whether they agree on it.</returns>
        public bool Agrees(ConfigOverrides other, string key)
        {
            int a = IndexOf(key);
            int b = other.IndexOf(key);
            if (a < 0 || b < 0)
            {
                return a < 0 && b < 0;
            }

            return _values[a] == other._values[b];
        }

        /// <summary>True when both sets hold the same keys with the same values, in any order.</summary>
        /// <param name="other">The other set.</param>
        /// <returns>Whether they are the same set.</returns>
        public bool SameAs(ConfigOverrides other)
        {
            if (other == null)
            {
                throw new System.ArgumentNullException(nameof(other));
            }

            return _keys.Length == other._keys.Length && Holds(other._keys, other._values);
        }

        /// <summary>Only the keys of <paramref name="keyClass"/> (for example the restart keys a trial boot is about).</summary>
        /// <param name="keyClass">The class kept.</param>
        /// <returns>The new set.</returns>
        public ConfigOverrides Only(RemoteClass keyClass)
        {
            return Mixed(Empty, keyClass);
        }

        /// <summary>True when this set already gives every one of <paramref name="keys"/> its value (so <see cref="With"/> would change nothing).</summary>
        /// <param name="keys">The keys.</param>
        /// <param name="values">Their values (as many).</param>
        /// <returns>Whether each key is set here, to its value.</returns>
        public bool Holds(string[] keys, string[] values)
        {
            if (keys == null || values == null || keys.Length != values.Length)
            {
                throw new System.ArgumentException("as many values as keys are needed");
            }

            for (int i = 0; i < keys.Length; i++)
            {
                int at = IndexOf(keys[i]);
                if (at < 0 || _values[at] != values[i])
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>This set with <paramref name="keys"/> set to <paramref name="values"/> (replacing, or added at the end).</summary>
        /// <param name="keys">The keys.</param>
        /// <param name="values">Their values (as many).</param>
        /// <returns>The new set.</returns>
        public ConfigOverrides With(string[] keys, string[] values)
        {
            if (keys == null || values == null || keys.Length != values.Length)
            {
                throw new System.ArgumentException("as many values as keys are needed");
            }

            string[] k = new string[_keys.Length + keys.Length];
            string[] v = new string[k.Length];
            int n = _keys.Length;
            System.Array.Copy(_keys, k, n);
            System.Array.Copy(_values, v, n);
            for (int i = 0; i < keys.Length; i++)
            {
                int at = -1;
                for (int j = 0; j < n; j++)
                {
                    if (k[j] == keys[i])
                    {
                        at = j;
                        break;
                    }
                }

                if (at < 0)
                {
                    at = n++;
                    k[at] = keys[i];
                }

                v[at] = values[i];
            }

            return new ConfigOverrides(Trim(k, n), Trim(v, n));
        }

        /// <summary>This set with only the keys of <paramref name="keepClass"/> taken from it, and the others' values from <paramref name="fallback"/> (or unset).</summary>
        /// <param name="fallback">Where keys not kept take their value from.</param>
        /// <param name="keepClass">The class of keys to take from this set.</param>
        /// <returns>The new set.</returns>
        public ConfigOverrides Mixed(ConfigOverrides fallback, RemoteClass keepClass)
        {
            string[] k = new string[_keys.Length + fallback._keys.Length];
            string[] v = new string[k.Length];
            int n = 0;
            for (int i = 0; i < _keys.Length; i++)
            {
                if (RemoteKeys.ClassOf(_keys[i]) == keepClass)
                {
                    k[n] = _keys[i];
                    v[n++] = _values[i];
                }
            }

            for (int i = 0; i < fallback._keys.Length; i++)
            {
                if (RemoteKeys.ClassOf(fallback._keys[i]) != keepClass)
                {
                    k[n] = fallback._keys[i];
                    v[n++] = fallback._values[i];
                }
            }

            return new ConfigOverrides(Trim(k, n), Trim(v, n));
        }

        /// <summary>The lines of tracker.conf that set these keys (text keys quoted, others bare), each ending in LF.</summary>
        /// <returns>The lines.</returns>
        public string ToLines()
        {
            string text = string.Empty;
            for (int i = 0; i < _keys.Length; i++)
            {
                string value = RemoteKeys.ValueTypeOf(_keys[i]) == RemoteValueType.String && RemoteKeys.IsText(_keys[i])
                    ? ConfigLineReader.QuoteValue(_values[i])
                    : _values[i];
                text = text + _keys[i] + " = " + value + "\n";
            }

            return text;
        }

        /// <summary>The set as the shadow's JSON object: each key by its shadow name (<see cref="ShadowNames"/>), each value in its key's one JSON type (<see cref="RemoteKeys.ValueTypeOf"/>).</summary>
        /// <returns>The object's text.</returns>
        public string ToJson()
        {
            string json = "{";
            for (int i = 0; i < _keys.Length; i++)
            {
                if (i > 0)
                {
                    json = json + ",";
                }

                string name = ShadowNames.NameOf(_keys[i]);
                json = json + JsonText.Quote(name.Length > 0 ? name : _keys[i]) + ":" + JsonValue(_keys[i], _values[i]);
            }

            return json + "}";
        }

        /// <summary>The JSON of one value in <paramref name="key"/>'s type (as validated: a number's digits, true/false, or a string).</summary>
        /// <param name="key">The key.</param>
        /// <param name="value">The value's text.</param>
        /// <returns>The JSON value.</returns>
        public static string JsonValue(string key, string value)
        {
            return RemoteKeys.ValueTypeOf(key) == RemoteValueType.String ? JsonText.Quote(value) : value;
        }

        /// <summary>
        /// Reads the lines <see cref="ToLines"/> wrote (comments and blank lines skipped). Never throws on
        /// bad text.
        /// </summary>
        /// <param name="text">The lines.</param>
        /// <param name="overrides">The set, or null.</param>
        /// <returns>False when a line is not key = value or a key repeats.</returns>
        public static bool TryParseLines(string text, out ConfigOverrides? overrides)
        {
            overrides = null;
            ConfigLineReader reader = new ConfigLineReader(text);
            string[] keys = new string[8];
            string[] values = new string[8];
            int n = 0;
            while (reader.MoveNext())
            {
                string value;
                bool quoted;
                string problem;
                if (reader.Error != ConfigLineError.None || reader.ReadValue(out value, out quoted, out problem) != ConfigLineError.None)
                {
                    return false;
                }

                for (int i = 0; i < n; i++)
                {
                    if (keys[i] == reader.Key)
                    {
                        return false;
                    }
                }

                if (n == keys.Length)
                {
                    string[] k = new string[n * 2];
                    string[] v = new string[n * 2];
                    System.Array.Copy(keys, k, n);
                    System.Array.Copy(values, v, n);
                    keys = k;
                    values = v;
                }

                keys[n] = reader.Key;
                values[n++] = value;
            }

            overrides = new ConfigOverrides(Trim(keys, n), Trim(values, n));
            return true;
        }

        private static string[] Trim(string[] items, int n)
        {
            string[] trimmed = new string[n];
            System.Array.Copy(items, trimmed, n);
            return trimmed;
        }
    }
}
