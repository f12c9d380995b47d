using System.Text.Json.Nodes;
using Tracker.Cloud.Core.Cars;
using Tracker.Cloud.Core.Ingest;
using Tracker.Cloud.Local.Http;

namespace Tracker.Cloud.Local.Tests.Unit;

/// <summary>The web app's config.json as the local host serves it carries the car rules its ingest and API apply.</summary>
public sealed class WebAppConfigTests
{
    [Fact]
    public void ConfigJson_CarriesTheHostsCarRules()
    {
        var rules = new CarRules { OfflineAfter = TimeSpan.FromMinutes(12), Ingest = new IngestOptions { MovingThresholdMmps = 2000 } };

        JsonNode config = JsonNode.Parse(WebAppConfig.Build(null, null, null, rules))!;

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(rules.ToJson()), config["carRules"]));
        Assert.Equal(720_000, (long)config["carRules"]!["offlineAfterMs"]!);
    }

    [Fact]
    public void ConfigJson_WithoutRulesGiven_CarriesTheDefaultOnes()
    {
        JsonNode config = JsonNode.Parse(WebAppConfig.Build(null, null))!;

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(CarRules.Default.ToJson()), config["carRules"]));
    }
}
