namespace Tracker.Core.Modem
{
    /// <summary>What one byte fed to an <see cref="AtLineFramer"/> completed.</summary>
    public enum AtFrameEvent
    {
        /// <summary>Nothing yet.</summary>
        None = 0,

        /// <summary>A line ended; take it with <see cref="AtLineFramer.TakeLine"/>.</summary>
        Line = 1,

        /// <summary>A <c>&gt;</c> data prompt at the start of a line (only when a prompt was wanted).</summary>
        Prompt = 2,
    }
}
