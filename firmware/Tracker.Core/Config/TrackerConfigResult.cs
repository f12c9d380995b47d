namespace Tracker.Core.Config
{
    /// <summary>
    /// The outcome of <see cref="TrackerConfigLoader.Load"/>: the configuration, or the first error
    /// with the key and line it is about. Bad text is an outcome, never an exception.
    /// </summary>
    public sealed class TrackerConfigResult
    {
        private TrackerConfigResult(TrackerConfig? config, TrackerConfigError error, string key, int line, string message)
        {
            Config = config;
            Error = error;
            Key = key;
            Line = line;
            Message = message;
        }

        /// <summary>True when <see cref="Config"/> holds a valid configuration.</summary>
        public bool IsOk
        {
            get { return Error == TrackerConfigError.None; }
        }

        /// <summary>The configuration when <see cref="IsOk"/>, otherwise null.</summary>
        public TrackerConfig? Config { get; }

        /// <summary>What went wrong, or <see cref="TrackerConfigError.None"/>.</summary>
        public TrackerConfigError Error { get; }

        /// <summary>The key the error is about (for a line without '=', the line's text); empty when <see cref="IsOk"/>.</summary>
        public string Key { get; }

        /// <summary>The 1-based line of the file the error is about, or 0 (a missing key, or a rule between keys that were not written).</summary>
        public int Line { get; }

        /// <summary>A message for the installer that names the line and the key; empty when <see cref="IsOk"/>.</summary>
        public string Message { get; }

        /// <summary>A successful result.</summary>
        /// <param name="config">The valid configuration.</param>
        /// <returns>The result.</returns>
        public static TrackerConfigResult Ok(TrackerConfig config)
        {
            if (config == null)
            {
                throw new System.ArgumentNullException(nameof(config));
            }

            return new TrackerConfigResult(config, TrackerConfigError.None, string.Empty, 0, string.Empty);
        }

        /// <summary>A failed result. The message is prefixed with "line N: " when the line is known.</summary>
        /// <param name="error">What went wrong (not <see cref="TrackerConfigError.None"/>).</param>
        /// <param name="key">The key it is about.</param>
        /// <param name="line">The 1-based line, or 0.</param>
        /// <param name="detail">The message, which should name the key.</param>
        /// <returns>The result.</returns>
        public static TrackerConfigResult Fail(TrackerConfigError error, string key, int line, string detail)
        {
            if (error == TrackerConfigError.None)
            {
                throw new System.ArgumentException("A failure needs an error.", nameof(error));
            }

            string message = line > 0 ? "line " + line.ToString() + ": " + detail : detail;
            return new TrackerConfigResult(null, error, key, line, message);
        }

        // A failure whose message already carries its line (a report.* error from ReportConfigLoader).
        internal static TrackerConfigResult FailWithMessage(TrackerConfigError error, string key, int line, string message)
        {
            return new TrackerConfigResult(null, error, key, line, message);
        }
    }
}
