using System.Text.Json.Serialization;

namespace Tracker.Cloud.Lambda.Runtime.RuntimeApi;

/// <summary>
/// The error document the Runtime API takes on <c>/runtime/init/error</c> and
/// <c>/runtime/invocation/{id}/error</c> (Lambda developer guide, "Using the Lambda runtime API for custom
/// runtimes": <c>errorMessage</c>, <c>errorType</c>, <c>stackTrace</c>). Lambda returns it to a synchronous
/// caller and records it for an asynchronous one.
/// </summary>
public sealed class ErrorReport
{
    /// <summary>Creates a report.</summary>
    /// <param name="category">The error-type header, <see cref="Category"/>.</param>
    /// <param name="errorType">The kind of error.</param>
    /// <param name="errorMessage">What went wrong.</param>
    /// <param name="stackTrace">The stack, one frame a line, or null.</param>
    public ErrorReport(string category, string errorType, string errorMessage, IReadOnlyList<string>? stackTrace = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(category);
        ArgumentException.ThrowIfNullOrEmpty(errorType);
        ArgumentNullException.ThrowIfNull(errorMessage);
        Category = category;
        ErrorType = errorType;
        ErrorMessage = errorMessage;
        StackTrace = stackTrace ?? [];
    }

    /// <summary>What went wrong, for a person.</summary>
    [JsonPropertyName("errorMessage")]
    public string ErrorMessage { get; }

    /// <summary>The kind of error: the exception's type name.</summary>
    [JsonPropertyName("errorType")]
    public string ErrorType { get; }

    /// <summary>The stack, one frame a line (empty when there is none).</summary>
    [JsonPropertyName("stackTrace")]
    public IReadOnlyList<string> StackTrace { get; }

    /// <summary>
    /// The Lambda-Runtime-Function-Error-Type header sent with the report: <c>Category.Reason</c>, as the
    /// Runtime API recommends (<c>Runtime.NoSuchHandler</c>, <c>Runtime.ConfigInvalid</c>,
    /// <c>Function.InvalidEvent</c>, <c>Function.Timeout</c>, <c>Function.Unhandled</c>).
    /// </summary>
    [JsonIgnore]
    public string Category { get; }

    /// <summary>Builds a report from an exception, its message taken from the whole chain of inner exceptions.</summary>
    /// <param name="category">The error-type header.</param>
    /// <param name="error">The exception.</param>
    /// <returns>The report.</returns>
    public static ErrorReport From(string category, Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var message = new System.Text.StringBuilder(error.Message);
        for (Exception? inner = error.InnerException; inner is not null; inner = inner.InnerException)
        {
            message.Append(" (caused by ").Append(inner.GetType().Name).Append(": ").Append(inner.Message).Append(')');
        }

        string[] frames = (error.StackTrace ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new ErrorReport(category, error.GetType().Name, message.ToString(), frames);
    }
}

/// <summary>Source-generated JSON contracts of the runtime's own documents.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ErrorReport))]
internal sealed partial class RuntimeJsonContext : JsonSerializerContext;
