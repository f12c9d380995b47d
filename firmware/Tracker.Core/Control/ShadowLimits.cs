namespace Tracker.Core.Control
{
    /// <summary>The bounds every shadow message to or from the car keeps (README.md §1, "Trimming").</summary>
    public static class ShadowLimits
    {
        /// <summary>
        /// Largest MQTT payload the car takes or sends on the shadow topics: the SIM7080G's
        /// <c>AT+SMPUB</c> takes 0 to 1,024 bytes (sim7080-mqtt-at.md §5), and a received message over
        /// 1,024 bytes is lost together with every later one on the subscription (LilyGo-T-SIM7080G #24).
        /// </summary>
        public const int MaxMessageBytes = 1024;

        /// <summary>Deepest JSON nesting the car reads (a delta is four levels deep: root, state, cfg, and metadata's per-key object).</summary>
        public const int MaxDepth = 8;

        /// <summary>Most keys one delta may carry (tracker.conf has fewer than 60 in all).</summary>
        public const int MaxEntries = 64;

        /// <summary>Longest <c>clientToken</c> IoT Core accepts (64 bytes), counted in a worst-case delta.</summary>
        public const int MaxClientTokenBytes = 64;

        /// <summary>Longest refusal message the reported document carries (the loader's messages quote at most 40 characters of a value).</summary>
        public const int MaxReportedMessageChars = 160;
    }
}
