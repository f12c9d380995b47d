namespace Tracker.Core.Common
{
    /// <summary>
    /// The marker for an integer a source did not report: an empty NMEA field, a field a fix does
    /// not carry. It is never zero, so "unknown" cannot be mistaken for a measured 0 (the 0,0
    /// position bug). The NMEA sentences and the fix (<c>Fix.Unknown</c>) share it, which is
    /// why it lives here rather than in either folder.
    /// </summary>
    public static class Unknown
    {
        /// <summary>The value of an unreported integer: <see cref="int.MinValue"/>, outside every field's range.</summary>
        public const int Value = int.MinValue;
    }
}
