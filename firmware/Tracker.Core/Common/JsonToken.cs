namespace Tracker.Core.Common
{
    /// <summary>What <see cref="JsonReader.Next"/> read.</summary>
    public enum JsonToken
    {
        /// <summary>The input is not JSON as RFC 8259 writes it (<see cref="JsonReader.Problem"/> says why); every later call returns this too.</summary>
        Error = 0,

        /// <summary>After the one top-level value and white space.</summary>
        End = 1,

        /// <summary>'{'.</summary>
        StartObject = 2,

        /// <summary>'}'.</summary>
        EndObject = 3,

        /// <summary>'['.</summary>
        StartArray = 4,

        /// <summary>']'.</summary>
        EndArray = 5,

        /// <summary>A property name (in <see cref="JsonReader.Text"/>); its value follows.</summary>
        PropertyName = 6,

        /// <summary>A string value (unescaped, in <see cref="JsonReader.Text"/>).</summary>
        String = 7,

        /// <summary>A number (as written, in <see cref="JsonReader.Text"/>).</summary>
        Number = 8,

        /// <summary>true.</summary>
        True = 9,

        /// <summary>false.</summary>
        False = 10,

        /// <summary>null.</summary>
        Null = 11,
    }
}
