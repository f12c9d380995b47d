namespace Tracker.Core.Modem
{
    /// <summary>
    /// The outcome of one AT command: how it ended, the error the modem gave, and the intermediate
    /// lines of its response (echo and URCs removed). A value, never an exception.
    /// </summary>
    public sealed class AtResult
    {
        private static readonly string[] NoLines = new string[0];

        /// <summary>Creates a result.</summary>
        /// <param name="status">How the command ended.</param>
        /// <param name="errorCode">The <c>+CME</c>/<c>+CMS</c> error number, or -1.</param>
        /// <param name="errorText">The error as the modem wrote it (after the colon), or empty.</param>
        /// <param name="lines">Intermediate response lines, in order (null for none).</param>
        /// <param name="payloadSent">True when the data after a prompt was written.</param>
        public AtResult(AtStatus status, int errorCode, string errorText, string[]? lines, bool payloadSent)
        {
            Status = status;
            ErrorCode = errorCode;
            ErrorText = errorText ?? string.Empty;
            Lines = lines ?? NoLines;
            PayloadSent = payloadSent;
        }

        /// <summary>How the command ended.</summary>
        public AtStatus Status { get; }

        /// <summary>True when the final result was <c>OK</c>.</summary>
        public bool IsOk
        {
            get { return Status == AtStatus.Ok; }
        }

        /// <summary>
        /// The error number of a <c>+CME ERROR</c> or <c>+CMS ERROR</c>: as sent after
        /// <c>AT+CMEE=1</c>, or looked up from the verbose text after <c>AT+CMEE=2</c>
        /// (<see cref="CmeError"/>); -1 when there is none or the text is unknown.
        /// </summary>
        public int ErrorCode { get; }

        /// <summary>The error text after <c>+CME ERROR:</c> (for example <c>operation not allowed</c>), or empty.</summary>
        public string ErrorText { get; }

        /// <summary>The intermediate lines, trimmed, without echo, URCs or the final result.</summary>
        public string[] Lines { get; }

        /// <summary>For a command with a prompt: true when the prompt came and the data was written.</summary>
        public bool PayloadSent { get; }

        /// <summary>
        /// The rest of the first intermediate line that starts with <paramref name="prefix"/>,
        /// without leading spaces (<c>FindValue("+CSQ:")</c> on <c>+CSQ: 20,99</c> gives <c>20,99</c>).
        /// </summary>
        /// <param name="prefix">The response prefix, colon included.</param>
        /// <returns>The value, or null when no line has the prefix.</returns>
        public string? FindValue(string prefix)
        {
            for (int i = 0; i < Lines.Length; i++)
            {
                if (Lines[i].StartsWith(prefix))
                {
                    return Lines[i].Substring(prefix.Length).Trim();
                }
            }

            return null;
        }

        /// <summary>A short description for logs: the status and, for errors, the modem's text.</summary>
        /// <returns>For example <c>CmeError 3 operation not allowed</c>.</returns>
        public string Describe()
        {
            switch (Status)
            {
                case AtStatus.Ok: return "OK";
                case AtStatus.Error: return "ERROR";
                case AtStatus.CmeError: return "+CME ERROR: " + ErrorText;
                case AtStatus.CmsError: return "+CMS ERROR: " + ErrorText;
                case AtStatus.Timeout: return PayloadSent ? "timeout after data" : "timeout";
                default: return "modem restarted";
            }
        }
    }
}
