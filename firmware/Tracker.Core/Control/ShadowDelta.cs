using Tracker.Core.Common;

namespace Tracker.Core.Control
{
    /// <summary>
    /// One message of <c>$aws/things/{car}/shadow/update/delta</c>, read for the config it carries:
    /// <c>{"version":18,"timestamp":...,"state":{"cfg":{"uplink.normalPeriodS":600}},"metadata":{...}}</c>
    /// (IoT Core's delta document). Only <c>version</c> and <c>state.cfg</c> are read; the rest
    /// (metadata, timestamp, clientToken, other state properties) is checked to be JSON and skipped.
    /// Never throws on bad bytes.
    /// </summary>
    public sealed class ShadowDelta
    {
        private readonly string[] _keys;
        private readonly string[] _values;
        private readonly RemoteValueType[] _types;

        private ShadowDelta(int version, bool hasConfig, string[] keys, string[] values, RemoteValueType[] types)
        {
            Version = version;
            HasConfig = hasConfig;
            _keys = keys;
            _values = values;
            _types = types;
        }

        /// <summary>The shadow document's version (1 or more).</summary>
        public int Version { get; }

        /// <summary>True when the delta holds <c>state.cfg</c> (a delta about other properties holds no config change).</summary>
        public bool HasConfig { get; }

        /// <summary>Number of config entries.</summary>
        public int Count
        {
            get { return _keys.Length; }
        }

        /// <summary>The key of entry <paramref name="index"/>.</summary>
        /// <param name="index">0 to <see cref="Count"/> - 1.</param>
        /// <returns>The key, as sent.</returns>
        public string KeyAt(int index)
        {
            return _keys[index];
        }

        /// <summary>The value of entry <paramref name="index"/>: a string's text, a number as written, or "true"/"false".</summary>
        /// <param name="index">0 to <see cref="Count"/> - 1.</param>
        /// <returns>The value's text.</returns>
        public string ValueAt(int index)
        {
            return _values[index];
        }

        /// <summary>The JSON type entry <paramref name="index"/>'s value was sent in.</summary>
        /// <param name="index">0 to <see cref="Count"/> - 1.</param>
        /// <returns>The type.</returns>
        public RemoteValueType TypeAt(int index)
        {
            return _types[index];
        }

        /// <summary>
        /// True when <paramref name="other"/> asks for exactly this config change: the same keys, each
        /// with the same value in the same JSON type, in any order, whatever the two versions. IoT Core
        /// sends the same delta again, with a higher version, after every accepted update while desired
        /// and reported differ, so a change the car refused comes back unchanged until the operator
        /// changes it.
        /// </summary>
        /// <param name="other">Another delta.</param>
        /// <returns>Whether the two ask for the same change.</returns>
        public bool AsksTheSameAs(ShadowDelta other)
        {
            if (other == null)
            {
                throw new System.ArgumentNullException(nameof(other));
            }

            if (HasConfig != other.HasConfig || _keys.Length != other._keys.Length)
            {
                return false;
            }

            // Keys are unique within a delta (TryParse refuses a repeated one), so one way round is enough.
            for (int i = 0; i < _keys.Length; i++)
            {
                int j = 0;
                while (j < other._keys.Length && other._keys[j] != _keys[i])
                {
                    j++;
                }

                if (j == other._keys.Length || other._types[j] != _types[i] || other._values[j] != _values[i])
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Reads a delta message.</summary>
        /// <param name="payload">The message's bytes.</param>
        /// <param name="offset">Index of the first byte.</param>
        /// <param name="count">Number of bytes.</param>
        /// <param name="delta">The delta, or null.</param>
        /// <param name="problem">Why it was refused (names the byte or the key), or empty.</param>
        /// <returns>True when <paramref name="delta"/> was read.</returns>
        public static bool TryParse(byte[] payload, int offset, int count, out ShadowDelta? delta, out string problem)
        {
            delta = null;
            problem = string.Empty;
            if (payload == null)
            {
                throw new System.ArgumentNullException(nameof(payload));
            }

            if (count > ShadowLimits.MaxMessageBytes)
            {
                problem = "the message is " + count.ToString() + " bytes: at most " + ShadowLimits.MaxMessageBytes.ToString();
                return false;
            }

            JsonReader json = new JsonReader(payload, offset, count, ShadowLimits.MaxDepth);
            if (json.Next() != JsonToken.StartObject)
            {
                problem = json.Problem.Length > 0 ? json.Problem : "the message is not a JSON object";
                return false;
            }

            int version = 0;
            bool hasVersion = false;
            bool hasState = false;
            bool hasConfig = false;
            string[] keys = new string[ShadowLimits.MaxEntries];
            string[] values = new string[ShadowLimits.MaxEntries];
            RemoteValueType[] types = new RemoteValueType[ShadowLimits.MaxEntries];
            int n = 0;
            while (true)
            {
                JsonToken t = json.Next();
                if (t == JsonToken.EndObject)
                {
                    break;
                }

                if (t != JsonToken.PropertyName)
                {
                    problem = json.Problem;
                    return false;
                }

                string name = json.Text;
                JsonToken value = json.Next();
                if (name == "version")
                {
                    if (hasVersion || value != JsonToken.Number || !ConfigLineReader.TryParseInt(json.Text, out version) || version < 1)
                    {
                        problem = hasVersion ? "version is given twice" : Or(json, "version is not a whole number of 1 or more");
                        return false;
                    }

                    hasVersion = true;
                    continue;
                }

                if (name != "state")
                {
                    if (!json.SkipValue(value))
                    {
                        problem = Or(json, "bad value of " + name);
                        return false;
                    }

                    continue;
                }

                if (hasState || value != JsonToken.StartObject)
                {
                    problem = hasState ? "state is given twice" : Or(json, "state is not an object");
                    return false;
                }

                hasState = true;
                while (true)
                {
                    JsonToken s = json.Next();
                    if (s == JsonToken.EndObject)
                    {
                        break;
                    }

                    if (s != JsonToken.PropertyName)
                    {
                        problem = json.Problem;
                        return false;
                    }

                    string property = json.Text;
                    JsonToken first = json.Next();
                    if (property != "cfg")
                    {
                        if (!json.SkipValue(first))
                        {
                            problem = Or(json, "bad value of state." + property);
                            return false;
                        }

                        continue;
                    }

                    if (hasConfig || first != JsonToken.StartObject)
                    {
                        problem = hasConfig ? "state.cfg is given twice" : Or(json, "state.cfg is not an object");
                        return false;
                    }

                    hasConfig = true;
                    if (!ReadEntries(json, keys, values, types, ref n, out problem))
                    {
                        return false;
                    }
                }
            }

            if (json.Next() != JsonToken.End)
            {
                problem = json.Problem;
                return false;
            }

            if (!hasVersion)
            {
                problem = "the delta has no version";
                return false;
            }

            string[] k = new string[n];
            string[] v = new string[n];
            RemoteValueType[] ty = new RemoteValueType[n];
            for (int i = 0; i < n; i++)
            {
                k[i] = keys[i];
                v[i] = values[i];
                ty[i] = types[i];
            }

            delta = new ShadowDelta(version, hasConfig, k, v, ty);
            return true;
        }

        // Inside state.cfg: "key": scalar pairs up to its '}'.
        private static bool ReadEntries(JsonReader json, string[] keys, string[] values, RemoteValueType[] types, ref int n, out string problem)
        {
            problem = string.Empty;
            while (true)
            {
                JsonToken t = json.Next();
                if (t == JsonToken.EndObject)
                {
                    return true;
                }

                if (t != JsonToken.PropertyName)
                {
                    problem = json.Problem;
                    return false;
                }

                string key = json.Text;
                for (int i = 0; i < n; i++)
                {
                    if (keys[i] == key)
                    {
                        problem = "cfg." + ConfigLineReader.Shorten(key) + " is given twice";
                        return false;
                    }
                }

                if (n == keys.Length)
                {
                    problem = "state.cfg has more than " + keys.Length.ToString() + " keys";
                    return false;
                }

                JsonToken value = json.Next();
                RemoteValueType type;
                string text;
                if (value == JsonToken.Number)
                {
                    type = RemoteValueType.Number;
                    text = json.Text;
                }
                else if (value == JsonToken.String)
                {
                    type = RemoteValueType.String;
                    text = json.Text;
                }
                else if (value == JsonToken.True || value == JsonToken.False)
                {
                    type = RemoteValueType.Boolean;
                    text = value == JsonToken.True ? "true" : "false";
                }
                else
                {
                    problem = Or(json, "cfg." + ConfigLineReader.Shorten(key) + " is not a number, a string, true or false");
                    return false;
                }

                keys[n] = key;
                values[n] = text;
                types[n] = type;
                n++;
            }
        }

        private static string Or(JsonReader json, string problem)
        {
            return json.Problem.Length > 0 ? json.Problem : problem;
        }
    }
}
