using Tracker.Cloud.Notify.Channels;
using Tracker.Cloud.Notify.Outbox;

namespace Tracker.Cloud.Notify.Tests;

/// <summary>E-mail through a real SMTP server on 127.0.0.1 (aiosmtpd), read back from its maildir.</summary>
public sealed class EmailTests
{
    [FactNeeding(Part.Aiosmtpd)]
    public async Task AnEntry_IsDeliveredAsMail_WithItsDeliveryIdAsMessageId()
    {
        using var smtp = new SmtpServer();
        var sender = new EmailSender("127.0.0.1", smtp.Port, "tracker@fleet.example");
        var entry = new OutboxEntry
        {
            CarId = "car-1",
            EventId = "00000001780000000000#towing#",
            SubscriptionId = "ops-mail",
            Channel = Channel.Email,
            Target = "ops@fleet.example",
            Payload = "{\"carId\":\"car-1\",\"type\":\"towing\"}",
            Summary = "towing car-1 at 2026-05-28 20:26:40Z",
        };

        Assert.Null(await sender.SendAsync(entry, CancellationToken.None));

        Assert.True(await Poll.UntilAsync(() => smtp.Messages().Count > 0, TimeSpan.FromSeconds(10)));
        string mail = Assert.Single(smtp.Messages());
        Assert.Contains("Subject: [tracker] towing car-1 at 2026-05-28 20:26:40Z", mail, StringComparison.Ordinal);
        Assert.Contains("Message-ID: <" + entry.DeliveryId + "@tracker.local>", mail, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("To: ops@fleet.example", mail, StringComparison.Ordinal);
        Assert.Contains("\"type\":\"towing\"", mail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoServer_IsAnErrorToRetry_NotAnException()
    {
        var sender = new EmailSender("127.0.0.1", FreePort.OnLoopback(), "tracker@fleet.example");
        string? error = await sender.SendAsync(
            new OutboxEntry { CarId = "c", EventId = "e", SubscriptionId = "s", Channel = Channel.Email, Target = "ops@fleet.example", Payload = "{}" },
            CancellationToken.None);
        Assert.StartsWith("SMTP:", error, StringComparison.Ordinal);
    }
}
