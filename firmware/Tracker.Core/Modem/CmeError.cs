namespace Tracker.Core.Modem
{
    /// <summary>
    /// The <c>+CME ERROR</c> numbers the driver acts on, and the verbose texts <c>AT+CMEE=2</c>
    /// prints for them (3GPP TS 27.007 §9.2.1; SIMCom-specific codes from MAN via
    /// sim7080-mqtt-at.md §1).
    /// </summary>
    public static class CmeError
    {
        /// <summary>Operation not allowed.</summary>
        public const int OperationNotAllowed = 3;

        /// <summary>Operation not supported.</summary>
        public const int OperationNotSupported = 4;

        /// <summary>SIM not inserted.</summary>
        public const int SimNotInserted = 10;

        /// <summary>SIM PIN required.</summary>
        public const int SimPinRequired = 11;

        /// <summary>SIM PUK required.</summary>
        public const int SimPukRequired = 12;

        /// <summary>SIM failure.</summary>
        public const int SimFailure = 13;

        /// <summary>SIM busy: try again shortly.</summary>
        public const int SimBusy = 14;

        /// <summary>Incorrect password (a wrong PIN).</summary>
        public const int IncorrectPassword = 16;

        /// <summary>No network service.</summary>
        public const int NoNetworkService = 30;

        /// <summary>Unspecified GPRS error.</summary>
        public const int UnspecifiedGprsError = 148;

        /// <summary>DNS resolve failed (SIMCom).</summary>
        public const int DnsResolveFailed = 160;

        /// <summary>Operation failed (SIMCom).</summary>
        public const int OperationFailed = 767;

        /// <summary>CFUN state is 0 or 4 (SIMCom).</summary>
        public const int RadioOff = 797;

        private static readonly int[] Codes =
        {
            OperationNotAllowed, OperationNotSupported, SimNotInserted, SimPinRequired, SimPukRequired,
            SimFailure, SimBusy, IncorrectPassword, NoNetworkService, UnspecifiedGprsError,
            DnsResolveFailed, OperationFailed, RadioOff,
        };

        private static readonly string[] Texts =
        {
            "operation not allowed", "operation not supported", "sim not inserted", "sim pin required",
            "sim puk required", "sim failure", "sim busy", "incorrect password", "no network service",
            "unspecified gprs error", "dns resolve failed", "operation failed", "cfun state is 0 or 4",
        };

        /// <summary>
        /// Reads the error after <c>+CME ERROR:</c>: a number (<c>AT+CMEE=1</c>) or one of the known
        /// texts (<c>AT+CMEE=2</c>, compared without case).
        /// </summary>
        /// <param name="text">The text after the colon, trimmed.</param>
        /// <returns>The error number, or -1 when it is neither a number nor a known text.</returns>
        public static int Parse(string text)
        {
            int code;
            if (AtText.TryParseInt(text, 0, text.Length, out code) && code >= 0)
            {
                return code;
            }

            string lower = text.ToLower();
            for (int i = 0; i < Texts.Length; i++)
            {
                if (lower == Texts[i])
                {
                    return Codes[i];
                }
            }

            return -1;
        }
    }
}
