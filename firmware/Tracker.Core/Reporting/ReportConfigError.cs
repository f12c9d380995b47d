namespace Tracker.Core.Reporting
{
    /// <summary>Why a report configuration was rejected (numbered as the same errors of <c>TrackerConfigError</c>).</summary>
    public enum ReportConfigError
    {
        /// <summary>No error: the configuration is valid.</summary>
        None = 0,

        /// <summary>A non-blank, non-comment line has no '='.</summary>
        MissingEquals = 1,

        /// <summary>A line has nothing before its '='.</summary>
        EmptyKey = 2,

        /// <summary>The key is not one of the declared <see cref="ReportSetting"/> keys.</summary>
        UnknownKey = 3,

        /// <summary>The key was already set on an earlier line.</summary>
        DuplicateKey = 4,

        /// <summary>The value is not a bare whole decimal number that fits in 32 bits (an empty or quoted value is not one).</summary>
        BadNumber = 5,

        /// <summary>The value is outside the key's <see cref="ReportSetting.Min"/>..<see cref="ReportSetting.Max"/>.</summary>
        OutOfRange = 6,

        /// <summary>The value contradicts another key (e.g. a maximum period below the minimum period).</summary>
        Inconsistent = 7,

        /// <summary>A quoted value is not closed, has an unknown escape or is followed by more than a comment, or a bare value holds '"' (the quoting rules of tracker.conf, which this file shares).</summary>
        BadQuotes = 12,
    }
}
