namespace Tracker.Cloud.Lambda.Runtime.RuntimeApi;

/// <summary>
/// The Runtime API answered in a way that leaves the runtime nothing sensible to do: a 500 ("container
/// error: the runtime should exit promptly"), a missing request id, or an unreachable endpoint. The
/// bootstrap exits on it; Lambda then starts a fresh execution environment.
/// </summary>
public sealed class RuntimeApiException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong, naming the call.</param>
    public RuntimeApiException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception around the transport's error.</summary>
    /// <param name="message">What went wrong, naming the call.</param>
    /// <param name="innerException">The HTTP client's error.</param>
    public RuntimeApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public RuntimeApiException()
        : base("the Lambda Runtime API failed")
    {
    }
}
