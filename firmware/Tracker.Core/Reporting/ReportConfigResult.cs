namespace Tracker.Core.Reporting
{
    /// <summary>
    /// The outcome of loading or building a <see cref="ReportConfig"/>: the configuration, or the
    /// error with the key and line it is about. Bad configuration text is an outcome, not an
    /// exception.
    /// </summary>
    public sealed class ReportConfigResult
    {
        private ReportConfigResult(ReportConfig? config, ReportConfigError error, string key, int line, string message)
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
            get { return Error == ReportConfigError.None; }
        }

        /// <summary>The configuration when <see cref="IsOk"/>, otherwise null.</summary>
        public ReportConfig? Config { get; }

        /// <summary>What went wrong, or <see cref="ReportConfigError.None"/>.</summary>
        public ReportConfigError Error { get; }

        /// <summary>
        /// The key the error is about (for a line without '=', the line's text, which is where the
        /// key should have been); empty when <see cref="IsOk"/>.
        /// </summary>
        public string Key { get; }

        /// <summary>The 1-based line of the file the error is about, or 0 when it is not about a line.</summary>
        public int Line { get; }

        /// <summary>A message for the installer that names the line and the key; empty when <see cref="IsOk"/>.</summary>
        public string Message { get; }

        /// <summary>A successful result.</summary>
        /// <param name="config">The valid configuration.</param>
        /// <returns>The result.</returns>
        public static ReportConfigResult Ok(ReportConfig config)
        {
            if (config == null)
            {
                throw new System.ArgumentNullException("config");
            }

            return new ReportConfigResult(config, ReportConfigError.None, string.Empty, 0, string.Empty);
        }

        /// <summary>A failed result. The message is prefixed with "line N: " when the line is known.</summary>
        /// <param name="error">What went wrong (not <see cref="ReportConfigError.None"/>).</param>
        /// <param name="key">The key it is about.</param>
        /// <param name="line">The 1-based line, or 0.</param>
        /// <param name="detail">The message, which should name the key.</param>
        /// <returns>The result.</returns>
        public static ReportConfigResult Fail(ReportConfigError error, string key, int line, string detail)
        {
            if (error == ReportConfigError.None)
            {
                throw new System.ArgumentException("A failure needs an error.", "error");
            }

            string message = line > 0 ? "line " + line.ToString() + ": " + detail : detail;
            return new ReportConfigResult(null, error, key, line, message);
        }
    }
}
