using System.Net;
using Tracker.Cloud.Notify.Subscriptions;

namespace Tracker.Cloud.Notify.Tests;

public sealed class SubscriptionValidatorTests
{
    private static readonly Subscription Hook = new() { Id = "ops", Name = "Ops", WebhookUrl = new Uri("https://hooks.example.com/tracker"), WebhookSecret = "0123456789abcdef" };

    [Fact]
    public void AWebhookOrAnEmail_IsAccepted()
    {
        Assert.Null(SubscriptionValidator.Problem(Hook, WebhookTargetPolicy.Public));
        Assert.Null(SubscriptionValidator.Problem(new Subscription { Id = "mail", Name = "Mail", Email = "ops@example.com" }, WebhookTargetPolicy.Public));
    }

    [Theory]
    [InlineData("http://hooks.example.com/x", "must be https")]
    [InlineData("https://127.0.0.1/x", "loopback, private or link-local")]
    [InlineData("https://10.1.2.3/x", "loopback, private or link-local")]
    [InlineData("https://172.20.0.1/x", "loopback, private or link-local")]
    [InlineData("https://192.168.1.1/x", "loopback, private or link-local")]
    [InlineData("https://169.254.169.254/latest/meta-data", "loopback, private or link-local")]
    [InlineData("https://100.64.0.1/x", "loopback, private or link-local")]
    [InlineData("https://[::1]/x", "loopback, private or link-local")]
    [InlineData("https://[fd00::1]/x", "loopback, private or link-local")]
    [InlineData("https://[::ffff:127.0.0.1]/x", "loopback, private or link-local")]
    [InlineData("https://localhost/x", "this machine or a private network")]
    [InlineData("https://metadata.google.internal/x", "this machine or a private network")]
    [InlineData("https://intranet/x", "this machine or a private network")]
    [InlineData("https://user:pw@hooks.example.com/x", "user name or password")]
    [InlineData("ftp://hooks.example.com/x", "must be https")]
    public void OnAws_WebhooksToLoopbackPrivateOrNonHttps_AreRefused(string url, string reason)
    {
        Assert.Contains(reason, SubscriptionValidator.Problem(Hook with { WebhookUrl = new Uri(url) }, WebhookTargetPolicy.Public), StringComparison.Ordinal);
    }

    [Fact]
    public void Locally_AWebhookOnLoopback_IsAllowed()
    {
        Assert.Null(SubscriptionValidator.Problem(Hook with { WebhookUrl = new Uri("http://127.0.0.1:8080/hook") }, WebhookTargetPolicy.Local));
    }

    [Theory]
    [InlineData("short", null, "secret of 16 to 256")]
    [InlineData("0123456789abcdef", "not an address", "one plain address")]
    [InlineData("0123456789abcdef", "Ops <ops@example.com>", "one plain address")]
    public void BadSecretsAndAddresses_AreRefused(string secret, string? email, string reason)
    {
        Assert.Contains(reason, SubscriptionValidator.Problem(Hook with { WebhookSecret = secret, Email = email }, WebhookTargetPolicy.Public), StringComparison.Ordinal);
    }

    [Fact]
    public void NoChannel_OrABadId_IsRefused()
    {
        Assert.Contains("webhook, an e-mail", SubscriptionValidator.Problem(new Subscription { Id = "x", Name = "X" }, WebhookTargetPolicy.Public), StringComparison.Ordinal);
        Assert.Contains("id must be", SubscriptionValidator.Problem(Hook with { Id = "a b" }, WebhookTargetPolicy.Public), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("8.8.8.8", true)]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.0.0.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("::1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("2001:4860:4860::8888", true)]
    public void ResolvedAddresses_AreJudgedAtConnectTime(string address, bool allowed)
    {
        Assert.Equal(allowed, WebhookTargetPolicy.Public.IsAllowed(IPAddress.Parse(address)));
    }
}
