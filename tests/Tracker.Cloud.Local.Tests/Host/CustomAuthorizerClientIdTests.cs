using MQTTnet;
using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Core.Storage;

namespace Tracker.Cloud.Local.Tests.Host;

/// <summary>
/// Issue 15, F4 as on AWS: with <c>--auth oidc</c> the broker asks the same live authorizer IoT Core's custom authorizer
/// runs, which refuses a client id that does not carry the caller's own owner tag (<see cref="LiveClientIds"/>), so a
/// renter cannot take a connected operator's client id and cut the operator off.
/// </summary>
public sealed class CustomAuthorizerClientIdTests(OidcHostFixture fixture) : IClassFixture<OidcHostFixture>
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    [Fact]
    public async Task Renter_WithAConnectedOperatorsClientId_IsRefused_AndTheOperatorStays()
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await fixture.Host.Rentals.PutAsync(new Rental("car-0041", "renter-f4", now - 60_000, now + 3_600_000), default);
        string operatorUrl = fixture.LiveUrl(fixture.Provider.IdToken("ops-f4", Hour, "operators"));
        string operatorsClientId = OidcHostFixture.OwnClientId(operatorUrl);
        Assert.StartsWith(LiveClientIds.PrefixOf("ops-f4"), operatorsClientId, StringComparison.Ordinal);
        var (operatorClient, connected) = await fixture.ViewerAsync(operatorUrl, operatorsClientId);
        Assert.Equal(MqttClientConnectResultCode.Success, connected.ResultCode);

        string renterUrl = fixture.LiveUrl(fixture.Provider.IdToken("renter-f4", Hour, "renters"));
        var (_, stolen) = await fixture.ViewerAsync(renterUrl, operatorsClientId);
        var (renterClient, own) = await fixture.ViewerAsync(renterUrl);

        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, stolen.ResultCode);
        Assert.Equal(MqttClientConnectResultCode.Success, own.ResultCode);
        Assert.True(operatorClient.IsConnected);
        Assert.True(await operatorClient.TryPingAsync());
        await renterClient.DisconnectAsync();
        await operatorClient.DisconnectAsync();
    }
}
