namespace Tracker.Core.Reporting
{
    /// <summary>Why a report configuration was rejected.</summary>
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

        /// <summary>The value is not a whole decimal number that fits in 32 bits.</summary>
        BadNumber = 5,

        /// <summary>The value is outside the key's <see cref="ReportSetting.Min"/>..<see cref="ReportSetting.Max"/>.</summary>
        OutOfRange = 6,

        /// <summary>The value contradicts another key (e.g. a maximum period below the minimum period).</summary>
        Inconsistent = 7,
    }
}
