namespace Tracker.Cloud.Lambda.Cli.Runtime;

/// <summary>How one event is handed to the runtime: the headers <c>next</c> sends with it.</summary>
public sealed record RuntimeApiInvocation
{
    /// <summary>Lambda-Runtime-Aws-Request-Id; a fresh GUID when null.</summary>
    public string? RequestId { get; init; }

    /// <summary>Time from delivery to Lambda-Runtime-Deadline-Ms (the function's timeout).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Lambda-Runtime-Trace-Id, or null for none (tracing off).</summary>
    public string? TraceId { get; init; }

    /// <summary>Lambda-Runtime-Invoked-Function-Arn.</summary>
    public string FunctionArn { get; init; } = "arn:aws:lambda:us-east-1:123456789012:function:tracker-local";
}
