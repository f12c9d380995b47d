using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Tracker.Cloud.Derive.Events;
using Tracker.Cloud.Lambda.Functions;
using Tracker.Cloud.Lambda.Live;
using Tracker.Cloud.Testing;
using Tracker.Cloud.Tests.Core;

namespace Tracker.Cloud.Tests.Lambda;

/// <summary>
/// The live event feed's IoT Publish, sent to the loopback data plane: the request's shape (POST, the topic URI-encoded,
/// qos=1, the API's JSON or the withdrawal), its SigV4 signature recomputed here from the documented steps (the canonical
/// path double-encoded, the body's hash), and a failure that is logged and counted, never thrown.
/// </summary>
public sealed class IotEventPublisherTests
{
    private const string Region = "eu-west-1";
    private const string KeyId = "AKIDEXAMPLE";
    private const string Secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private const long T0 = 1_796_000_000_000;
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 16, 20, 5, TimeSpan.Zero);

    [Fact]
    public async Task AStoredEvent_IsPostedSigned_ToTheCarsEventsTopic_AsTheApisJson()
    {
        await using var iot = new LoopbackIotDataPlane();
        var log = new StringWriter();
        var e = new FleetEvent { CarId = "car-0042", Type = EventType.IgnitionOff, EpisodeStartMs = T0, DecidedTs = T0 };

        int failed = await Publisher(iot.Endpoint, log).PublishAsync([e], [], CancellationToken.None);

        Assert.Equal(0, failed);
        Assert.Equal("POST /topics/fleet%2Fcar-0042%2Fevents?qos=1", Assert.Single(iot.Requests));
        (string topic, string body) = Assert.Single(iot.Published);
        Assert.Equal("fleet/car-0042/events", topic);
        Assert.Equal(Tracker.Cloud.Derive.Api.EventJson.ToJson(new Tracker.Cloud.Derive.Storage.StoredEvent(e, false, null, null)), body);
        JsonObject json = JsonNode.Parse(body)!.AsObject();
        Assert.Equal("car-0042", (string?)json["carId"]);
        Assert.Equal(e.Key.Id, (string?)json["id"]);
        string host = "127.0.0.1:" + iot.Endpoint.Port;
        Assert.Equal(ExpectedAuthorization("POST", "/topics/fleet%252Fcar-0042%252Fevents", "qos=1", host, Encoding.UTF8.GetBytes(body)), Assert.Single(iot.Authorizations));
        Assert.Equal(string.Empty, log.ToString());
    }

    [Fact]
    public async Task AWithdrawal_IsPostedAsCarIdIdAndWithdrawn()
    {
        await using var iot = new LoopbackIotDataPlane();
        var key = new EventKey("car-7", EventType.Towing, T0, string.Empty);

        Assert.Equal(0, await Publisher(iot.Endpoint, new StringWriter()).PublishAsync([], [key], CancellationToken.None));

        (string topic, string body) = Assert.Single(iot.Published);
        Assert.Equal("fleet/car-7/events", topic);
        Assert.Equal("{\"carId\":\"car-7\",\"id\":\"" + key.Id + "\",\"withdrawn\":true}", body);
    }

    [Theory]
    [InlineData(HttpStatusCode.Forbidden)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.InternalServerError)]
    public async Task ARefusedPublish_IsLoggedWithAMetric_AndNeverThrown(HttpStatusCode refusal)
    {
        await using var iot = new LoopbackIotDataPlane { FailWith = refusal };
        var log = new StringWriter();
        var e = new FleetEvent { CarId = "car-1", Type = EventType.Towing, EpisodeStartMs = T0 };

        int failed = await Publisher(iot.Endpoint, log).PublishAsync([e, e with { EpisodeStartMs = T0 + 1 }], [], CancellationToken.None);

        Assert.Equal(2, failed);
        Assert.Equal(2, iot.Requests.Count); // each tried once, none retried
        string[] lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        JsonObject line = JsonNode.Parse(lines[0])!.AsObject();
        Assert.Equal(1, (int)line[IotEventPublisher.MetricFailed]!);
        Assert.Equal("Tracker/test", (string?)line["_aws"]!["CloudWatchMetrics"]![0]!["Namespace"]);
        Assert.Contains(((int)refusal).ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)line["eventPublishFailed"]!["error"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnreachableEndpoint_IsLogged_NotThrown()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // nothing listens there now
        var log = new StringWriter();

        int failed = await Publisher(new Uri("http://127.0.0.1:" + port), log)
            .PublishAsync([], [new EventKey("car-1", EventType.Towing, T0, string.Empty)], CancellationToken.None);

        Assert.Equal(1, failed);
        Assert.Contains("eventPublishFailed", log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void TheFeed_IsOffWithoutTheEndpoint_AndAMalformedEndpointFailsTheStart()
    {
        Assert.Null(LiveEventFeed.FromEnvironment(_ => null, TextWriter.Null));
        var bad = new Dictionary<string, string> { [LiveDisconnectSettings.IotDataEndpointVariable] = "https://x.example.com/path", [LiveDisconnectSettings.RegionVariable] = Region };
        InvalidOperationException e = Assert.Throws<InvalidOperationException>(() => LiveEventFeed.FromEnvironment(bad.GetValueOrDefault, TextWriter.Null));
        Assert.Contains(LiveDisconnectSettings.IotDataEndpointVariable, e.Message, StringComparison.Ordinal);
        var noRegion = new Dictionary<string, string> { [LiveDisconnectSettings.IotDataEndpointVariable] = "https://x-ats.iot.eu-west-1.amazonaws.com" };
        Assert.Throws<InvalidOperationException>(() => LiveEventFeed.FromEnvironment(noRegion.GetValueOrDefault, TextWriter.Null));
    }

    private static IotEventPublisher Publisher(Uri endpoint, TextWriter log) =>
        new(new HttpClient { Timeout = TimeSpan.FromSeconds(10) }, new IotDataPlaneSigner(endpoint, Region, () => new ImmutableCredentials(KeyId, Secret, string.Empty), new ManualClock(Now)), log, "Tracker/test");

    /// <summary>SigV4 by its documented steps; no session token, so host and date are signed.</summary>
    private static string ExpectedAuthorization(string method, string canonicalPath, string query, string host, byte[] body)
    {
        const string Date = "20261206T162005Z";
        string canonical = method + "\n" + canonicalPath + "\n" + query + "\nhost:" + host + "\nx-amz-date:" + Date + "\n\nhost;x-amz-date\n" + Hex(SHA256.HashData(body));
        string scope = Date[..8] + "/" + Region + "/iotdata/aws4_request";
        string toSign = "AWS4-HMAC-SHA256\n" + Date + "\n" + scope + "\n" + Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
        byte[] key = Encoding.UTF8.GetBytes("AWS4" + Secret);
        foreach (string part in new[] { Date[..8], Region, "iotdata", "aws4_request" })
        {
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        }

        return "AWS4-HMAC-SHA256 Credential=" + KeyId + "/" + scope + ", SignedHeaders=host;x-amz-date, Signature=" + Hex(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(toSign)));
    }

    private static string Hex(byte[] bytes) => Convert.ToHexString(bytes).ToLowerInvariant();
}
