namespace Tracker.Cloud.Lambda.Cli.Runtime;

/// <summary>What the runtime answered for one invocation, and when.</summary>
/// <param name="RequestId">The invocation's id.</param>
/// <param name="IsError">True when the runtime posted to <c>/error</c> rather than <c>/response</c>.</param>
/// <param name="Body">The response, or the error document.</param>
/// <param name="ErrorCategory">The Lambda-Runtime-Function-Error-Type header of an error, or null.</param>
/// <param name="DeliveredTicks">When <c>next</c> handed the event over (<see cref="System.Diagnostics.Stopwatch"/> ticks).</param>
/// <param name="AnsweredTicks">When the answer arrived (<see cref="System.Diagnostics.Stopwatch"/> ticks).</param>
public sealed record RuntimeApiResult(string RequestId, bool IsError, byte[] Body, string? ErrorCategory, long DeliveredTicks, long AnsweredTicks)
{
    /// <summary>The body as UTF-8 text.</summary>
    public string Text => System.Text.Encoding.UTF8.GetString(Body);

    /// <summary>From the event's delivery to the answer.</summary>
    public TimeSpan Latency => System.Diagnostics.Stopwatch.GetElapsedTime(DeliveredTicks, AnsweredTicks);
}
