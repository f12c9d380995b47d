namespace Tracker.Core.Nmea
{
    /// <summary>The outcome of reading one field: "unknown" and "broken" are different things.</summary>
    public enum FieldResult
    {
        /// <summary>The field holds a valid value.</summary>
        Ok,

        /// <summary>The receiver left the field empty: the value is unknown (never zero).</summary>
        Empty,

        /// <summary>The field holds something that is not a valid value; the sentence is malformed.</summary>
        Malformed,
    }
}
