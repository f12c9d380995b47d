using System.Text.Json.Nodes;
using Tracker.Cloud.Core.Cars;
using Tracker.Cloud.Core.Ingest;
using Tracker.Testing;

namespace Tracker.Cloud.Tests.Cars;

/// <summary>
/// The browser and the API agree about a car: one corpus (cloud/Tracker.Cloud.Web/test/fixtures/car-state-corpus.json)
/// holds what ingest and the API make of a set of batches, written by this side (<see cref="CarStateCorpus"/>), and the
/// web app's node tests feed the same batches to its store and compare (test/carstate.test.js). These tests hold the
/// file to what the C# side says today, so neither side can drift from the other unseen.
/// </summary>
public sealed class CarStateCorpusTests
{
    private const string WriteVariable = "TRACKER_WRITE_CORPUS";

    private static string CorpusPath => Repository.PathOf("cloud", "Tracker.Cloud.Web", "test", "fixtures", "car-state-corpus.json");

    [Fact]
    public async Task CarStateCorpus_IsWhatIngestAndTheApiSayToday()
    {
        JsonObject made = await CarStateCorpus.MakeAsync();
        if (Environment.GetEnvironmentVariable(WriteVariable) == "1")
        {
            await File.WriteAllTextAsync(CorpusPath, CarStateCorpus.ToText(made));
        }

        JsonObject file = JsonNode.Parse(await File.ReadAllTextAsync(CorpusPath))!.AsObject();
        Assert.True(JsonNode.DeepEquals(file["rules"], made["rules"]), "the corpus's rules are not CarRules.Default: write it again with " + WriteVariable + "=1");
        Assert.True(JsonNode.DeepEquals(file["distances"], made["distances"]), "the corpus's distances are not GeoMath's: write it again with " + WriteVariable + "=1");
        JsonArray cases = made["cases"]!.AsArray();
        JsonArray written = file["cases"]!.AsArray();
        Assert.Equal(cases.Count, written.Count);
        for (int i = 0; i < cases.Count; i++)
        {
            Assert.True(JsonNode.DeepEquals(written[i], cases[i]), "case '" + cases[i]!["name"] + "' differs from the file: ingest or the API changed; write the corpus again with " + WriteVariable + "=1 (and the web app must still agree)");
        }
    }

    [Fact]
    public async Task CarStateCorpus_CoversEveryStateAndEveryFilterThatCanReachIngest()
    {
        JsonObject made = await CarStateCorpus.MakeAsync();
        JsonObject[] expected = made["cases"]!.AsArray().Select(c => c!["expected"]!.AsObject()).ToArray();

        string[] states = expected.Select(e => (string?)e["state"] ?? "no position").Distinct().ToArray();
        Assert.Contains("moving", states);
        Assert.Contains("stopped", states);
        Assert.Contains("offline", states);
        Assert.Contains("no position", states);
        var rejectedBy = expected.SelectMany(e => e["rejected"]!.AsArray()).SelectMany(r => r!.AsObject().Select(p => p.Key)).ToHashSet();
        foreach (FixFilter filter in FixFilterNames.All)
        {
            Assert.Contains(FixFilterNames.Name(filter), rejectedBy);
        }
    }

    [Fact]
    public void CarRules_ServedToTheBrowser_NameEveryFilterAndThreshold()
    {
        JsonObject rules = JsonNode.Parse(CarRules.Default.ToJson())!.AsObject();

        Assert.Equal(1389, (int)rules["movingThresholdMmps"]!);
        Assert.Equal(300_000, (long)rules["maxSpeedDerivationGapMs"]!);
        Assert.Equal(1_800_000, (long)rules["offlineAfterMs"]!);
        Assert.Equal(FixFilterNames.All.Select(FixFilterNames.Name), rules["filters"]!.AsArray().Select(f => (string)f!));
        Assert.Equal(300_000, (long)rules["maxFutureSkewMs"]!);
        Assert.Equal(2_592_000_000, (long)rules["retentionMs"]!);
        Assert.Equal(1000, (int)rules["maxHdopX100"]!);
        Assert.Equal(300, (int)rules["maxSpeedKmh"]!);
    }

    [Fact]
    public void CarRules_SwitchedOffFilter_IsNotServed()
    {
        var rules = new CarRules { Ingest = new IngestOptions { DisabledFilters = new HashSet<FixFilter> { FixFilter.Accuracy } } };

        Assert.DoesNotContain("accuracy", JsonNode.Parse(rules.ToJson())!["filters"]!.AsArray().Select(f => (string)f!));
    }

    [Fact]
    public void CarRules_StateOf_IsOfflinePastTheOfflineTime_ElseMovingOrStopped()
    {
        CarRules rules = CarRules.Default;
        long offline = (long)rules.OfflineAfter.TotalMilliseconds;

        Assert.Equal(CarState.Moving, rules.StateOf(1000, moving: true, 1000 + offline));
        Assert.Equal(CarState.Stopped, rules.StateOf(1000, moving: false, 1000 + offline));
        Assert.Equal(CarState.Offline, rules.StateOf(1000, moving: true, 1001 + offline));
        Assert.Throws<ArgumentException>(() => new CarRules { OfflineAfter = TimeSpan.Zero }.Validate());
    }
}
