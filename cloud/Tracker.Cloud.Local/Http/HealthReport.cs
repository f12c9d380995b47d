namespace Tracker.Cloud.Local.Http;

/// <summary>The body of <c>GET /health</c>.</summary>
/// <param name="Status"><c>ok</c> or <c>degraded</c> (HTTP 503).</param>
/// <param name="Checks">Each check's result: <c>ok</c> or what is wrong.</param>
/// <param name="UptimeS">Seconds since start.</param>
/// <param name="DevicesConnected">Cars connected now.</param>
/// <param name="FixesPerSecond">Fixes stored per second (10 s mean).</param>
public sealed record HealthReport(string Status, IReadOnlyDictionary<string, string> Checks, long UptimeS, long DevicesConnected, double FixesPerSecond);
