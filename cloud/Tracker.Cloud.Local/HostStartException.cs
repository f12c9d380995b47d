namespace Tracker.Cloud.Local;

/// <summary>The host cannot start for a reason the user can fix (a port is taken); the message says what to do.</summary>
public sealed class HostStartException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong and what to do.</param>
    /// <param name="inner">The underlying failure, if any.</param>
    public HostStartException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
