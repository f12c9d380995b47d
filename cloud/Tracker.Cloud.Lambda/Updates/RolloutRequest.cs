using System.Text.Json;
using System.Text.Json.Nodes;
using Tracker.Core.Control;

namespace Tracker.Cloud.Lambda.Updates;

/// <summary>
/// <c>POST /groups/{group}/rollouts</c>' body, with the local host's rules: <c>{"version":"1.4.0","ratePerMinute":10,
/// "abort":{"failurePercent":50,"minCount":2}}</c>, <c>abort</c> optional and <c>minCount</c> 1 when left out.
/// </summary>
/// <param name="Version">An uploaded image's version.</param>
/// <param name="RatePerMinute">Cars released a minute, 1 to 1,000 (IoT Jobs' <c>maximumPerMinute</c>).</param>
/// <param name="FailurePercent">Abort when this percentage of the finished cars failed, or null for no abort.</param>
/// <param name="MinCount">Cars that must have finished before the abort may trigger.</param>
public sealed record RolloutRequest(string Version, int RatePerMinute, int? FailurePercent, int MinCount)
{
    /// <summary>The largest body.</summary>
    public const int MaxBytes = 4096;

    /// <summary>The largest <c>minCount</c> (the local host's largest group).</summary>
    public const int MaxMinCount = 10_000;

    /// <summary>Reads the body; never throws on bad input.</summary>
    /// <param name="body">The body's object.</param>
    /// <param name="request">The request, or null.</param>
    /// <param name="error">Why not, for the problem's detail.</param>
    /// <returns>True when it is one.</returns>
    public static bool TryRead(JsonObject body, out RolloutRequest? request, out string error)
    {
        ArgumentNullException.ThrowIfNull(body);
        request = null;
        string version = string.Empty;
        int? percent = null;
        int minCount = 1;
        if (body.Any(p => p.Key is not ("version" or "ratePerMinute" or "abort")))
        {
            error = "Only version, ratePerMinute and abort may be given.";
            return false;
        }

        if (body["version"] is not JsonValue v || v.GetValueKind() != JsonValueKind.String || !UpdateLimits.IsValidVersion(version = v.GetValue<string>()))
        {
            error = "version must be an uploaded image's version.";
            return false;
        }

        if (!TryInt(body["ratePerMinute"], 1, 1000, out int rate))
        {
            error = "ratePerMinute must be a whole number of 1 to 1000 (cars released a minute).";
            return false;
        }

        if (body["abort"] is JsonNode abort)
        {
            if (abort is not JsonObject a || a.Any(p => p.Key is not ("failurePercent" or "minCount")) || !TryInt(a["failurePercent"], 1, 100, out int p)
                || (a["minCount"] is JsonNode m && !TryInt(m, 1, MaxMinCount, out minCount)))
            {
                error = "abort must be {\"failurePercent\": 1 to 100, \"minCount\": 1 or more}.";
                return false;
            }

            percent = p;
        }

        error = string.Empty;
        request = new RolloutRequest(version, rate, percent, minCount);
        return true;
    }

    private static bool TryInt(JsonNode? node, int min, int max, out int value)
    {
        value = 0;
        return node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out value) && value >= min && value <= max;
    }
}
