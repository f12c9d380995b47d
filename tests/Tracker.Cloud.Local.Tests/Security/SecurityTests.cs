using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using MQTTnet;
using MQTTnet.Protocol;
using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Local.Broker;
using Tracker.Cloud.Local.Security;
using Tracker.Cloud.Local.Tests.Host;
using Tracker.Provisioning.Bundles;

namespace Tracker.Cloud.Local.Tests.Security;

/// <summary>
/// Issue 15's attacks, each made as the hostile neighbour made it, against the host's own listeners over loopback, and
/// each now refused: oversized messages (F1), a client id taken from another user (F4), a rental ended under a live
/// subscription (F5), binds (F3), password storage (F7) and password guessing (F8). Bounded: no test waits more than
/// seconds, and every server stops with its fixture. The flood (F2) and file modes (F6) run through the built
/// executable in <see cref="SecurityEntryPointTests"/>.
/// </summary>
public sealed class SecurityTests(LocalHostFixture fixture) : IClassFixture<LocalHostFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    [Theory]
    [InlineData(200 * 1024)]
    [InlineData(10 * 1024 * 1024)]
    public async Task F1_OversizedStatusFromACar_IsNeitherForwardedNorRetained_AndTheCarIsDisconnected(int size)
    {
        string car = size > 1_000_000 ? "car-0041" : "car-0042";
        var (viewer, seen) = await OperatorWatchingAsync("fleet/" + car + "/status");
        using IMqttClient viewerClient = viewer;
        using IMqttClient attacker = await CarClientAsync(car);

        try
        {
            await attacker.PublishBinaryAsync("tracker/" + car + "/status", new byte[size], MqttQualityOfServiceLevel.AtLeastOnce);
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or ObjectDisposedException)
        {
            // The broker closed the connection under the publish: that is the refusal.
        }

        await WaitUntilAsync(() => !attacker.IsConnected);
        await Task.Delay(300);
        Assert.DoesNotContain(seen, m => m.Length > BrokerLimits.MaxMessageBytes);

        // A new operator gets no oversized retained status either.
        var (late, lateSeen) = await OperatorWatchingAsync("fleet/" + car + "/status");
        using IMqttClient lateClient = late;
        await Task.Delay(300);
        Assert.DoesNotContain(lateSeen, m => m.Length > BrokerLimits.MaxMessageBytes);
        Assert.True(fixture.Host.Metrics.Refused.GetValueOrDefault("message-size") + fixture.Host.Metrics.Refused.GetValueOrDefault("packet-size") >= 1);
    }

    [Fact]
    public async Task F1_AMessageAtTheLimit_StillGoesThrough()
    {
        var (viewer, seen) = await OperatorWatchingAsync("fleet/car-0043/status");
        using IMqttClient viewerClient = viewer;
        using IMqttClient car = await CarClientAsync("car-0043");

        await car.PublishBinaryAsync("tracker/car-0043/status", new byte[BrokerLimits.MaxMessageBytes], MqttQualityOfServiceLevel.AtLeastOnce);

        await WaitUntilAsync(() => seen.Any(m => m.Length == BrokerLimits.MaxMessageBytes));
        Assert.True(car.IsConnected);
    }

    [Fact]
    public async Task F4_RenterReusingAConnectedOperatorsClientId_IsRefused_AndTheOperatorStays()
    {
        string clientId = "web-" + Guid.NewGuid().ToString("N")[..10];
        string ops = await fixture.LoginAsync("ops");
        using IMqttClient operatorClient = await ViewerAsync(ops, clientId, cleanSession: false, expect: MqttClientConnectResultCode.Success);
        await operatorClient.SubscribeAsync("fleet/#");

        string renter = await fixture.LoginAsync("renter1");
        using IMqttClient renterClient = await ViewerAsync(renter, clientId, cleanSession: false, expect: MqttClientConnectResultCode.ClientIdentifierNotValid);

        await Task.Delay(300);
        Assert.True(operatorClient.IsConnected, "the operator was pushed off by the renter's CONNECT");
        Assert.False(renterClient.IsConnected);
        Assert.True(fixture.Host.Metrics.Refused.GetValueOrDefault("viewer-client-id-taken") >= 1);
    }

    [Fact]
    public async Task F4_TheSameUser_MayTakeItsOwnClientIdAgain()
    {
        string clientId = "web-" + Guid.NewGuid().ToString("N")[..10];
        string ops = await fixture.LoginAsync("ops");
        using IMqttClient first = await ViewerAsync(ops, clientId, cleanSession: false, expect: MqttClientConnectResultCode.Success);
        using IMqttClient second = await ViewerAsync(ops, clientId, cleanSession: false, expect: MqttClientConnectResultCode.Success);

        Assert.True(second.IsConnected);
    }

    [Fact]
    public async Task F5_EndingARentalInTheStore_DisconnectsTheRentersLiveSession_AtOnce()
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var rental = new Rental("car-0044", "renter2", now - 60_000, now + 3_600_000);
        await fixture.Host.Rentals.PutAsync(rental, default);
        string token = await fixture.LoginAsync("renter2");
        using IMqttClient renter = await ViewerAsync(token, "web-" + Guid.NewGuid().ToString("N")[..10], cleanSession: true, expect: MqttClientConnectResultCode.Success);
        var seen = Collect(renter);
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS0, (await renter.SubscribeAsync("fleet/car-0044/fixes")).Items.Single().ResultCode);
        await PublishBatchAsync("car-0044");
        await WaitUntilAsync(() => seen.Any(m => m.Topic == "fleet/car-0044/fixes"));

        // renter2 also rents car-0002 (seeded): ending car-0044's rental narrows the session to car-0002.
        await fixture.Host.Rentals.PutAsync(rental with { ToMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() }, default);
        seen.Clear();
        await PublishBatchAsync("car-0044");
        await Task.Delay(500);

        Assert.DoesNotContain(seen, m => m.Topic == "fleet/car-0044/fixes");
        Assert.True(renter.IsConnected, "renter2 still rents car-0002: the session is narrowed, not ended");
        MqttClientSubscribeResult again = await renter.SubscribeAsync("fleet/car-0044/fixes");
        Assert.NotEqual(MqttClientSubscribeResultCode.GrantedQoS0, again.Items.Single().ResultCode);
    }

    [Fact]
    public async Task F5_EndingARentersLastRental_EndsTheirLiveSession()
    {
        string renterId = "renter-" + Guid.NewGuid().ToString("N")[..6];
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var rental = new Rental("car-0045", renterId, now - 60_000, now + 3_600_000);
        await fixture.Host.Rentals.PutAsync(rental, default);
        string token = fixture.Host.Users.Tokens.Issue(renterId, Tracker.Cloud.Core.Access.Role.Renter, TimeSpan.FromHours(1));
        using IMqttClient renter = await ViewerAsync(token, "web-" + Guid.NewGuid().ToString("N")[..10], cleanSession: true, expect: MqttClientConnectResultCode.Success);
        await renter.SubscribeAsync("fleet/car-0045/fixes");

        await fixture.Host.Rentals.PutAsync(rental with { ToMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() }, default);

        await WaitUntilAsync(() => !renter.IsConnected);
    }

    [Fact]
    public async Task F3_TheHostListens_OnlyOnTheAddressItWasGiven()
    {
        // The fixture binds 127.0.0.1: neither port answers on [::1] (MQTTnet's own listener also opened [::]).
        Assert.True(await AcceptsAsync(IPAddress.Loopback, fixture.Host.MqttPort));
        Assert.True(await AcceptsAsync(IPAddress.Loopback, fixture.Host.HttpUrl.Port));
        Assert.False(await AcceptsAsync(IPAddress.IPv6Loopback, fixture.Host.MqttPort));
        Assert.False(await AcceptsAsync(IPAddress.IPv6Loopback, fixture.Host.HttpUrl.Port));
    }

    [Fact]
    public async Task F3_AnIPv6Bind_ListensOnIPv6Only()
    {
        string data = Directory.CreateTempSubdirectory("tracker-bind6-").FullName;
        try
        {
            await using LocalFleetHost host = await LocalFleetHost.StartAsync(
                new Tracker.Cloud.Local.Options.LocalOptions { DataDirectory = data, BindAddress = IPAddress.IPv6Loopback, HttpPort = 0, MqttPort = 0, Cars = 0, ProgressInterval = TimeSpan.Zero },
                _ => { },
                kdfIterations: 1000);

            Assert.True(await AcceptsAsync(IPAddress.IPv6Loopback, host.MqttPort));
            Assert.True(await AcceptsAsync(IPAddress.IPv6Loopback, host.HttpUrl.Port));
            Assert.False(await AcceptsAsync(IPAddress.Loopback, host.MqttPort));
            Assert.False(await AcceptsAsync(IPAddress.Loopback, host.HttpUrl.Port));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void F7_LoginsKeepSaltedSlowHashes_AndThePasswordsApart()
    {
        string data = fixture.DataDirectory;
        string hashes = File.ReadAllText(Path.Combine(data, LocalUsers.HashesFile));
        JsonObject map = JsonNode.Parse(hashes)!.AsObject();

        foreach (LocalUser user in fixture.Host.Users.All)
        {
            Assert.DoesNotContain(user.Password, hashes, StringComparison.Ordinal);
            Assert.StartsWith("pbkdf2-sha256$", (string)map[user.User]!, StringComparison.Ordinal);
            Assert.True(PasswordHash.Verify(user.Password, (string)map[user.User]!));
        }

        Assert.NotEqual((string)map["renter1"]!, (string)map["renter2"]!);
        Assert.Equal(PrivateFiles.FileMode, File.GetUnixFileMode(Path.Combine(data, LocalUsers.HashesFile)));
        Assert.Equal(PrivateFiles.FileMode, File.GetUnixFileMode(Path.Combine(data, LocalUsers.PasswordsFile)));
    }

    [Fact]
    public void F7_APlainTextLoginsFileFromAnEarlierVersion_IsHashedOnTheNextStart()
    {
        string data = Directory.CreateTempSubdirectory("tracker-logins-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(data, LocalUsers.HashesFile), "{\"ops\":\"old-plain-password\"}");

            LocalUsers users = LocalUsers.OpenOrCreate(data, TimeProvider.System, hashIterations: 1000);

            Assert.DoesNotContain("old-plain-password", File.ReadAllText(Path.Combine(data, LocalUsers.HashesFile)), StringComparison.Ordinal);
            Assert.NotNull(users.Check("ops", "old-plain-password"));
            Assert.Null(users.Check("ops", "wrong"));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task F8_GuessingAPassword_IsSlowedDown_AndEvenTheRightOneWaits()
    {
        using HttpClient attacker = ClientFrom("127.0.0.11");
        string password = fixture.Host.Users.All.Single(u => u.User == "renter3").Password;
        var codes = new List<int>();
        for (int i = 0; i < 8; i++)
        {
            using HttpResponseMessage wrong = await attacker.PostAsJsonAsync("/auth/login", new { user = "renter3", password = "guess-" + i });
            codes.Add((int)wrong.StatusCode);
        }

        Assert.Equal(Enumerable.Repeat(401, LoginThrottle.FreeFailures + 1), codes.Take(LoginThrottle.FreeFailures + 1));
        Assert.Contains(429, codes);
        using HttpResponseMessage right = await attacker.PostAsJsonAsync("/auth/login", new { user = "renter3", password });
        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
        int retry = (int)right.Headers.RetryAfter!.Delta!.Value.TotalSeconds;
        Assert.InRange(retry, 1, (int)LoginThrottle.MaxLockout.TotalSeconds);

        await Task.Delay(TimeSpan.FromSeconds(retry + 0.5));
        using HttpResponseMessage later = await attacker.PostAsJsonAsync("/auth/login", new { user = "renter3", password });
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
    }

    [Fact]
    public async Task F8_OneAddress_IsLimitedPerMinute_AndAnotherIsNot()
    {
        using HttpClient attacker = ClientFrom("127.0.0.12");
        int throttled = 0;
        for (int i = 0; i < LoginThrottle.AttemptsPerAddressPerMinute + 5; i++)
        {
            using HttpResponseMessage r = await attacker.PostAsJsonAsync("/auth/login", new { user = "nobody-" + i, password = "x" });
            throttled += r.StatusCode == HttpStatusCode.TooManyRequests ? 1 : 0;
        }

        Assert.True(throttled >= 5, throttled + " attempts throttled");
        using HttpClient other = ClientFrom("127.0.0.13");
        string password = fixture.Host.Users.All.Single(u => u.User == "ops").Password;
        using HttpResponseMessage ok = await other.PostAsJsonAsync("/auth/login", new { user = "ops", password });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    private HttpClient ClientFrom(string source) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Parse(source), 0));
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        },
    })
    { BaseAddress = fixture.Host.HttpUrl, Timeout = TimeSpan.FromSeconds(30) };

    private static async Task<bool> AcceptsAsync(IPAddress address, int port)
    {
        using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        try
        {
            await socket.ConnectAsync(new IPEndPoint(address, port), timeout.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    private async Task<(IMqttClient Client, ConcurrentQueue<byte[]> Seen)> OperatorWatchingAsync(string filter)
    {
        string token = await fixture.LoginAsync("ops");
        IMqttClient client = await ViewerAsync(token, "web-" + Guid.NewGuid().ToString("N")[..10], cleanSession: true, expect: MqttClientConnectResultCode.Success);
        var seen = new ConcurrentQueue<byte[]>();
        client.ApplicationMessageReceivedAsync += e =>
        {
            seen.Enqueue(e.ApplicationMessage.Payload.ToArray());
            return Task.CompletedTask;
        };
        await client.SubscribeAsync(filter);
        return (client, seen);
    }

    private static ConcurrentQueue<(string Topic, byte[] Payload)> Collect(IMqttClient client)
    {
        var seen = new ConcurrentQueue<(string, byte[])>();
        client.ApplicationMessageReceivedAsync += e =>
        {
            seen.Enqueue((e.ApplicationMessage.Topic, e.ApplicationMessage.Payload.ToArray()));
            return Task.CompletedTask;
        };
        return seen;
    }

    private async Task<IMqttClient> ViewerAsync(string token, string clientId, bool cleanSession, MqttClientConnectResultCode expect)
    {
        IMqttClient client = new MqttClientFactory().CreateMqttClient();
        MqttClientOptions options = new MqttClientOptionsBuilder()
            .WithWebSocketServer(o => o.WithUri(new Uri(fixture.Host.HttpUrl, "/mqtt").ToString().Replace("http://", "ws://", StringComparison.Ordinal)))
            .WithClientId(clientId)
            .WithCredentials("user", token)
            .WithCleanSession(cleanSession)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V311)
            .WithTimeout(TimeSpan.FromSeconds(10))
            .Build();
        MqttClientConnectResult result = await client.ConnectAsync(options);
        Assert.Equal(expect, result.ResultCode);
        return client;
    }

    private async Task<IMqttClient> CarClientAsync(string carId)
    {
        DeviceBundle bundle = fixture.Host.Pki.EnsureCar(carId, fixture.Host.MqttPort);
        using X509Certificate2 pem = X509Certificate2.CreateFromPemFile(bundle.PathOf(BundleFiles.CertificatePem), bundle.PathOf(BundleFiles.KeyPem));
        X509Certificate2 certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        IMqttClient client = new MqttClientFactory().CreateMqttClient();
        MqttClientOptions options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", fixture.Host.MqttPort)
            .WithClientId(carId)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V311)
            .WithTlsOptions(o => o.UseTls().WithTargetHost("localhost").WithClientCertificates([certificate]).WithCertificateValidationHandler(_ => true))
            .WithTimeout(TimeSpan.FromSeconds(10))
            .Build();
        MqttClientConnectResult result = await client.ConnectAsync(options);
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        return client;
    }

    private async Task PublishBatchAsync(string carId)
    {
        using IMqttClient car = await CarClientAsync(carId);
        byte[] batch = LocalHostFixture.Encode(LocalHostFixture.Drive(2, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        await car.PublishBinaryAsync("tracker/" + carId + "/fixes", batch, MqttQualityOfServiceLevel.AtLeastOnce);
        await car.DisconnectAsync();
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting");
            await Task.Delay(20);
        }
    }
}
