using System.Globalization;
using Tracker.Cloud.Local.Benchmarks.Load;
using Tracker.Cloud.Notify.Channels;

namespace Tracker.Cloud.Local.Benchmarks.Tests;

/// <summary>The bench's webhook receiver judges what reaches it as a customer's should: signature first, then the event.</summary>
public sealed class WebhookDeliveryTests
{
    private const string Secret = "bench-webhook-secret-0001";
    private const string Body = "{\"carId\":\"car-0001\",\"id\":\"overspeed-1765050000000\",\"type\":\"overspeed\",\"ts\":1765050000000,\"detectedMs\":1765050016000,\"alert\":true}";
    private static readonly long Now = 1_765_050_020_000;
    private static readonly string Stamp = (Now / 1000).ToString(CultureInfo.InvariantCulture);

    [Fact]
    public void ASignedEvent_IsRead()
    {
        Assert.True(WebhookDelivery.TryRead(Secret, "d-1", Stamp, WebhookSender.Sign(Secret, Stamp, Body), Body, Now, out WebhookDelivery? delivery, out string problem), problem);
        Assert.Equal(new WebhookDelivery("d-1", "car-0001", "overspeed-1765050000000", "overspeed", 1_765_050_000_000, 1_765_050_016_000), delivery);
    }

    [Theory]
    [InlineData("another-secret-of-16+", null, null)]
    [InlineData(null, "1765050020", null)] // signed at another time than it says
    [InlineData(null, null, "{\"carId\":\"car-0002\"}")] // the body changed after signing
    public void AForgedOrAlteredDelivery_IsRefusedForItsSignature(string? signingSecret, string? claimedStamp, string? sentBody)
    {
        string signature = WebhookSender.Sign(signingSecret ?? Secret, Stamp, Body);

        Assert.False(WebhookDelivery.TryRead(Secret, "d-1", claimedStamp == "1765050020" ? "1765050019" : Stamp, signature, sentBody ?? Body, Now, out WebhookDelivery? delivery, out string problem));
        Assert.Null(delivery);
        Assert.StartsWith("signature", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void AnOldSignedDelivery_IsRefusedAsAReplay()
    {
        string old = ((Now / 1000) - 600).ToString(CultureInfo.InvariantCulture);

        Assert.False(WebhookDelivery.TryRead(Secret, "d-1", old, WebhookSender.Sign(Secret, old, Body), Body, Now, out _, out string problem));
        Assert.Contains("replay", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "sha256=00", "X-Tracker-Timestamp")]
    [InlineData("", "sha256=00", "X-Tracker-Timestamp")]
    [InlineData("17650500x0", "sha256=00", "Unix seconds")]
    [InlineData("-1765050020", "sha256=00", "Unix seconds")]
    [InlineData("99999999999999999999", "sha256=00", "Unix seconds")]
    [InlineData("1765050020", null, "X-Tracker-Signature")]
    [InlineData("1765050020", "sha256=zz", "does not match")]
    [InlineData("1765050020", "sha256=ÿÿ", "does not match")]
    public void BrokenSignatureHeaders_AreRefusedWithTheReason(string? stamp, string? signature, string reason)
    {
        Assert.False(WebhookDelivery.TryRead(Secret, "d-1", stamp, signature, Body, Now, out WebhookDelivery? delivery, out string problem));
        Assert.Null(delivery);
        Assert.Contains(reason, problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("{\"carId\":\"car-0001\"}")]
    [InlineData("{\"carId\":\"car-0001\",\"id\":\"x\",\"type\":\"overspeed\",\"ts\":\"soon\",\"detectedMs\":1}")]
    [InlineData("{\"carId\":\"car-0001\",\"id\":\"x\",\"type\":\"overspeed\",\"ts\":1.5,\"detectedMs\":1}")]
    [InlineData("{\"carId\":\"car-0001\",\"id\":\"x\",\"type\":\"overspeed\",\"ts\":-5,\"detectedMs\":1}")]
    [InlineData("{\"carId\":7,\"id\":\"x\",\"type\":\"overspeed\",\"ts\":1,\"detectedMs\":1}")]
    [InlineData("{\"a\":[[[[[[[[[[[[1]]]]]]]]]]]]}")]
    public void ASignedBodyThatIsNotAnEvent_IsRefusedAndNotCounted(string body)
    {
        Assert.False(WebhookDelivery.TryRead(Secret, "d-1", Stamp, WebhookSender.Sign(Secret, Stamp, body), body, Now, out WebhookDelivery? delivery, out string problem));
        Assert.Null(delivery);
        Assert.Contains("body", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void GarbageOfEveryKind_NeverThrowsAndIsNeverAccepted()
    {
        var random = new Random(16);
        for (int i = 0; i < 2000; i++)
        {
            string body = RandomText(random, random.Next(0, 300));
            string stamp = random.Next(3) == 0 ? Stamp : RandomText(random, random.Next(0, 14));
            string? signature = random.Next(4) == 0 ? WebhookSender.Sign(Secret, stamp, body) : RandomText(random, random.Next(0, 80));
            string? delivery = random.Next(5) == 0 ? null : RandomText(random, random.Next(0, 250));

            bool accepted = WebhookDelivery.TryRead(Secret, delivery, stamp, signature, body, Now, out WebhookDelivery? read, out string problem);

            Assert.False(accepted && read is null);
            Assert.True(accepted || problem.Length > 0);
            Assert.False(accepted, "garbage accepted: " + body);
        }

        // Truncations of a valid signed event, each signed as sent: none is an event.
        for (int cut = 0; cut < Body.Length; cut++)
        {
            string part = Body[..cut];
            Assert.False(WebhookDelivery.TryRead(Secret, "d-1", Stamp, WebhookSender.Sign(Secret, Stamp, part), part, Now, out _, out _), part);
        }
    }

    [Fact]
    public void ABodyOverTheLimit_IsRefused()
    {
        string body = "{\"pad\":\"" + new string('x', WebhookDelivery.MaxBodyBytes) + "\"}";

        Assert.False(WebhookDelivery.TryRead(Secret, "d-1", Stamp, WebhookSender.Sign(Secret, Stamp, body), body, Now, out _, out string problem));
        Assert.Contains("larger", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void TheDecidingBatch_IsTheCarsLastPublishAtOrBeforeTheBrokersReceipt()
    {
        var publishes = new CarPublishes();
        publishes.Add("car-0001", 1000);
        publishes.Add("car-0001", 6000);
        publishes.Add("car-0001", 3000); // out of order across threads: still found in time order
        publishes.Add("car-0002", 5000);

        Assert.Null(publishes.LastAtOrBefore("car-0001", 999));
        Assert.Equal(1000, publishes.LastAtOrBefore("car-0001", 1000));
        Assert.Equal(3000, publishes.LastAtOrBefore("car-0001", 5999));
        Assert.Equal(6000, publishes.LastAtOrBefore("car-0001", 60_000));
        Assert.Null(publishes.LastAtOrBefore("car-0003", 60_000));
    }

    [Fact]
    public void TheReport_CountsOnceTwiceNeverAndUnexpected_AndTimesTheFirstArrival()
    {
        var publishes = new CarPublishes();
        publishes.Add("car-0001", 10_000);
        publishes.Add("car-0002", 20_000);
        (WebhookDelivery, long)[] received =
        [
            (new WebhookDelivery("a", "car-0001", "e1", "overspeed", 9_000, 10_010), 10_050),
            (new WebhookDelivery("b", "car-0002", "e2", "overspeed", 19_000, 20_020), 20_300),
            (new WebhookDelivery("b", "car-0002", "e2", "overspeed", 19_000, 20_020), 22_300),
            (new WebhookDelivery("c", "car-0003", "e9", "overspeed", 19_000, 20_020), 22_300),
        ];
        HashSet<(string, string)> expected = [("car-0001", "e1"), ("car-0002", "e2"), ("car-0002", "e3")];

        var report = WebhookLatencyReport.Of(received, expected, new Dictionary<string, int>(), publishes, 0, 100_000);

        Assert.Equal((3, 1, 1, 1, 1), (report.Expected, report.DeliveredOnce, report.DeliveredTwiceOrMore, report.Missing, report.Unexpected));
        Assert.False(report.AllOnce);
        Assert.Equal(2, report.Timed);
        Assert.Equal(1, report.Unmatched); // car-0003 never published
        Assert.Equal([50, 300, 300], report.PublishToWebhook);
        Assert.Equal([10, 20, 20], report.PublishToReceipt);
    }

    private static string RandomText(Random random, int length)
    {
        const string Alphabet = "{}[]\":,0123456789abcdefxyz-=. \\\u00ff\u20ac";
        return string.Create(length, random, (span, r) =>
        {
            for (int i = 0; i < span.Length; i++)
            {
                span[i] = Alphabet[r.Next(Alphabet.Length)];
            }
        });
    }
}
