using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Tracker.Cloud.Local.Security;
using Tracker.Cloud.Local.Tests.EntryPoint;
using Tracker.Core.Uplink;
using Tracker.HostLink;
using Tracker.Provisioning.Bundles;
using Tracker.Testing;

namespace Tracker.Cloud.Local.Tests.Security;

/// <summary>
/// Issue 15's attacks on the built tracker-local, started as a user starts it: a flood of connections that never finish
/// their handshake or CONNECT (F2), and the modes of what it writes (F6). Bounded: at most a few hundred sockets, each
/// test a minute at most, and the host is stopped with SIGINT (or killed) at the end.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SecurityEntryPointTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    private readonly string _folder = Directory.CreateTempSubdirectory("tracker-security-").FullName;

    private string Data => Path.Combine(_folder, "data");

    [Fact]
    public async Task F2_AFloodOfSilentConnections_IsClosedAtTheDeadline_WhileCarsTheApiAndSignInCarryOn_AndTheHostStopsCleanly()
    {
        int http = FreePort.OnLoopback();
        int mqtt = FreePort.OnLoopback();
        using TestProcess host = Start(http, mqtt, "--cars", "2", "--connect-timeout", "2s", "--max-pending-connections", "100");
        Assert.True(await host.WaitForAsync("tracker-local: ready", Bound), host.Output);
        using var api = new HttpClient { BaseAddress = new Uri("http://127.0.0.1:" + http), Timeout = TimeSpan.FromSeconds(10) };

        // 300 TCP sockets on the cars' port (3 times the cap) and 100 on the HTTP port, none sending a byte,
        // and 20 WebSockets at /mqtt that never send CONNECT.
        var silent = new List<Socket>();
        try
        {
            for (int i = 0; i < 300; i++)
            {
                silent.Add(await OpenAsync(mqtt));
            }

            for (int i = 0; i < 100; i++)
            {
                silent.Add(await OpenAsync(http));
            }

            var sockets = new List<ClientWebSocket>();
            for (int i = 0; i < 20; i++)
            {
                var ws = new ClientWebSocket();
                ws.Options.AddSubProtocol("mqtt");
                await ws.ConnectAsync(new Uri("ws://127.0.0.1:" + http + "/mqtt"), CancellationToken.None);
                sockets.Add(ws);
            }

            // Meanwhile: health, sign-in and a new car all work.
            var clock = Stopwatch.StartNew();
            using HttpResponseMessage health = await api.GetAsync("/health");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), "/health took " + clock.Elapsed);
            Assert.Equal(HttpStatusCode.OK, (await SignInAsync(api)).StatusCode);
            Assert.Equal(LinkResult.Ok, ConnectCar(mqtt, "car-0002")); // takes over the simulated car-0002's session, as a restarted car does

            // Past the 2 s deadline (6 s for an HTTP connection that never sent a request: Kestrel's keep-alive
            // timeout, 3 times the connect timeout) every silent connection has been closed by the host.
            await Task.Delay(TimeSpan.FromSeconds(7));
            bool[] closed = await Task.WhenAll(silent.Select(IsClosedAsync));
            Assert.Equal(silent.Count, closed.Count(c => c));
            foreach (ClientWebSocket ws in sockets)
            {
                using var read = new CancellationTokenSource(TimeSpan.FromSeconds(3));
                Exception? ended = await Record.ExceptionAsync(async () => await ws.ReceiveAsync(new byte[16], read.Token));
                Assert.True(ended is not OperationCanceledException, "a WebSocket that never sent CONNECT is still open");
                ws.Dispose();
            }

            JsonNode? healthBody = await api.GetFromJsonAsync<JsonNode>("/health");
            Assert.Equal("ok", (string?)healthBody!["status"]);
            Assert.True((long)healthBody["devicesConnected"]! >= 2, "the simulated cars lost their connections: " + healthBody.ToJsonString());
            string metrics = await api.GetStringAsync("/metrics");
            Assert.Contains("connect-timeout", metrics, StringComparison.Ordinal);
        }
        finally
        {
            foreach (Socket s in silent)
            {
                s.Dispose();
            }
        }

        host.Interrupt();
        Assert.True(await host.WaitForExitAsync(Bound) == 0, "the host did not stop cleanly after the flood:\n" + host.Output);
        Assert.DoesNotContain("Unhandled exception", host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task F6_EverythingTheHostWrites_IsTheOwnersAlone()
    {
        using (TestProcess host = Start(FreePort.OnLoopback(), FreePort.OnLoopback(), "--cars", "2", "--replay", Repository.PathOf("firmware", "Tracker.BenchTool", "samples", "demo-drive.nmea"), "--live-period", "10s"))
        {
            Assert.True(await host.WaitForAsync("tracker-local: ready", Bound), host.Output);
            await Task.Delay(TimeSpan.FromSeconds(3)); // the cars write their flash logs, the store its journal
            Assert.Equal(PrivateFiles.FileMode, File.GetUnixFileMode(Path.Combine(Data, "tracker.db-wal")));
            Assert.Equal(PrivateFiles.FileMode, File.GetUnixFileMode(Path.Combine(Data, "tracker.db-shm")));
            host.Interrupt();
            Assert.True(await host.WaitForExitAsync(Bound) == 0, host.Output);
        }

        Assert.Equal(PrivateFiles.FolderMode, File.GetUnixFileMode(Data));
        foreach (string folder in new[] { "pki", "flash", Path.Combine("flash", "car-0001"), Path.Combine("flash", "car-0002") })
        {
            Assert.Equal(PrivateFiles.FolderMode, File.GetUnixFileMode(Path.Combine(Data, folder)));
        }

        string[] files = [.. Directory.GetFiles(Path.Combine(Data, "flash"), "*", SearchOption.AllDirectories)];
        Assert.NotEmpty(files);
        foreach (string file in files.Concat([Path.Combine(Data, "tracker.db"), Path.Combine(Data, "logins.json"), Path.Combine(Data, "initial-passwords.json"), Path.Combine(Data, "token.key")]))
        {
            Assert.True(File.GetUnixFileMode(file) == PrivateFiles.FileMode, file + " is " + File.GetUnixFileMode(file));
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private TestProcess Start(int http, int mqtt, params string[] more) => BuiltHost.Start(
        _folder,
        ["--data", Data, "--http-port", http.ToString(System.Globalization.CultureInfo.InvariantCulture), "--mqtt-port", mqtt.ToString(System.Globalization.CultureInfo.InvariantCulture), "--progress", "0", .. more]);

    private async Task<HttpResponseMessage> SignInAsync(HttpClient api)
    {
        JsonNode passwords = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Data, LocalUsers.PasswordsFile)))!;
        return await api.PostAsJsonAsync("/auth/login", new { user = "ops", password = (string)passwords["ops"]! });
    }

    private LinkResult ConnectCar(int port, string carId)
    {
        string bundle = Path.Combine(Data, "pki", "bundles", carId);
        using var link = new MqttNetLink(MqttNetLinkOptions.FromPemFiles(
            "127.0.0.1", port, Path.Combine(bundle, BundleFiles.CertificatePem), Path.Combine(bundle, BundleFiles.KeyPem), Path.Combine(bundle, BundleFiles.RootCaPem), "localhost"));
        return link.Connect(new MqttConnectOptions(carId, 60, null, null, true));
    }

    private static async Task<Socket> OpenAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        return socket;
    }

    private static async Task<bool> IsClosedAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            return await socket.ReceiveAsync(new byte[64], SocketFlags.None, timeout.Token) == 0;
        }
        catch (SocketException)
        {
            return true; // reset by the host
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
