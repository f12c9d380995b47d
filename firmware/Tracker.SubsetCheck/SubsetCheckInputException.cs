namespace Tracker.SubsetCheck;

/// <summary>The assembly or surface list could not be read: a missing file, or one that is not what it claims to be.</summary>
public sealed class SubsetCheckInputException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What could not be read, and why.</param>
    public SubsetCheckInputException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    /// <param name="message">What could not be read, and why.</param>
    /// <param name="inner">The underlying error.</param>
    public SubsetCheckInputException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Creates the exception (for serializers and analyzers; prefer the overloads with a message).</summary>
    public SubsetCheckInputException()
    {
    }
}
