using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Tracker.Cloud.Local.Options;
using Tracker.Core.Uplink;
using Tracker.HostLink;
using Tracker.Provisioning.Bundles;

namespace Tracker.Cloud.Local.Tests.Host;

/// <summary>The local host's e-mail channel: a host started with --smtp-* sends a subscription's events through a real SMTP server (aiosmtpd on 127.0.0.1).</summary>
public sealed class EmailNotificationTests
{
    [FactNeeding(Part.Aiosmtpd)]
    public async Task AnEmailSubscription_GetsTheEvent_ThroughTheSmtpServerGivenOnTheCommandLine()
    {
        using var smtp = new SmtpServer();
        using var folder = new TempFolder("tracker-email-test-");
        LocalOptions options = null!;
        Assert.Equal(0, LocalCommandLine.Invoke(
            ["--data", folder.Combine("data"), "--http-port", "0", "--mqtt-port", "0", "--cars", "0", "--progress", "0",
             "--smtp-host", "127.0.0.1", "--smtp-port", smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--smtp-from", "tracker@fleet.example"],
            TextWriter.Null, TextWriter.Null, o => { options = o; return 0; }));
        await using LocalFleetHost host = await LocalFleetHost.StartAsync(options, logging => logging.SetMinimumLevel(LogLevel.Warning), kdfIterations: 1000);
        using var http = new HttpClient { BaseAddress = host.HttpUrl, Timeout = TimeSpan.FromSeconds(30) };
        string password = host.Users.All.Single(u => u.User == "ops").Password;
        JsonNode login = (await (await http.PostAsJsonAsync("/auth/login", new { user = "ops", password })).Content.ReadFromJsonAsync<JsonNode>())!;
        using var put = new HttpRequestMessage(HttpMethod.Put, "/subscriptions/ops-mail")
        {
            Content = new StringContent("{\"name\":\"Ops mail\",\"types\":[\"ignition-on\"],\"cars\":[\"car-0031\"],\"email\":\"ops@fleet.example\"}", Encoding.UTF8, "application/json"),
        };
        put.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", (string)login["token"]!);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await http.SendAsync(put)).StatusCode);

        DeviceBundle bundle = host.Pki.EnsureCar("car-0031", host.MqttPort);
        using var car = new MqttNetLink(MqttNetLinkOptions.FromPemFiles(
            "127.0.0.1", host.MqttPort, bundle.PathOf(BundleFiles.CertificatePem), bundle.PathOf(BundleFiles.KeyPem), bundle.PathOf(BundleFiles.RootCaPem), "localhost"));
        Assert.Equal(LinkResult.Ok, car.Connect(new MqttConnectOptions("car-0031", 60, null, null, true)));
        long nowS = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        foreach ((IgnitionState ignition, long at) in new[] { (IgnitionState.Off, nowS - 20), (IgnitionState.On, nowS - 10) })
        {
            byte[] status = Status(ignition, at);
            Assert.Equal(LinkResult.Ok, car.Publish("tracker/car-0031/status", status, 0, status.Length, 1, out _));
        }

        Assert.True(await Poll.UntilAsync(() => smtp.Messages().Count > 0, TimeSpan.FromSeconds(30)), "no mail arrived");
        string mail = Assert.Single(smtp.Messages());
        Assert.Contains("To: ops@fleet.example", mail, StringComparison.Ordinal);
        Assert.Contains("From: tracker@fleet.example", mail, StringComparison.Ordinal);
        Assert.Contains("\"type\":\"ignition-on\"", mail, StringComparison.Ordinal);
        car.Disconnect();
    }

    private static byte[] Status(IgnitionState ignition, long utcS)
    {
        StatusReport report = StatusReport.CreateOnline();
        report.Ignition = ignition;
        report.UtcS = utcS;
        report.SupplyMv = 12_600;
        report.FirmwareVersion = "test";
        byte[] buffer = new byte[StatusCodec.MaxBytes];
        int length = StatusCodec.Encode(ref report, buffer, 0);
        return buffer[..length];
    }
}
