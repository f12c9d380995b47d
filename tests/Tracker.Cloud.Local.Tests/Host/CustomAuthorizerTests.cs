using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using MQTTnet;
using MQTTnet.Protocol;
using Tracker.Cloud.Core.Storage;
using Tracker.Core.Uplink;
using Tracker.HostLink;

namespace Tracker.Cloud.Local.Tests.Host;

/// <summary>
/// The host with <c>--auth oidc</c>: the API takes the provider's ID tokens as API Gateway's JWT authorizer does, and the
/// broker lets browsers in as IoT Core's custom authorizer does (name and token in the upgrade's query string, the live
/// authorizer's policy held to), with real WebSocket MQTT clients and a real JWKS over HTTP.
/// </summary>
public sealed class CustomAuthorizerTests(OidcHostFixture fixture) : IClassFixture<OidcHostFixture>
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    [Fact]
    public async Task Operator_WithTheTokenInTheUpgradeQuery_ConnectsAndReceivesTheFleet()
    {
        var (viewer, result) = await fixture.ViewerAsync(fixture.LiveUrl(fixture.Provider.IdToken("ops", Hour, "operators")));
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        var received = new ConcurrentQueue<string>();
        viewer.ApplicationMessageReceivedAsync += e =>
        {
            received.Enqueue(e.ApplicationMessage.Topic);
            return Task.CompletedTask;
        };

        MqttClientSubscribeResult sub = await viewer.SubscribeAsync("fleet/+/fixes");
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS0, sub.Items.Single().ResultCode);
        await PublishAsCarAsync("car-0031");

        await WaitUntilAsync(() => received.Contains("fleet/car-0031/fixes"));
        await viewer.DisconnectAsync();
    }

    [Fact]
    public async Task Renter_IsHeldToThePolicyOfTheirRental()
    {
        await fixture.Host.Rentals.PutAsync(new Rental("car-0032", "renter-a", Now() - 60_000, Now() + 3_600_000), default);
        var (viewer, result) = await fixture.ViewerAsync(fixture.LiveUrl(fixture.Provider.IdToken("renter-a", Hour, "renters")));
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        var received = new ConcurrentQueue<string>();
        viewer.ApplicationMessageReceivedAsync += e =>
        {
            received.Enqueue(e.ApplicationMessage.Topic);
            return Task.CompletedTask;
        };

        MqttClientSubscribeResult wildcard = await viewer.SubscribeAsync("fleet/+/fixes");
        MqttClientSubscribeResult other = await viewer.SubscribeAsync("fleet/car-0033/fixes");
        MqttClientSubscribeResult own = await viewer.SubscribeAsync("fleet/car-0032/fixes");

        // MQTT 3.1.1 has one refusal code, 0x80 (§3.9.3), which MQTTnet reports as UnspecifiedError.
        Assert.Equal(MqttClientSubscribeResultCode.UnspecifiedError, wildcard.Items.Single().ResultCode);
        Assert.Equal(MqttClientSubscribeResultCode.UnspecifiedError, other.Items.Single().ResultCode);
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS0, own.Items.Single().ResultCode);
        await PublishAsCarAsync("car-0032");
        await WaitUntilAsync(() => received.Contains("fleet/car-0032/fixes"));
        Assert.DoesNotContain("fleet/car-0033/fixes", received);
        await viewer.DisconnectAsync();
    }

    [Fact]
    public async Task RenterPublishingOutsideThePolicy_IsDisconnected()
    {
        await fixture.Host.Rentals.PutAsync(new Rental("car-0034", "renter-b", Now() - 60_000, Now() + 3_600_000), default);
        var (viewer, result) = await fixture.ViewerAsync(fixture.LiveUrl(fixture.Provider.IdToken("renter-b", Hour, "renters")));
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);

        await viewer.PublishStringAsync("tracker/car-0034/live", "120");
        Assert.True(viewer.IsConnected, "a watch request for the rented car is within the policy");
        await viewer.PublishStringAsync("tracker/car-0035/live", "120");

        await WaitUntilAsync(() => !viewer.IsConnected);
    }

    [Theory]
    [InlineData("renter-without-rental", "renters")]
    [InlineData("nobody-special")]
    public async Task CallerTheAuthorizerRefuses_GetsNotAuthorized(string sub, params string[] groups)
    {
        var (_, result) = await fixture.ViewerAsync(fixture.LiveUrl(fixture.Provider.IdToken(sub, Hour, groups)));

        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, result.ResultCode);
    }

    [Fact]
    public async Task TokenExpiringWithinFiveMinutes_IsRefused_SoTheBrowserRefreshesFirst()
    {
        var (_, result) = await fixture.ViewerAsync(fixture.LiveUrl(fixture.Provider.IdToken("ops", TimeSpan.FromMinutes(4), "operators")));

        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, result.ResultCode);
    }

    [Fact]
    public async Task ConnectionWithoutTheAuthorizersName_OrToken_OrWithABadOne_IsRefused()
    {
        string token = fixture.Provider.IdToken("ops", Hour, "operators");
        string bare = new Uri(fixture.Host.HttpUrl, "/mqtt").ToString().Replace("http://", "ws://", StringComparison.Ordinal);

        foreach (string url in new[]
        {
            bare + "?token=" + token,
            fixture.LiveUrl(token, authorizer: "someone-elses"),
            fixture.LiveUrl(null),
            fixture.LiveUrl(token[..^4] + "AAAA"),
            fixture.LiveUrl(token) + "&token=" + token,
        })
        {
            var (_, result) = await fixture.ViewerAsync(url);
            Assert.Equal(MqttClientConnectResultCode.NotAuthorized, result.ResultCode);
        }

        // A car's client id is never a browser's, even with an operator's token.
        var (_, asCar) = await fixture.ViewerAsync(fixture.LiveUrl(token), clientId: "car-0001");
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, asCar.ResultCode);
    }

    [Fact]
    public async Task DroppedViewers_AreDisconnected_AndMayConnectAgain()
    {
        string url = fixture.LiveUrl(fixture.Provider.IdToken("ops", Hour, "operators"));
        var (viewer, _) = await fixture.ViewerAsync(url);
        Assert.True(viewer.IsConnected);

        await fixture.Host.Broker.DropViewersAsync();

        await WaitUntilAsync(() => !viewer.IsConnected);
        var (again, result) = await fixture.ViewerAsync(url);
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        await again.DisconnectAsync();
    }

    [Fact]
    public async Task Api_TakesTheProvidersIdToken_AndRefusesDevTokensAndTheDevLogin()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fixture.Provider.IdToken("ops", Hour, "operators"));
        using HttpResponseMessage me = await fixture.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);

        string dev = fixture.Host.Users.Tokens.Issue("ops", Tracker.Cloud.Core.Access.Role.Operator, Hour);
        using var devRequest = new HttpRequestMessage(HttpMethod.Get, "/me");
        devRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", dev);
        using HttpResponseMessage refused = await fixture.Http.SendAsync(devRequest);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        using HttpResponseMessage login = await fixture.Http.PostAsync("/auth/login", new StringContent("{\"user\":\"ops\",\"password\":\"x\"}"));
        Assert.NotEqual(HttpStatusCode.OK, login.StatusCode);
        Assert.DoesNotContain("token", await login.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigJson_NamesTheHostedSignInAndTheAuthorizer()
    {
        JsonNode config = JsonNode.Parse(await fixture.Http.GetStringAsync("/config.json"))!;

        string issuer = fixture.Provider.Issuer.ToString().TrimEnd('/');
        Assert.Equal("oauth", (string?)config["auth"]!["mode"]);
        Assert.Equal(TestIdentityProvider.ClientId, (string?)config["auth"]!["clientId"]);
        Assert.Equal(issuer + "/oauth2/authorize", (string?)config["auth"]!["authorizeUrl"]);
        Assert.Equal(issuer + "/oauth2/token", (string?)config["auth"]!["tokenUrl"]);
        Assert.Equal(issuer + "/logout", (string?)config["auth"]!["logoutUrl"]);
        Assert.Equal("tracker-local-live", (string?)config["mqttAuthorizer"]!["name"]);
        Assert.Equal("token", (string?)config["mqttAuthorizer"]!["tokenParameter"]);
    }

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private async Task PublishAsCarAsync(string carId)
    {
        Tracker.Provisioning.Bundles.DeviceBundle bundle = fixture.Host.Pki.EnsureCar(carId, fixture.Host.MqttPort);
        using var car = new MqttNetLink(MqttNetLinkOptions.FromPemFiles(
            "127.0.0.1",
            fixture.Host.MqttPort,
            bundle.PathOf(Tracker.Provisioning.Bundles.BundleFiles.CertificatePem),
            bundle.PathOf(Tracker.Provisioning.Bundles.BundleFiles.KeyPem),
            bundle.PathOf(Tracker.Provisioning.Bundles.BundleFiles.RootCaPem),
            "localhost"));
        Assert.Equal(LinkResult.Ok, car.Connect(new MqttConnectOptions(carId, 60, null, null, true)));
        byte[] batch = LocalHostFixture.Encode(LocalHostFixture.Drive(2, Now()));
        Assert.Equal(LinkResult.Ok, car.Publish("tracker/" + carId + "/fixes", batch, 0, batch.Length, 1, out int id));
        Assert.True(await TestLinks.DeliveredAsync(car, id), "no PUBACK");
    }

    private static async Task WaitUntilAsync(Func<bool> condition) =>
        Assert.True(await Poll.UntilAsync(condition, TimeSpan.FromSeconds(15)), "timed out");
}
