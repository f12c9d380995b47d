using System.Globalization;
using System.Text.Json.Nodes;
using Tracker.Core.Fixes;
using Tracker.Core.Wire;

namespace Tracker.Cloud.Lambda.Cli.Runtime;

/// <summary>
/// The events the bench sends, made fresh for each invocation where a stale one would take another
/// path: an ingest batch of new fixes (old ones are refused as duplicates or as too old), and an API
/// request whose token has not expired.
/// </summary>
internal sealed class BenchmarkEvents(byte[] template, bool generatedIngest, bool renewExpiry)
{
    /// <summary>The <c>--event</c> value that asks for generated ingest batches.</summary>
    public const string GeneratedIngest = "generated:ingest";

    private const int FixesPerBatch = 10;
    private long _nextFixMs = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds();

    /// <summary>The next event.</summary>
    public byte[] Next()
    {
        if (generatedIngest)
        {
            return System.Text.Encoding.UTF8.GetBytes(IngestEvent());
        }

        if (!renewExpiry)
        {
            return template;
        }

        JsonNode evt = JsonNode.Parse(template)!;
        if (evt["requestContext"]?["authorizer"]?["jwt"]?["claims"] is JsonObject claims)
        {
            claims["exp"] = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        }

        return System.Text.Encoding.UTF8.GetBytes(evt.ToJsonString());
    }

    // A car driving north-east at 50 km/h, one fix a second: what a live car sends.
    private string IngestEvent()
    {
        var fixes = new Fix[FixesPerBatch];
        for (int i = 0; i < fixes.Length; i++)
        {
            long t = _nextFixMs + (i * 1000L);
            long step = (t / 1000) % 100_000;
            Fix f = Fix.Create(t, 523_791_000 + (int)(step * 120), 49_003_000 + (int)(step * 80));
            f.SpeedMmps = 13_900;
            f.CourseCdeg = 3_300;
            f.HdopX100 = 90;
            f.Satellites = 11;
            f.Mode = FixMode.ThreeD;
            f.Quality = FixQuality.Autonomous;
            fixes[i] = f;
        }

        _nextFixMs += FixesPerBatch * 1000L;
        byte[] buffer = new byte[BatchFormat.MaxBatchBytes];
        int size = new BatchEncoder().Encode(fixes, 0, fixes.Length, buffer, 0, out _);
        return new JsonObject
        {
            ["payload"] = Convert.ToBase64String(buffer, 0, size),
            ["topic"] = "tracker/car-bench/fixes",
            ["clientId"] = "car-bench",
            ["receivedAt"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
        }.ToJsonString();
    }
}
