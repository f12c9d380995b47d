namespace Tracker.Core.Modem
{
    /// <summary>
    /// Reads the <c>+SMSUB: "&lt;topic&gt;","&lt;message&gt;"</c> URC that carries a message received
    /// on a subscription (MAN §17; MQN §5). With <c>AT+SMCONF="SUBHEX",1</c> the message is hex, so
    /// any payload bytes survive; without it the message is raw text, which a quote or line break
    /// inside the payload would cut (the reason the driver asks for hex).
    /// </summary>
    public static class SubscriptionUrc
    {
        /// <summary>The URC prefix.</summary>
        public const string Prefix = "+SMSUB:";

        /// <summary>Parses the text after <see cref="Prefix"/>.</summary>
        /// <param name="value">For example <c>"cars/c1/cmd","7B7D"</c>.</param>
        /// <param name="hex">True when the modem was told to send the message as hex.</param>
        /// <param name="topic">The topic.</param>
        /// <param name="payload">The message bytes.</param>
        /// <returns>False when the text is not a quoted topic, a comma and a quoted message (or bad hex).</returns>
        public static bool TryParse(string value, bool hex, out string topic, out byte[] payload)
        {
            topic = string.Empty;
            payload = new byte[0];
            if (value == null)
            {
                return false;
            }

            string s = value.Trim();

            // The topic cannot hold a double quote (AT has no escape for it); the message is taken
            // from the first quote after the separator to the last quote on the line.
            int separator = s.IndexOf("\",\"");
            if (s.Length < 5 || s[0] != '"' || separator < 1 || s[s.Length - 1] != '"')
            {
                return false;
            }

            int messageStart = separator + 3;
            int messageEnd = s.Length - 1;
            if (messageEnd < messageStart)
            {
                return false;
            }

            string t = s.Substring(1, separator - 1);
            if (t.Length == 0)
            {
                return false;
            }

            byte[] bytes;
            if (hex)
            {
                if (!AtText.TryDecodeHex(s, messageStart, messageEnd, out bytes))
                {
                    return false;
                }
            }
            else
            {
                bytes = AtText.ToAscii(s.Substring(messageStart, messageEnd - messageStart));
            }

            topic = t;
            payload = bytes;
            return true;
        }
    }
}
