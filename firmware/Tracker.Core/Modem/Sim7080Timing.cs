namespace Tracker.Core.Modem
{
    /// <summary>
    /// Fixed timings of the SIM7080G driver, each with its source. The configurable deadlines
    /// (registration, PDP, connect, publish) are in <see cref="Sim7080Options"/>.
    /// </summary>
    public static class Sim7080Timing
    {
        /// <summary>PWRKEY released before the pulse (LG examples: LOW 100 ms).</summary>
        public const int PowerKeyIdleMs = 100;

        /// <summary>PWRKEY held low to switch the modem on or off (LG examples: HIGH 1000 ms, "pull down PWRKEY &gt; 1 s").</summary>
        public const int PowerKeyPressMs = 1000;

        /// <summary>
        /// How long the modem may take to answer <c>AT</c> after a PWRKEY pulse. Not in the digest's
        /// sources; generous so a slow boot is not pulsed off again. UNCONFIRMED on real hardware.
        /// </summary>
        public const int BootTimeoutMs = 15000;

        /// <summary>Wait for the answer to each <c>AT</c> while synchronising (NF retries <c>ATE0</c> up to 10 times).</summary>
        public const int SyncProbeMs = 1000;

        /// <summary><c>AT</c> probes before concluding that the modem is off.</summary>
        public const int SyncProbesWhenOn = 3;

        /// <summary>Default wait for a command's final result code (MAN lists most as "no max" or under 1 s).</summary>
        public const int CommandMs = 5000;

        /// <summary><c>AT+CFUN</c>: MAN gives a 10 s maximum response time.</summary>
        public const int CfunMs = 10000;

        /// <summary><c>AT+CPIN</c>: MAN gives 5 s.</summary>
        public const int CpinMs = 5000;

        /// <summary>SIM busy after power-up or PIN entry: keep asking <c>AT+CPIN?</c> for this long.</summary>
        public const int SimReadyMs = 10000;

        /// <summary>Interval between <c>AT+CEREG?</c> polls while waiting for registration.</summary>
        public const int RegistrationPollMs = 2000;

        /// <summary>
        /// The per-file timeout argument of <c>AT+CFSWFILE</c> (MAN: 100 to 10000 ms); the driver also
        /// waits this long plus <see cref="CommandMs"/> for the <c>OK</c> after the data.
        /// </summary>
        public const int FileWriteMs = 10000;

        /// <summary>Largest chunk per <c>AT+CFSWFILE</c> (MAN allows 10240; LG splits at 10000).</summary>
        public const int FileChunkBytes = 10000;

        /// <summary><c>AT+CSSLCFG="CONVERT"</c>: parsing a certificate on the modem; no maximum is documented.</summary>
        public const int ConvertMs = 20000;

        /// <summary>Wait for the <c>&gt;</c> prompt after <c>AT+SMPUB</c> (NF waits 1 s; a busy modem may take longer).</summary>
        public const int PromptMs = 5000;

        /// <summary><c>AT+SMDISC</c> sends DISCONNECT and closes the socket.</summary>
        public const int DisconnectMs = 10000;

        /// <summary><c>AT+SMSUB</c> waits for the broker's SUBACK.</summary>
        public const int SubscribeMs = 15000;
    }
}
