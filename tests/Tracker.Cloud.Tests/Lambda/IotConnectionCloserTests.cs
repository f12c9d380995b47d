using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime;
using Tracker.Cloud.Lambda.Live;
using Tracker.Cloud.Tests.Core;

namespace Tracker.Cloud.Tests.Lambda;

/// <summary>
/// IoT DeleteConnection, sent to a loopback HTTP server that reads the request as IoT Core would: its method, path,
/// query and headers, and its SigV4 signature recomputed here from the AWS documentation's steps (not with the SDK
/// that made it), so a wrong canonical request or scope fails the test.
/// </summary>
public sealed class IotConnectionCloserTests
{
    private const string Region = "eu-west-1";
    private const string KeyId = "AKIDEXAMPLE";
    private const string Secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 16, 20, 5, TimeSpan.Zero);

    [Fact]
    public async Task DeleteConnection_SendsASignedDeleteForTheClient_AndReportsItClosed()
    {
        await using var iot = new OneRequestServer(HttpStatusCode.OK, "{}");
        IotConnectionCloser closer = Closer(iot.Endpoint, new ImmutableCredentials(KeyId, Secret, "session-token-1"));

        bool closed = await closer.DeleteConnectionAsync("web-0a1b2c3d", CancellationToken.None);

        Assert.True(closed);
        ReceivedRequest request = await iot.Request;
        Assert.Equal("DELETE", request.Method);
        Assert.Equal("/connections/web-0a1b2c3d?cleanSession=true&preventWillMessage=true", request.Target);
        Assert.Equal("20261206T162005Z", request.Headers["x-amz-date"]);
        Assert.Equal("session-token-1", request.Headers["x-amz-security-token"]);
        Assert.Equal(ExpectedAuthorization(request, "host;x-amz-date;x-amz-security-token"), request.Headers["authorization"]);
    }

    [Fact]
    public async Task DeleteConnection_WithoutASessionToken_SignsHostAndDateOnly()
    {
        await using var iot = new OneRequestServer(HttpStatusCode.OK, "{}");

        await Closer(iot.Endpoint, new ImmutableCredentials(KeyId, Secret, string.Empty)).DeleteConnectionAsync("web-x", CancellationToken.None);

        ReceivedRequest request = await iot.Request;
        Assert.False(request.Headers.ContainsKey("x-amz-security-token"));
        Assert.Equal(ExpectedAuthorization(request, "host;x-amz-date"), request.Headers["authorization"]);
    }

    [Fact]
    public async Task AClientThatIsNotConnected_IsNotAnError()
    {
        await using var iot = new OneRequestServer(HttpStatusCode.NotFound, "{\"message\":\"No connection found\"}");

        Assert.False(await Closer(iot.Endpoint, Credentials()).DeleteConnectionAsync("web-gone", CancellationToken.None));
    }

    [Fact]
    public async Task ARefusal_NamesItsStatusAndMessage()
    {
        await using var iot = new OneRequestServer(HttpStatusCode.Forbidden, "{\"message\":\"not authorized to perform iot:DeleteConnection\"}");

        IotDataPlaneException e = await Assert.ThrowsAsync<IotDataPlaneException>(
            () => Closer(iot.Endpoint, Credentials()).DeleteConnectionAsync("web-1", CancellationToken.None));

        Assert.Equal(HttpStatusCode.Forbidden, e.Status);
        Assert.Contains("iot:DeleteConnection", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("car-0001")]
    [InlineData("web-")]
    [InlineData("web-a/b")]
    [InlineData("$aws")]
    [InlineData("")]
    public async Task OnlyABrowsersClientId_IsEverSent(string clientId)
    {
        await using var iot = new OneRequestServer(HttpStatusCode.OK, "{}");

        await Assert.ThrowsAsync<ArgumentException>(() => Closer(iot.Endpoint, Credentials()).DeleteConnectionAsync(clientId, CancellationToken.None));
        Assert.False(iot.Request.IsCompleted);
    }

    private static ImmutableCredentials Credentials() => new(KeyId, Secret, string.Empty);

    private static IotConnectionCloser Closer(Uri endpoint, ImmutableCredentials credentials) =>
        new(new HttpClient { Timeout = TimeSpan.FromSeconds(10) }, endpoint, Region, () => credentials, new ManualClock(Now));

    /// <summary>SigV4 by its documented steps: canonical request, string to sign, derived key, HMAC.</summary>
    private static string ExpectedAuthorization(ReceivedRequest request, string signedHeaders)
    {
        int q = request.Target.IndexOf('?', StringComparison.Ordinal);
        string canonicalHeaders = string.Concat(signedHeaders.Split(';').Select(h => h + ":" + request.Headers[h].Trim() + "\n"));
        string canonical = request.Method + "\n" + request.Target[..q] + "\n" + request.Target[(q + 1)..] + "\n" + canonicalHeaders + "\n"
            + signedHeaders + "\n" + Hex(SHA256.HashData([]));
        string date = request.Headers["x-amz-date"];
        string scope = date[..8] + "/" + Region + "/iotdata/aws4_request";
        string toSign = "AWS4-HMAC-SHA256\n" + date + "\n" + scope + "\n" + Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
        byte[] key = Encoding.UTF8.GetBytes("AWS4" + Secret);
        foreach (string part in new[] { date[..8], Region, "iotdata", "aws4_request" })
        {
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        }

        string signature = Hex(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(toSign)));
        return "AWS4-HMAC-SHA256 Credential=" + KeyId + "/" + scope + ", SignedHeaders=" + signedHeaders + ", Signature=" + signature;
    }

    private static string Hex(byte[] bytes) => Convert.ToHexString(bytes).ToLowerInvariant();

    private sealed record ReceivedRequest(string Method, string Target, Dictionary<string, string> Headers);

    /// <summary>Answers one HTTP/1.1 request on 127.0.0.1 (a free port), then stops; gives up after 10 s.</summary>
    private sealed class OneRequestServer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new(TimeSpan.FromSeconds(10));

        public OneRequestServer(HttpStatusCode status, string body)
        {
            _listener.Start();
            Endpoint = new Uri("http://127.0.0.1:" + ((IPEndPoint)_listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture));
            Request = ServeAsync(status, body);
        }

        public Uri Endpoint { get; }

        public Task<ReceivedRequest> Request { get; }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await Task.WhenAny(Request);
            _stop.Dispose();
        }

        private async Task<ReceivedRequest> ServeAsync(HttpStatusCode status, string body)
        {
            using TcpClient client = await _listener.AcceptTcpClientAsync(_stop.Token);
            NetworkStream stream = client.GetStream();
            var head = new StringBuilder();
            var buffer = new byte[4096];
            while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal) && head.Length < 65536)
            {
                int read = await stream.ReadAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    break;
                }

                head.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }

            string[] lines = head.ToString().Split("\r\n");
            string[] first = lines[0].Split(' ');
            var headers = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (string line in lines.Skip(1).TakeWhile(l => l.Length > 0))
            {
                int colon = line.IndexOf(':', StringComparison.Ordinal);
                headers[line[..colon].Trim().ToLowerInvariant()] = line[(colon + 1)..].Trim();
            }

            byte[] payload = Encoding.UTF8.GetBytes(body);
            string response = "HTTP/1.1 " + (int)status + " " + status + "\r\nContent-Type: application/json\r\nContent-Length: "
                + payload.Length.ToString(CultureInfo.InvariantCulture) + "\r\nConnection: close\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(response), _stop.Token);
            await stream.WriteAsync(payload, _stop.Token);
            return new ReceivedRequest(first[0], first[1], headers);
        }
    }
}
