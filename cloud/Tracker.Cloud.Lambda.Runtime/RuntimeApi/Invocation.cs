namespace Tracker.Cloud.Lambda.Runtime.RuntimeApi;

/// <summary>
/// One invocation as <c>GET /runtime/invocation/next</c> hands it over (Lambda developer guide, "Using the
/// Lambda runtime API for custom runtimes", "Next invocation"): the event, and the headers the loop needs.
/// </summary>
/// <param name="RequestId">Lambda-Runtime-Aws-Request-Id: the id every answer about this event names.</param>
/// <param name="DeadlineMs">Lambda-Runtime-Deadline-Ms: when Lambda stops the invocation, Unix epoch milliseconds.</param>
/// <param name="FunctionArn">Lambda-Runtime-Invoked-Function-Arn, or null.</param>
/// <param name="TraceId">Lambda-Runtime-Trace-Id (the X-Ray tracing header), or null when tracing is off.</param>
/// <param name="Event">The event's bytes, as sent.</param>
public sealed record Invocation(string RequestId, long DeadlineMs, string? FunctionArn, string? TraceId, byte[] Event);
