using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using MQTTnet;
using Tracker.Cloud.Local.Options;
using Tracker.Cloud.Local.Security;
using Tracker.Core.Fixes;
using Tracker.Core.Wire;
using Tracker.HostLink;
using Tracker.Provisioning.Bundles;

namespace Tracker.Cloud.Local.Tests.Host;

/// <summary>
/// The local host started in process on free loopback ports, in a temporary data folder, with no simulated cars: the
/// tests play the cars (MqttNetLink with provisioned certificates) and the browsers (MQTTnet over WebSocket) themselves.
/// Stopped and deleted at the end.
/// </summary>
public sealed class LocalHostFixture : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "tracker-local-test-" + Guid.NewGuid().ToString("N")[..8]);

    public LocalFleetHost Host { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public string DataDirectory => _data;

    public async Task InitializeAsync()
    {
        // The seeded rentals: renter1 rents car-0001 now, renter2 car-0002 now, renter3 car-0003 from tomorrow.
        Host = await StartAsync(_data, cars: 0);
        Http = new HttpClient { BaseAddress = Host.HttpUrl, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Host.StopAsync();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public static Task<LocalFleetHost> StartAsync(string data, int cars, int livePeriodMs = 1000, Uri? dynamoDbUrl = null, TimeProvider? clock = null, Func<Tracker.Cloud.Core.Storage.IFixStore, Tracker.Cloud.Core.Storage.IFixStore>? ingestStore = null) =>
        LocalFleetHost.StartAsync(
            new LocalOptions
            {
                DataDirectory = data, HttpPort = 0, MqttPort = 0, Cars = cars, ProgressInterval = TimeSpan.Zero, LivePeriodMs = livePeriodMs, DrainTimeout = TimeSpan.FromSeconds(30),
                Store = dynamoDbUrl is null ? StoreKind.Sqlite : StoreKind.DynamoDb, DynamoDbUrl = dynamoDbUrl,
            },
            logging => logging.SetMinimumLevel(LogLevel.Warning),
            kdfIterations: 1000,
            clock: clock,
            ingestStore: ingestStore);

    /// <summary>Starts a host whose ingest store a test can stall (<see cref="StallingFixStore"/>), to saturate it at will.</summary>
    /// <param name="data">The data folder.</param>
    /// <param name="cars">Simulated cars.</param>
    /// <returns>The host and its store.</returns>
    public static async Task<(LocalFleetHost Host, StallingFixStore Store)> StartStallableAsync(string data, int cars)
    {
        StallingFixStore? stalling = null;
        LocalFleetHost host = await StartAsync(data, cars, ingestStore: store => stalling = new StallingFixStore(store));
        return (host, stalling!);
    }

    /// <summary>The helpers over a host a test started itself (another store, another clock); the test stops it and disposes <see cref="Http"/>.</summary>
    /// <param name="host">The running host.</param>
    /// <returns>The helpers.</returns>
    public static LocalHostFixture Over(LocalFleetHost host) => new() { Host = host, Http = new HttpClient { BaseAddress = host.HttpUrl, Timeout = TimeSpan.FromSeconds(30) } };

    /// <summary>A provisioned car's link to the broker (the same one the simulated fleet uses).</summary>
    public MqttNetLink CarLink(string carId)
    {
        DeviceBundle bundle = Host.Pki.EnsureCar(carId, Host.MqttPort);
        return new MqttNetLink(MqttNetLinkOptions.FromPemFiles(
            "127.0.0.1", Host.MqttPort, bundle.PathOf(BundleFiles.CertificatePem), bundle.PathOf(BundleFiles.KeyPem), bundle.PathOf(BundleFiles.RootCaPem), "localhost"));
    }

    public async Task<string> LoginAsync(string user)
    {
        string password = Host.Users.All.Single(u => u.User == user).Password;
        HttpResponseMessage response = await Http.PostAsJsonAsync("/auth/login", new { user, password });
        response.EnsureSuccessStatusCode();
        JsonNode body = (await response.Content.ReadFromJsonAsync<JsonNode>())!;
        return (string)body["token"]!;
    }

    public Task<(int Status, JsonNode? Body)> GetAsync(string path, string? token) => SendAsync(HttpMethod.Get, path, token, null);

    /// <summary>One API request as an operator or renter would send it; the body read as JSON, or null when it is empty or not JSON.</summary>
    public async Task<(int Status, JsonNode? Body)> SendAsync(HttpMethod method, string path, string? token, string? json)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        }

        if (token is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        using HttpResponseMessage response = await Http.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        JsonNode? body = null;
        try
        {
            body = text.Length == 0 ? null : JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
        }

        return ((int)response.StatusCode, body);
    }

    /// <summary>A browser-like MQTT client over the WebSocket endpoint, with a token as password.</summary>
    public async Task<(IMqttClient Client, MqttClientConnectResult Result)> ViewerAsync(string user, string? token, string? clientId = null)
    {
        IMqttClient client = new MqttClientFactory().CreateMqttClient();
        MqttClientOptions options = new MqttClientOptionsBuilder()
            .WithWebSocketServer(o => o.WithUri(new Uri(Host.HttpUrl, "/mqtt").ToString().Replace("http://", "ws://", StringComparison.Ordinal)))
            .WithClientId(clientId ?? "web-" + Guid.NewGuid().ToString("N")[..10])
            .WithCredentials(user, token ?? string.Empty)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V311)
            .WithTimeout(TimeSpan.FromSeconds(10))
            .Build();
        // MQTTnet 5 returns a refused CONNACK as a result, it does not throw.
        MqttClientConnectResult result = await client.ConnectAsync(options);
        return (client, result);
    }

    /// <summary>Fixes of a short drive ending now, ~1 Hz, moving north at 10 m/s.</summary>
    public static Fix[] Drive(int count, long endMs, int lonOffsetE7 = 0)
    {
        var fixes = new Fix[count];
        long start = (endMs / 1000 * 1000) - ((count - 1) * 1000L);
        for (int i = 0; i < count; i++)
        {
            Fix f = Fix.Create(start + (i * 1000L), 395_296_000 + (i * 900), -1_198_138_000 + lonOffsetE7);
            f.Mode = FixMode.ThreeD;
            f.Quality = FixQuality.Autonomous;
            f.HdopX100 = 90;
            f.Satellites = 9;
            f.SpeedMmps = 10_000;
            f.CourseCdeg = 0;
            fixes[i] = f;
        }

        return fixes;
    }

    public static byte[] Encode(Fix[] fixes) => WireBatch.Encode(fixes);
}
