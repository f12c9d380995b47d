namespace Tracker.Core.Time
{
    /// <summary>Where a time offered to the <see cref="CalendarClock"/> came from.</summary>
    public enum TimeSource
    {
        /// <summary>Nothing has set the clock.</summary>
        None = 0,

        /// <summary>A GNSS fix's epoch (RMC date and time), offered as the fix arrives.</summary>
        Gnss = 1,

        /// <summary>The cellular network's time, read from the modem (<c>AT+CCLK?</c>).</summary>
        Network = 2,
    }
}
