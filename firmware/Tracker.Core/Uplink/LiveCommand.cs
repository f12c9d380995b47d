namespace Tracker.Core.Uplink
{
    /// <summary>
    /// The control message on <c>tracker/{car}/live</c>: "watch this car for N seconds". The payload
    /// is the number of seconds in ASCII decimal (for example <c>120</c>); 0 ends the watch. A
    /// viewer repeats it before it runs out for as long as it watches, so a closed browser costs
    /// at most one period of live traffic.
    /// </summary>
    public static class LiveCommand
    {
        /// <summary>Most digits accepted (up to 99,999,999 s; the engine cuts it to its maximum watch).</summary>
        public const int MaxDigits = 8;

        /// <summary>
        /// Parses a watch request: optional spaces, tabs, CR or LF around 1 to <see cref="MaxDigits"/>
        /// ASCII digits, and nothing else. Never throws.
        /// </summary>
        /// <param name="payload">The message payload (null is rejected).</param>
        /// <param name="seconds">The seconds asked for, or 0.</param>
        /// <returns>True for a well-formed request.</returns>
        public static bool TryParseWatchSeconds(byte[]? payload, out int seconds)
        {
            seconds = 0;
            if (payload == null)
            {
                return false;
            }

            int start = 0;
            int end = payload.Length;
            while (start < end && IsBlank(payload[start]))
            {
                start++;
            }

            while (end > start && IsBlank(payload[end - 1]))
            {
                end--;
            }

            if (end == start || end - start > MaxDigits)
            {
                return false;
            }

            int value = 0;
            for (int i = start; i < end; i++)
            {
                int d = payload[i] - '0';
                if (d < 0 || d > 9)
                {
                    return false;
                }

                value = (value * 10) + d;
            }

            seconds = value;
            return true;
        }

        private static bool IsBlank(byte b)
        {
            return b == ' ' || b == '\t' || b == '\r' || b == '\n';
        }
    }
}
