using Tracker.Cloud.Infra.CostModel;

namespace Tracker.Cloud.Infra.Tests;

/// <summary>The cost model's arithmetic, and docs/aws/cost-model.md being exactly its output.</summary>
public sealed class CostModelTests
{
    private static readonly CostAssumptions Defaults = CostAssumptions.Default;

    [Fact]
    public void Document_CarriesExactlyTheModelsOutput()
    {
        string doc = File.ReadAllText(Repository.CostModelDoc).ReplaceLineEndings("\n");
        int begin = doc.IndexOf(CostReport.BeginMarker, StringComparison.Ordinal);
        int end = doc.IndexOf(CostReport.EndMarker, StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, "docs/aws/cost-model.md has no generated section between the markers");

        string generated = doc[begin..(end + CostReport.EndMarker.Length)] + "\n";

        Assert.Equal(CostReport.Markdown(Defaults, CostPrices.UsEast1), generated);
    }

    [Fact]
    public void CarDay_FollowsTheMeasuredDrive()
    {
        CarDay batch = FleetCostModel.Day(Defaults, CostScenario.Batch);
        CarDay live = FleetCostModel.Day(Defaults, CostScenario.LiveWhenMoving);

        // 735 recorded of 4,469 fixes 2 s apart: 296.04 a driving hour; a heartbeat every 900 s parked.
        Assert.Equal(735m / (4469m * 2m / 3600m) * 2m, batch.MovingFixes);
        Assert.Equal(22m * 4m, batch.ParkedFixes);
        Assert.Equal(batch.Fixes, live.Fixes);
        Assert.Equal((batch.MovingFixes / 21.6m) + 88m, batch.FixMessages);
        Assert.Equal(live.Fixes, live.FixMessages);
        Assert.True(live.CellularBytes > 2 * batch.CellularBytes);
    }

    [Fact]
    public void BasicIngest_FixBatchesCarryNoMessagingCharge_ButTheirRulesDo()
    {
        CostEstimate estimate = FleetCostModel.Estimate(Defaults, CostPrices.UsEast1, CostScenario.LiveWhenMoving);

        CostLine fixesIn = estimate.Lines.Single(l => l.Item.StartsWith("fix batches in", StringComparison.Ordinal));
        Assert.Equal(0m, fixesIn.MonthlyUsd);
        Assert.Equal(estimate.Car.FixMessages * 1000 * 30, fixesIn.Quantity);
        CostLine actions = estimate.Lines.Single(l => l.Item.StartsWith("rule actions", StringComparison.Ordinal));
        Assert.True(actions.Quantity > 2 * fixesIn.Quantity);
    }

    [Fact]
    public void StatusRule_CountsAnIngestInvocationAndAStatusesPut_PerStatusMessage_AndEveryEventWriteIsPublished()
    {
        CostEstimate estimate = FleetCostModel.Estimate(Defaults, CostPrices.UsEast1, CostScenario.Batch);
        decimal statuses = 100m * 1000 * 30;

        Assert.Equal(statuses, estimate.Lines.Single(l => l.Item.StartsWith("status rule to ingest: requests", StringComparison.Ordinal)).Quantity);
        Assert.Equal(statuses, estimate.Lines.Single(l => l.Item.StartsWith("status rule to ingest: rules", StringComparison.Ordinal)).Quantity);
        // The status put (one unit) and the car's state rewritten (3,858 B: four units).
        Assert.Equal(statuses * 5m, estimate.Lines.Single(l => l.Item.StartsWith("status rule: DynamoDB writes", StringComparison.Ordinal)).Quantity);
        decimal eventWrites = 12m * 1.5m * 1000 * 30;
        Assert.Equal(eventWrites * (1m + (2m * 8m / 24m)), estimate.Lines.Single(l => l.Item.StartsWith("live event feed", StringComparison.Ordinal)).Quantity);
    }

    [Fact]
    public void Cost_IsLinearInMessages_AndLiveCostsMoreThanBatch()
    {
        CostEstimate batch = FleetCostModel.Estimate(Defaults, CostPrices.UsEast1, CostScenario.Batch);
        CostEstimate live = FleetCostModel.Estimate(Defaults, CostPrices.UsEast1, CostScenario.LiveWhenMoving);
        CostEstimate doubled = FleetCostModel.Estimate(Defaults with { Cars = 2000 }, CostPrices.UsEast1, CostScenario.Batch);

        Assert.True(live.TotalUsd > batch.TotalUsd);
        Assert.Equal(batch.Lines.Count, live.Lines.Count);
        Assert.InRange(doubled.TotalUsd / batch.TotalUsd, 1.6m, 2.0m);
        Assert.All(batch.Lines, l => Assert.True(l.MonthlyUsd >= 0 && l.Quantity >= 0, l.Item));
    }

    [Fact]
    public void Prices_AreThePublishedTableTheDocumentStates()
    {
        CostPrices p = CostPrices.UsEast1;

        Assert.Equal(0.08m, p.IotConnectionMinutesPerMillion);
        Assert.Equal(1.00m, p.IotMessagesPerMillion);
        Assert.Equal(5 * 1024, p.IotMessageMeteringBytes);
        Assert.Equal(0.0000133334m, p.LambdaArmGbSecond);
        Assert.Equal(0.625m, p.DynamoWritesPerMillion);
        Assert.Contains("us-east-1", p.AsOf, StringComparison.Ordinal);
    }

    [Fact]
    public void Payloads_LargerThanTheMeteringStep_AreRefused()
    {
        Assert.Throws<ArgumentException>(() => FleetCostModel.Estimate(Defaults with { LargestPayloadBytes = 6000 }, CostPrices.UsEast1, CostScenario.Batch));
    }
}
