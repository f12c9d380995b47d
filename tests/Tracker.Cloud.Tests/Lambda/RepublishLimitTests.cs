using System.Text;
using System.Text.Json.Nodes;
using Tracker.Core.Fixes;
using Tracker.Core.Uplink;
using Tracker.Core.Wire;

namespace Tracker.Cloud.Tests.Lambda;

/// <summary>
/// The 128 KB limit end to end on AWS. A car's batch reaches IoT Core as one MQTT message (at most 128 KB),
/// and the fixes rule (SELECT encode(*, 'base64') AS payload, topic() AS topic, clientid() AS clientId,
/// timestamp() AS receivedAt) both invokes ingest with, and republishes for browsers, a JSON object
/// carrying the batch in base64: that republished message must fit in 128 KB as well, or the browsers
/// never see the batch. The encoder's cap, <see cref="BatchFormat.MaxBatchBytes"/>, is what makes it fit.
/// </summary>
public sealed class RepublishLimitTests
{
    [Fact]
    public async Task TheLargestBatchACarBuilds_FitsTheRepublishedJson_WithTheLongestNames_AndIsIngested()
    {
        // Fixes that differ wildly in every field cost the most bits: the encoder fills a message to its cap.
        var random = new Random(12);
        Fix[] fixes = Enumerable.Range(0, 6000).Select(i =>
        {
            Fix f = Fix.Create(LambdaRig.SampleNowMs - 3_600_000 + (i * 1000L) + random.Next(0, 900), random.Next(-900_000_000, 900_000_001), random.Next(-1_800_000_000, 1_800_000_001));
            f.AltCm = random.Next(-50_000, 900_000);
            f.SpeedMmps = random.Next(0, 80_000);
            f.CourseCdeg = random.Next(0, 36_000);
            f.HdopX100 = random.Next(50, 2_000);
            f.Satellites = random.Next(4, 30);
            f.Mode = FixMode.ThreeD;
            f.Quality = FixQuality.Autonomous;
            return f;
        }).ToArray();
        byte[] buffer = new byte[BatchFormat.MaxPayloadBytes];
        int size = new BatchEncoder().Encode(fixes, 0, fixes.Length, buffer, 0, out int written);
        Assert.InRange(size, BatchFormat.MaxBatchBytes - 256, BatchFormat.MaxBatchBytes);
        Assert.True(written < fixes.Length, "the batch was not filled to its cap");

        // The rule's output for the longest thing name and the longest rule name IoT allows, even with
        // the Basic Ingest prefix left in the topic.
        string car = "c" + new string('7', UplinkTopics.MaxThingNameLength - 1);
        string topic = "$aws/rules/" + new string('r', 128) + "/tracker/" + car + "/fixes";
        string republished = new JsonObject
        {
            ["payload"] = Convert.ToBase64String(buffer, 0, size),
            ["topic"] = topic,
            ["clientId"] = car,
            ["receivedAt"] = LambdaRig.SampleNowMs,
        }.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

        // (Relaxed escaping, as any JSON writer but a browser-safe one writes base64: '+' and '/' as themselves.)
        Assert.True(Encoding.UTF8.GetByteCount(republished) <= BatchFormat.MaxPayloadBytes, $"{Encoding.UTF8.GetByteCount(republished)} bytes");

        await using LambdaRig rig = await LambdaRig.CreateAsync();
        JsonObject summary = await rig.IngestAsync(LambdaEvents.Iot(buffer[..size], "tracker/" + car + "/fixes", car));
        Assert.Equal("stored", (string?)summary["outcome"]);
        Assert.Equal(written, (int)summary["decoded"]!);
    }

    [Fact]
    public void WithoutTheCap_ABatchOfIotsFullMessageSize_WouldNotSurviveTheRepublish()
    {
        // Why the cap is below 128 KB: base64 of a full-size message alone is a third over the limit.
        Assert.True(((BatchFormat.MaxPayloadBytes + 2) / 3 * 4) > BatchFormat.MaxPayloadBytes);
        Assert.True(((BatchFormat.MaxBatchBytes + 2) / 3 * 4) + 512 <= BatchFormat.MaxPayloadBytes);
    }
}
