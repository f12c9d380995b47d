using System.Globalization;
using System.Text.Json.Nodes;
using Tracker.Cloud.Core.Cars;
using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Tests.Lambda;
using Tracker.Core.Common;
using Tracker.Core.Fixes;
using Tracker.Core.Wire;

namespace Tracker.Cloud.Tests.Cars;

/// <summary>
/// The car-state corpus: batches of fixes as cars send them (wire bytes, when each arrived), and what the cloud makes of
/// them, through the deployed handlers on a real store: the ingest function's rejections by filter for each batch, the
/// fixes it stored, and what the API then answers for the car's latest position (time, moving, state). The web app's
/// store is fed the same batches and must say the same (cloud/Tracker.Cloud.Web/test/carstate.test.js). Also: the car
/// rules both sides use, and distances from the firmware's GeoMath for the web app's port of it. Deterministic: the
/// same code writes the same file.
/// </summary>
internal static class CarStateCorpus
{
    /// <summary>2025-06-10T08:00:00Z.</summary>
    private const long T0 = 1749542400000;

    private const int LatE7 = 523_791_000;
    private const int LonE7 = 49_003_000;
    private const int MetreE7 = 90;
    private const long Minute = 60_000;

    private static readonly long OfflineAfterMs = (long)CarRules.Default.OfflineAfter.TotalMilliseconds;

    /// <summary>One car's story: batches in the order they arrive, and the moment the API is asked.</summary>
    private sealed record Case(string Name, List<(long ReceivedMs, Fix[] Fixes)> Batches, long NowMs);

    /// <summary>Runs every case through ingest and the API and returns the corpus document.</summary>
    public static async Task<JsonObject> MakeAsync()
    {
        await using LambdaRig rig = await LambdaRig.CreateAsync(T0);
        var cases = new JsonArray();
        int number = 0;
        foreach (Case c in Cases())
        {
            string car = "car-c" + (++number).ToString("D3", CultureInfo.InvariantCulture);
            cases.Add(await RunAsync(rig, car, c));
        }

        return new JsonObject
        {
            ["about"] = "The car-state corpus: batches as cars send them, and what ingest and the API make of them (tests/Tracker.Cloud.Tests, CarStateCorpus.cs); the store of the web app must say the same (test/carstate.test.js). Written by TRACKER_WRITE_CORPUS=1 dotnet test tests/Tracker.Cloud.Tests --filter CarStateCorpus; do not edit.",
            ["rules"] = JsonNode.Parse(CarRules.Default.ToJson()),
            ["distances"] = Distances(),
            ["cases"] = cases,
        };
    }

    /// <summary>The file's text: the document with each case (and each distance) on a line of its own, so a change reads as a diff of cases.</summary>
    /// <param name="corpus">The document <see cref="MakeAsync"/> made.</param>
    /// <returns>The JSON text.</returns>
    public static string ToText(JsonObject corpus)
    {
        static string Lines(JsonNode? array) => "[\n" + string.Join(",\n", array!.AsArray().Select(n => n!.ToJsonString())) + "\n]";

        return "{\"about\":" + corpus["about"]!.ToJsonString()
            + ",\n\"rules\":" + corpus["rules"]!.ToJsonString()
            + ",\n\"distances\":" + Lines(corpus["distances"])
            + ",\n\"cases\":" + Lines(corpus["cases"])
            + "}\n";
    }

    private static async Task<JsonObject> RunAsync(LambdaRig rig, string car, Case c)
    {
        var batches = new JsonArray();
        var rejected = new JsonArray();
        foreach ((long receivedMs, Fix[] fixes) in c.Batches)
        {
            byte[] payload = WireBatch.Encode(fixes);
            batches.Add(new JsonObject { ["receivedMs"] = receivedMs, ["hex"] = Convert.ToHexStringLower(payload) });
            rig.Clock.NowMs = receivedMs;
            JsonObject summary = await rig.IngestAsync(LambdaEvents.Iot(payload, "tracker/" + car + "/fixes", car, receivedMs));
            Assert.Equal("stored", (string?)summary["outcome"]);
            rejected.Add(summary["rejected"]!.DeepClone());
        }

        FixPage page = await rig.Store.QueryAsync(car, long.MinValue, long.MaxValue, 1000, null, CancellationToken.None);
        rig.Clock.NowMs = c.NowMs;
        long exp = (c.NowMs / 1000) + 3600;
        var (status, _, body) = await rig.ApiAsync(LambdaEvents.Http("/cars/" + car + "/location", null, LambdaEvents.Claims("corpus-operator", "operators", exp)));
        Assert.True(status is 200 or 404, "the API answered " + status);
        return new JsonObject
        {
            ["name"] = c.Name,
            ["carId"] = car,
            ["nowMs"] = c.NowMs,
            ["batches"] = batches,
            ["expected"] = new JsonObject
            {
                ["rejected"] = rejected,
                ["stored"] = new JsonArray(page.Fixes.Select(f => (JsonNode)f.Ts).ToArray()),
                ["latest"] = status == 200 ? new JsonObject { ["ts"] = (long)body["ts"]!, ["moving"] = (bool)body["moving"]! } : null,
                ["state"] = status == 200 ? (string?)body["state"] : null,
            },
        };
    }

    private static IEnumerable<Case> Cases()
    {
        // Moving and stopped.
        yield return Live("a steady drive, live, at 50 km/h", Enumerable.Range(0, 10).Select(i => Fix(T0 + (i * 5000), i * 70, 13_900)), 2000);
        yield return Live("parked: a heartbeat every 15 minutes", Enumerable.Range(0, 3).Select(i => Fix(T0 + (i * 15 * Minute), 0, 0)), 10 * Minute);
        yield return Live("at the moving threshold, then just below it", [Fix(T0, 0, 1389), Fix(T0 + 1000, 1, 1388)], 1000);
        yield return Live("just below the moving threshold, then at it", [Fix(T0, 0, 1388), Fix(T0 + 1000, 1, 1389)], 1000);
        yield return Live("no speed: derived from the previous fix, 2 m/s", Enumerable.Range(0, 5).Select(i => Fix(T0 + (i * 5000), i * 10, null)), 1000);
        yield return Live("no speed: derived from the previous fix, 1 m/s", Enumerable.Range(0, 5).Select(i => Fix(T0 + (i * 5000), i * 5, null)), 1000);
        yield return Live("no speed: the previous fix is too far back to derive one", [Fix(T0, 0, null), Fix(T0 + (6 * Minute), 3000, null)], 1000);
        yield return Live("no speed and no previous fix", [Fix(T0, 0, null)], 1000);

        // Offline.
        yield return Live("silent for exactly the offline time", [Fix(T0, 0, 0)], OfflineAfterMs);
        yield return Live("silent a millisecond past the offline time", [Fix(T0, 0, 0)], OfflineAfterMs + 1);
        yield return Live("moving, then silent for an hour", [Fix(T0, 0, 12_000), Fix(T0 + 5000, 60, 12_000)], 60 * Minute);
        yield return new Case("a position but no fix ever stored", [(T0 + 1000, [Zero(T0)])], T0 + 2000);

        // The filters.
        yield return Live("zero: 0,0 between good fixes", [Fix(T0, 0, 5000), Zero(T0 + 1000), Fix(T0 + 2000, 10, 5000)], 1000);
        yield return Live("accuracy: HDOP 25, and HDOP 10 at the limit", [Fix(T0, 0, 5000), Fix(T0 + 1000, 5, 5000, hdopX100: 2500), Fix(T0 + 2000, 10, 5000, hdopX100: 1000)], 1000);
        yield return new Case("future: 6 minutes ahead, and exactly the allowed 5", [(T0, [Fix(T0 + (6 * Minute), 0, 5000)]), (T0 + 1000, [Fix(T0 + 1000 + (5 * Minute), 0, 5000)])], T0 + (6 * Minute));
        yield return new Case("past: older than the retention", [(T0, [Fix(T0 - (31L * 24 * 60 * Minute), 0, 0), Fix(T0 - 1000, 0, 0)])], T0 + 1000);
        yield return Live("invalid: a time before 1970", [Fix(-1000, 0, 0), Fix(T0, 0, 0)], 1000);
        yield return Live("max-speed: a 5 km jump in 5 s, and the next fix judged from the one before it", [Fix(T0, 0, 10_000), Fix(T0 + 5000, 5000, 10_000), Fix(T0 + 10_000, 100, 10_000)], 1000);
        yield return new Case("duplicate: the same time twice in a batch", [(T0 + 1000, [Fix(T0, 0, 5000), Fix(T0, 3, 6000), Fix(T0 + 1000, 5, 5000)])], T0 + 2000);
        yield return new Case("duplicate: a batch delivered twice (QoS 1)", [(T0 + 1000, Drive(T0, 5, 1000, 13_900)), (T0 + 2000, Drive(T0, 5, 1000, 13_900))], T0 + 3000);

        // Order.
        yield return new Case("a batch in reverse time order", [(T0 + 10_000, Drive(T0, 10, 1000, 9000).Reverse().ToArray())], T0 + 11_000);
        yield return new Case("a dead zone: the newest fix first, then the backlog oldest first, with a jump in it", DeadZone(), T0 + (20 * Minute));
        yield return new Case("batch mode: 20 fixes every 5 minutes", Enumerable.Range(0, 4).Select(b => (T0 + ((b + 1) * 5 * Minute), Drive(T0 + (b * 5 * Minute), 20, 15_000, 8000, north: b * 20 * 120))).ToList(), T0 + (21 * Minute));

        var random = new Random(20250610);
        for (int i = 0; i < 40; i++)
        {
            yield return RandomCase(random, i);
        }
    }

    private static Case Live(string name, IEnumerable<Fix> fixes, long quietAfterMs)
    {
        List<(long, Fix[])> batches = fixes.Select(f => (f.TimeMs + 500, new[] { f })).ToList();
        return new Case(name, batches, Math.Max(T0, batches.Max(b => b.Item1)) - 500 + quietAfterMs);
    }

    private static Fix Fix(long ts, int northMetres, int? speedMmps, int hdopX100 = 90, int eastMetres = 0)
    {
        Fix f = Tracker.Core.Fixes.Fix.Create(ts, LatE7 + (northMetres * MetreE7), LonE7 + (eastMetres * MetreE7 * 164 / 100));
        f.AltCm = 4200;
        f.SpeedMmps = speedMmps ?? Tracker.Core.Fixes.Fix.Unknown;
        f.CourseCdeg = speedMmps is null ? Tracker.Core.Fixes.Fix.Unknown : 0;
        f.HdopX100 = hdopX100;
        f.Satellites = 10;
        f.Mode = FixMode.ThreeD;
        f.Quality = FixQuality.Autonomous;
        return f;
    }

    private static Fix Zero(long ts)
    {
        Fix f = Fix(ts, 0, 0);
        f.LatE7 = 0;
        f.LonE7 = 0;
        return f;
    }

    private static Fix[] Drive(long startMs, int count, long stepMs, int speedMmps, int north = 0) =>
        Enumerable.Range(0, count).Select(i => Fix(startMs + (i * stepMs), north + (int)(i * stepMs * speedMmps / 1_000_000), speedMmps)).ToArray();

    private static List<(long, Fix[])> DeadZone()
    {
        var batches = new List<(long, Fix[])>();
        foreach (Fix f in Drive(T0, 6, 5000, 10_000))
        {
            batches.Add((f.TimeMs + 500, [f]));
        }

        // Out of coverage from T0 + 25 s to T0 + 10 min: the car records every 5 s and sends the newest first, then the rest.
        Fix[] held = Drive(T0 + 30_000, 115, 5000, 10_000, north: 300);
        held[40].LatE7 += 4000 * MetreE7; // a 4 km outlier inside the backlog
        long back = T0 + (10 * Minute);
        batches.Add((back, [held[^1]]));
        for (int start = 0; start < held.Length - 1; start += 25)
        {
            batches.Add((back += 2000, held[start..Math.Min(start + 25, held.Length - 1)]));
        }

        return batches;
    }

    // A car's drive with the dirt of real receivers, batched and delivered as the uplink does.
    private static Case RandomCase(Random random, int index)
    {
        var fixes = new List<Fix>();
        long ts = T0 + (random.Next(0, 3600) * 1000L);
        double north = 0;
        double east = 0;
        int count = random.Next(2, 40);
        for (int i = 0; i < count; i++)
        {
            long step = random.Next(4) == 0 ? random.Next(30, 900) * 1000L : random.Next(1, 10) * 1000L;
            ts += step;
            int speed = random.Next(3) == 0 ? 0 : random.Next(0, 35_000);
            double heading = random.NextDouble() * 2 * Math.PI;
            double metres = speed * Math.Min(step, 10_000) / 1_000_000.0 * (0.8 + (0.4 * random.NextDouble()));
            north += metres * Math.Cos(heading);
            east += metres * Math.Sin(heading);
            Fix f = Fix(ts, (int)north, random.Next(4) == 0 ? null : speed, hdopX100: random.Next(50, 400), eastMetres: (int)east);
            switch (random.Next(25))
            {
                case 0: f.LatE7 = 0; f.LonE7 = 0; break;
                case 1: f.HdopX100 = random.Next(1001, 5000); break;
                case 2: f.LatE7 += random.Next(2000, 50_000) * MetreE7; break;
                case 3: f.HdopX100 = Tracker.Core.Fixes.Fix.Unknown; f.Satellites = Tracker.Core.Fixes.Fix.Unknown; break;
                default: break;
            }

            fixes.Add(f);
            if (random.Next(30) == 0)
            {
                Fix again = f;
                again.LonE7 += 20 * MetreE7;
                fixes.Add(again); // the same time twice
            }
        }

        // Batches of 1 to 8 in time order, each sent a little after its newest fix.
        var batches = new List<(long, Fix[])>();
        for (int at = 0; at < fixes.Count;)
        {
            int size = Math.Min(fixes.Count - at, random.Next(1, 9));
            Fix[] batch = fixes.GetRange(at, size).ToArray();
            batches.Add((batch.Max(f => f.TimeMs) + random.Next(200, 3000), batch));
            at += size;
        }

        // Sometimes a reconnect (the newest batch first, then the rest), sometimes a batch delivered again.
        if (batches.Count > 2 && random.Next(3) == 0)
        {
            int cut = random.Next(1, batches.Count - 1);
            long reconnect = batches[^1].Item1;
            var late = batches.Skip(cut).ToList();
            batches = batches.Take(cut).Concat([(reconnect, late[^1].Item2)]).Concat(late.Take(late.Count - 1).Select((b, k) => (reconnect + ((k + 1) * 1000L), b.Item2))).ToList();
        }

        if (batches.Count > 1 && random.Next(4) == 0)
        {
            int again = random.Next(batches.Count);
            batches.Insert(again + 1, (batches[again].Item1 + 1500, batches[again].Item2));
        }

        // Never a receive time earlier than the one before (the clock does not run back).
        for (int i = 1; i < batches.Count; i++)
        {
            if (batches[i].Item1 < batches[i - 1].Item1)
            {
                batches[i] = (batches[i - 1].Item1, batches[i].Item2);
            }
        }

        long quiet = random.Next(4) switch
        {
            0 => OfflineAfterMs + random.Next(1, 600_000),
            1 => OfflineAfterMs - random.Next(0, 600_000),
            _ => random.Next(500, 120_000),
        };
        return new Case("random drive " + index.ToString("D2", CultureInfo.InvariantCulture), batches, batches[^1].Item1 + quiet);
    }

    // Pairs of positions near and far, across the antimeridian and near the poles, with the firmware's distance.
    private static JsonArray Distances()
    {
        var random = new Random(6371);
        var rows = new JsonArray();
        for (int i = 0; i < 300; i++)
        {
            int lat1 = random.Next(-900_000_000, 900_000_001);
            int lon1 = random.Next(-1_800_000_000, 1_800_000_001);
            int spread = i % 3 == 0 ? 100_000_000 : i % 3 == 1 ? 1_000_000 : 10_000;
            int lat2 = (int)Math.Clamp((long)lat1 + random.Next(-spread, spread), -900_000_000, 900_000_000);
            long lon2 = lon1 + random.Next(-spread, spread);
            lon2 = lon2 > 1_800_000_000 ? lon2 - 3_600_000_000 : lon2 < -1_800_000_000 ? lon2 + 3_600_000_000 : lon2;
            rows.Add(new JsonArray(lat1, lon1, lat2, (int)lon2, GeoMath.DistanceCm(lat1, lon1, lat2, (int)lon2)));
        }

        rows.Add(new JsonArray(0, 1_799_999_000, 0, -1_799_999_000, GeoMath.DistanceCm(0, 1_799_999_000, 0, -1_799_999_000)));
        rows.Add(new JsonArray(899_999_999, 0, 899_999_999, 1_800_000_000, GeoMath.DistanceCm(899_999_999, 0, 899_999_999, 1_800_000_000)));
        rows.Add(new JsonArray(-900_000_000, -1_800_000_000, 900_000_000, 1_800_000_000, GeoMath.DistanceCm(-900_000_000, -1_800_000_000, 900_000_000, 1_800_000_000)));
        return rows;
    }
}
