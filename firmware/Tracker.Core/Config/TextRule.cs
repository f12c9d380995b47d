namespace Tracker.Core.Config
{
    /// <summary>Which characters a text setting may hold.</summary>
    public enum TextRule
    {
        /// <summary>Not a text setting.</summary>
        None = 0,

        /// <summary>An AWS IoT thing name: <c>a-z A-Z 0-9 : _ -</c>.</summary>
        ThingName = 1,

        /// <summary>A DNS host name: <c>a-z A-Z 0-9 . -</c>, no empty label, not starting or ending with '.' or '-'.</summary>
        HostName = 2,

        /// <summary>An AWS IoT rule name: <c>a-z A-Z 0-9 _</c>.</summary>
        RuleName = 3,

        /// <summary>Printable ASCII without '"', because the modem gets it inside a quoted AT command argument.</summary>
        AtText = 4,

        /// <summary>Decimal digits only (a SIM PIN).</summary>
        Digits = 5,

        /// <summary>A file name on <c>I:</c> and in the modem's file system: <c>a-z A-Z 0-9 . _ -</c>, not starting with '.'.</summary>
        FileName = 6,

        /// <summary>Any text without control characters; its length limits count UTF-8 bytes (Wi-Fi SSID and passphrase).</summary>
        Utf8 = 7,
    }
}
