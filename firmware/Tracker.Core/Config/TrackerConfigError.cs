namespace Tracker.Core.Config
{
    /// <summary>
    /// Why the tracker's config file was rejected. <see cref="Reporting.ReportConfigError"/>, which the
    /// report.* keys produce, numbers its errors (1 to 7, and 12) as here.
    /// </summary>
    public enum TrackerConfigError
    {
        /// <summary>No error: the configuration is valid.</summary>
        None = 0,

        /// <summary>A non-blank, non-comment line has no '='.</summary>
        MissingEquals = 1,

        /// <summary>A line has nothing before its '='.</summary>
        EmptyKey = 2,

        /// <summary>The key is not declared in <see cref="TrackerSetting"/> (or, for report.*, in <see cref="Reporting.ReportSetting"/>).</summary>
        UnknownKey = 3,

        /// <summary>The key was already set on an earlier line.</summary>
        DuplicateKey = 4,

        /// <summary>A number setting's value is not a whole decimal number that fits in 32 bits.</summary>
        BadNumber = 5,

        /// <summary>A value is outside its setting's range or length.</summary>
        OutOfRange = 6,

        /// <summary>The value contradicts another key.</summary>
        Inconsistent = 7,

        /// <summary>A required key is not in the file.</summary>
        MissingKey = 8,

        /// <summary>A text value holds a character its <see cref="TextRule"/> does not allow.</summary>
        BadText = 9,

        /// <summary>A choice setting's value is not one of its choices.</summary>
        BadChoice = 10,

        /// <summary>The value is empty and not quoted (write "" for an empty text, or leave the line out).</summary>
        EmptyValue = 11,

        /// <summary>A quoted value is not closed, has an unknown escape, or is followed by more than a comment.</summary>
        BadQuotes = 12,
    }
}
