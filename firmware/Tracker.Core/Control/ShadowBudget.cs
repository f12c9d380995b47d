using Tracker.Core.Common;

namespace Tracker.Core.Control
{
    /// <summary>
    /// The size of the largest delta IoT Core could send for a desired config (README.md §1,
    /// "Trimming"): every desired key differing from reported, each with its metadata timestamp, and
    /// the envelope with the largest version, timestamp and client token. The cloud refuses a desired
    /// config whose worst case exceeds <see cref="ShadowLimits.MaxMessageBytes"/>; the tests hold the
    /// car's parser to the same number.
    /// </summary>
    public static class ShadowBudget
    {
        /// <summary>A 10-digit number: the largest version or epoch-seconds timestamp counted.</summary>
        private const string TenDigits = "1999999999";

        /// <summary>Bytes of the worst-case delta for <paramref name="keys"/> set to <paramref name="jsonValues"/>.</summary>
        /// <param name="keys">The desired cfg's keys.</param>
        /// <param name="jsonValues">Their values as JSON text (a number, true/false, or a quoted string).</param>
        /// <returns>The UTF-8 length of that delta.</returns>
        public static int WorstCaseDeltaBytes(string[] keys, string[] jsonValues)
        {
            return Utf8.ByteCount(WorstCaseDelta(keys, jsonValues));
        }

        /// <summary>The worst-case delta itself (for the tests, which feed it to the car's parser).</summary>
        /// <param name="keys">The desired cfg's keys.</param>
        /// <param name="jsonValues">Their values as JSON text.</param>
        /// <returns>The delta document, in IoT Core's shape.</returns>
        public static string WorstCaseDelta(string[] keys, string[] jsonValues)
        {
            if (keys == null || jsonValues == null || keys.Length != jsonValues.Length)
            {
                throw new System.ArgumentException("as many values as keys are needed");
            }

            string state = string.Empty;
            string metadata = string.Empty;
            for (int i = 0; i < keys.Length; i++)
            {
                string sep = i > 0 ? "," : string.Empty;
                state = state + sep + JsonText.Quote(keys[i]) + ":" + jsonValues[i];
                metadata = metadata + sep + JsonText.Quote(keys[i]) + ":{\"timestamp\":" + TenDigits + "}";
            }

            string token = string.Empty;
            while (token.Length < ShadowLimits.MaxClientTokenBytes)
            {
                token = token + "t";
            }

            return "{\"version\":" + TenDigits + ",\"timestamp\":" + TenDigits
                + ",\"state\":{\"cfg\":{" + state + "}},\"metadata\":{\"cfg\":{" + metadata + "}},\"clientToken\":\"" + token + "\"}";
        }
    }
}
