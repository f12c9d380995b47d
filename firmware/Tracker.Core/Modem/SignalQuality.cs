namespace Tracker.Core.Modem
{
    /// <summary>
    /// Received signal strength from <c>AT+CSQ</c> (3GPP TS 27.007 §8.5; MAN §3): <c>+CSQ:
    /// &lt;rssi&gt;,&lt;ber&gt;</c> where rssi 0 is −115 dBm or less, 1 is −111, 2 to 30 are −110 to
    /// −54 in 2 dB steps, 31 is −52 or more, and 99 is unknown.
    /// </summary>
    public static class SignalQuality
    {
        /// <summary>The value for "not known".</summary>
        public const int UnknownDbm = int.MinValue;

        /// <summary>Converts a CSQ rssi index to dBm.</summary>
        /// <param name="rssi">0 to 31, or 99.</param>
        /// <returns>The level in dBm, or <see cref="UnknownDbm"/>.</returns>
        public static int CsqToDbm(int rssi)
        {
            if (rssi == 0)
            {
                return -115;
            }

            if (rssi == 1)
            {
                return -111;
            }

            if (rssi >= 2 && rssi <= 30)
            {
                return -110 + ((rssi - 2) * 2);
            }

            if (rssi == 31)
            {
                return -52;
            }

            return UnknownDbm;
        }

        /// <summary>Reads a <c>+CSQ</c> value.</summary>
        /// <param name="value">The text after <c>+CSQ:</c>, for example <c>20,99</c>.</param>
        /// <param name="dbm">The level in dBm, or <see cref="UnknownDbm"/> when the modem does not know it.</param>
        /// <returns>False when malformed.</returns>
        public static bool TryParseCsq(string value, out int dbm)
        {
            dbm = UnknownDbm;
            if (value == null)
            {
                return false;
            }

            int comma = value.IndexOf(',');
            int rssi;
            if (comma < 0 || !AtText.TryParseInt(value, 0, comma, out rssi) || rssi < 0 || (rssi > 31 && rssi != 99))
            {
                return false;
            }

            dbm = CsqToDbm(rssi);
            return true;
        }
    }
}
