namespace Tracker.Core.Control
{
    /// <summary>
    /// The one JSON type a key's value has in the shadow, so that the car's reported value is the same
    /// JSON as the operator's desired one (IoT Core compares them as JSON: 600 and "600" differ, and
    /// a key reported in another type would stay in the delta for ever).
    /// </summary>
    public enum RemoteValueType
    {
        /// <summary>A JSON number: the whole-number keys (every report.* key).</summary>
        Number = 0,

        /// <summary>true or false: the choice keys whose choices are false and true.</summary>
        Boolean = 1,

        /// <summary>A JSON string: text keys and the other choice keys (cell.rat, hw.*.port).</summary>
        String = 2,
    }
}
