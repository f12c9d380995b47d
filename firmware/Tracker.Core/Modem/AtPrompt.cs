namespace Tracker.Core.Modem
{
    /// <summary>The prompt after which a command takes raw data (MAN §9, §17).</summary>
    public enum AtPrompt
    {
        /// <summary><c>&gt; </c>, at the start of a line, not terminated: after <c>AT+SMPUB</c>.</summary>
        Chevron = 0,

        /// <summary>The line <c>DOWNLOAD</c>: after <c>AT+CFSWFILE</c>.</summary>
        Download = 1,
    }
}
