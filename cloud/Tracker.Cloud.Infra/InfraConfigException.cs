namespace Tracker.Cloud.Infra;

/// <summary>
/// A context value (<c>-c key=value</c> or <c>cdk.json</c>) is missing or unusable. Thrown before any
/// resource is defined; the message names the key and says what it must be.
/// </summary>
public sealed class InfraConfigException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, naming the key.</param>
    public InfraConfigException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the underlying error.</summary>
    /// <param name="message">What is wrong, naming the key.</param>
    /// <param name="innerException">The underlying error.</param>
    public InfraConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public InfraConfigException()
        : base("the CDK context is not valid")
    {
    }
}
