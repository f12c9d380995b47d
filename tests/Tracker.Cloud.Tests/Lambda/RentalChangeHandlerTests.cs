using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Tracker.Cloud.Lambda.Events;
using Tracker.Cloud.Lambda.Live;
using Tracker.Cloud.Tests.Core;

namespace Tracker.Cloud.Tests.Lambda;

/// <summary>Which rental changes touch whose live access, and events that are not stream events (the DynamoDB and IoT parts run against dynalite in Tracker.Cloud.Storage.Tests).</summary>
public sealed class RentalChangeHandlerTests
{
    private const long Now = 1_749_543_605_000;

    private static RentalStreamRecord Record(string name, (string Renter, long From, long To)? before, (string Renter, long From, long To)? after) => new()
    {
        EventName = name,
        Change = new RentalStreamChange { SequenceNumber = "1", OldImage = Image(before), NewImage = Image(after) },
    };

    private static Dictionary<string, StreamAttributeValue>? Image((string Renter, long From, long To)? rental) => rental is not { } r ? null : new()
    {
        ["carId"] = new() { S = "car-0042" },
        ["renter"] = new() { S = r.Renter },
        ["fromMs"] = new() { N = r.From.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        ["toMs"] = new() { N = r.To.ToString(System.Globalization.CultureInfo.InvariantCulture) },
    };

    [Fact]
    public void Cancelled_Shortened_Moved_OrHandedOver_TouchTheRentersOfWhatRanNow()
    {
        var running = ("a", Now - 60_000, Now + 3_600_000);
        Assert.Equal(["a"], RentalChangeHandler.AffectedRenters(Record("REMOVE", running, null), Now));
        Assert.Equal(["a"], RentalChangeHandler.AffectedRenters(Record("MODIFY", running, ("a", Now - 60_000, Now)), Now));
        Assert.Equal(["a"], RentalChangeHandler.AffectedRenters(Record("MODIFY", running, ("a", Now + 60_000, Now + 3_600_000)), Now));
        Assert.Equal(["a", "b"], RentalChangeHandler.AffectedRenters(Record("MODIFY", running, ("b", Now - 60_000, Now + 3_600_000)), Now));
        Assert.Equal(["a"], RentalChangeHandler.AffectedRenters(Record("MODIFY", running, ("a", Now - 60_000, Now + 7_200_000)), Now));
        Assert.Equal(["b"], RentalChangeHandler.AffectedRenters(Record("INSERT", null, ("b", Now - 1, Now + 1)), Now));
    }

    [Fact]
    public void Unchanged_Future_Past_OrNotARental_TouchNoOne()
    {
        var running = ("a", Now - 60_000, Now + 3_600_000);
        Assert.Empty(RentalChangeHandler.AffectedRenters(Record("MODIFY", running, running), Now));
        Assert.Empty(RentalChangeHandler.AffectedRenters(Record("INSERT", null, ("a", Now + 1, Now + 2)), Now));
        Assert.Empty(RentalChangeHandler.AffectedRenters(Record("REMOVE", ("a", Now - 2, Now), null), Now));
        Assert.Empty(RentalChangeHandler.AffectedRenters(new RentalStreamRecord { EventName = "REMOVE" }, Now));
        var broken = Record("REMOVE", running, null);
        broken.Change!.OldImage!["toMs"] = new StreamAttributeValue { S = "soon" };
        Assert.Empty(RentalChangeHandler.AffectedRenters(broken, Now));
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("{\"Records\":7}")]
    [InlineData("{\"Records\":[{\"dynamodb\":{\"NewImage\":{\"toMs\":{\"N\":5}}}}]}")]
    [InlineData("{\"Records\":[")]
    public async Task NotAStreamEvent_IsAnInvalidEvent_AndNothingIsClosed(string json)
    {
        var handler = new RentalChangeHandler(
            new LiveGrantLog(new AmazonDynamoDBClient(new BasicAWSCredentials("k", "s"), new AmazonDynamoDBConfig { ServiceURL = "http://127.0.0.1:9" }), "grants"),
            new IotConnectionCloser(new HttpClient(), new Uri("http://127.0.0.1:9"), "us-east-1", () => new ImmutableCredentials("k", "s", string.Empty), TimeProvider.System),
            new ManualClock(DateTimeOffset.FromUnixTimeMilliseconds(Now)),
            TextWriter.Null);

        await Assert.ThrowsAsync<InvalidEventException>(() => handler.HandleAsync(LambdaRig.AsStream(json), CancellationToken.None));
    }

    [Fact]
    public void SampleEvent_IsARentalShortenedToNow()
    {
        var evt = System.Text.Json.JsonSerializer.Deserialize(LambdaRig.SampleEvent("rental-change.json"), LiveDisconnectJsonContext.Default.RentalStreamEvent)!;

        Assert.Equal(["4c8e2a1f-renter-0001"], RentalChangeHandler.AffectedRenters(Assert.Single(evt.Records!), Now));
    }
}
