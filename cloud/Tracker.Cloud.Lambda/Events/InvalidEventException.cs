namespace Tracker.Cloud.Lambda.Events;

/// <summary>
/// The invocation's event is not the shape this function is wired for (not JSON, a missing field, a
/// payload format other than the one configured). It is thrown, not turned into a response: the event
/// can never succeed, and a thrown error is what Lambda records (the bootstrap reports it as
/// <c>Function.InvalidEvent</c>), what sends an asynchronous event to the dead-letter queue after its
/// retries, and what API Gateway turns into a 500. The message names the field.
/// </summary>
public sealed class InvalidEventException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, naming the field.</param>
    public InvalidEventException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the parser's error.</summary>
    /// <param name="message">What is wrong, naming the field.</param>
    /// <param name="innerException">The JSON reader's error.</param>
    public InvalidEventException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message (for serializers and tests).</summary>
    public InvalidEventException()
        : base("the event is not valid")
    {
    }
}
