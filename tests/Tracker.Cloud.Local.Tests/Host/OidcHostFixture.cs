using Microsoft.Extensions.Logging;
using MQTTnet;
using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Local.Broker;
using Tracker.Cloud.Local.Options;

namespace Tracker.Cloud.Local.Tests.Host;

/// <summary>
/// The local host with <c>--auth oidc</c> (no simulated cars) against <see cref="TestIdentityProvider"/>: the API takes
/// the provider's ID tokens, and the broker lets browsers in as IoT Core's custom authorizer does.
/// </summary>
public sealed class OidcHostFixture : IAsyncLifetime
{
    private readonly TempFolder _folder = new("tracker-local-oidc-");

    public TestIdentityProvider Provider { get; } = new();

    public LocalFleetHost Host { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = await LocalFleetHost.StartAsync(
            new LocalOptions
            {
                DataDirectory = _folder.Combine("data"), HttpPort = 0, MqttPort = 0, Cars = 0, ProgressInterval = TimeSpan.Zero,
                Auth = AuthMode.Oidc, OidcIssuer = Provider.Issuer, OidcClientId = TestIdentityProvider.ClientId,
            },
            logging => logging.SetMinimumLevel(LogLevel.Warning),
            kdfIterations: 1000);
        Http = new HttpClient { BaseAddress = Host.HttpUrl, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Host.StopAsync();
        Provider.Dispose();
        _folder.Dispose();
    }

    /// <summary>The browsers' URL: the authorizer's name and the token in the WebSocket upgrade's query string.</summary>
    public string LiveUrl(string? token, string authorizer = LocalCustomAuthorizer.AuthorizerName) =>
        new Uri(Host.HttpUrl, "/mqtt").ToString().Replace("http://", "ws://", StringComparison.Ordinal)
        + "?" + LiveCredentials.AuthorizerNameParameter + "=" + Uri.EscapeDataString(authorizer)
        + (token is null ? string.Empty : "&" + LiveCredentials.TokenParameter + "=" + Uri.EscapeDataString(token));

    /// <summary>A browser's client id for the token in <paramref name="url"/>: <c>web-{owner tag of its subject}-{random}</c> (<see cref="LiveClientIds"/>).</summary>
    public static string OwnClientId(string url)
    {
        string random = Guid.NewGuid().ToString("N")[..10];
        string? token = new Uri(url).Query.TrimStart('?').Split('&')
            .Where(p => p.StartsWith(LiveCredentials.TokenParameter + "=", StringComparison.Ordinal))
            .Select(p => Uri.UnescapeDataString(p[(LiveCredentials.TokenParameter.Length + 1)..]))
            .FirstOrDefault();
        string[] parts = token?.Split('.') ?? [];
        if (parts.Length != 3)
        {
            return "web-" + random;
        }

        try
        {
            string? subject = System.Text.Json.Nodes.JsonNode.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(parts[1]))?["sub"]?.GetValue<string>();
            return subject is null ? "web-" + random : LiveClientIds.PrefixOf(subject) + random;
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException or InvalidOperationException)
        {
            return "web-" + random;
        }
    }

    public async Task<(IMqttClient Client, MqttClientConnectResult Result)> ViewerAsync(string url, string? clientId = null)
    {
        IMqttClient client = new MqttClientFactory().CreateMqttClient();
        MqttClientOptions options = new MqttClientOptionsBuilder()
            .WithWebSocketServer(o => o.WithUri(url))
            .WithClientId(clientId ?? OwnClientId(url))
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V311)
            .WithTimeout(TimeSpan.FromSeconds(10))
            .Build();
        MqttClientConnectResult result = await client.ConnectAsync(options);
        return (client, result);
    }
}
