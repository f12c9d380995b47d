namespace Tracker.Core.Common
{
    /// <summary>What <see cref="ConfigLineReader"/> finds wrong with a line's shape or its value's quoting.</summary>
    public enum ConfigLineError
    {
        /// <summary>The line is <c>key = value</c>, and the value's quoting is sound.</summary>
        None = 0,

        /// <summary>A line that is not blank or a comment has no '=' (before any '#').</summary>
        MissingEquals = 1,

        /// <summary>A line has nothing before its '='.</summary>
        EmptyKey = 2,

        /// <summary>A quoted value is not closed, has an unknown escape or is followed by more than a comment, or a bare value holds '"'.</summary>
        BadQuotes = 3,
    }
}
