using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.Data.Sqlite;
using Tracker.Cloud.Local.Observability;
using Tracker.Cloud.Local.Security;
using Tracker.Cloud.Local.Tests.Host;
using Tracker.Core.Uplink;
using Tracker.HostLink;
using Tracker.Provisioning.Bundles;
using Tracker.Testing;

namespace Tracker.Cloud.Local.Tests.EntryPoint;

/// <summary>
/// Ctrl+C (SIGINT, restored for the child: <see cref="TestProcess"/>) of the built tracker-local while cars of another
/// process are connected, as in the load bench: the host closes their connections itself instead of waiting for
/// Kestrel's 30 s shutdown timeout (it took 32 s with 300 cars, 31.5 s with 100), and every fix it stored is counted in
/// the counts it prints once stopped.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class CtrlCTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    private const int Cars = 12;
    private const int FixesPerBatch = 5;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    private readonly TempFolder _folder = new("tracker-ctrl-c-");
    private readonly Xunit.Abstractions.ITestOutputHelper _output = output;

    private string Data => _folder.Combine("data");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }

    [Fact]
    public async Task CtrlC_WithAnotherProcesssCarsConnected_ClosesTheirConnections_ExitsCleanly_AndCountsEveryFixStored()
    {
        int http = FreePort.OnLoopback();
        int mqtt = FreePort.OnLoopback();
        Provision(mqtt);
        using TestProcess host = BuiltHost.Start(
            _folder.Path,
            "--data", Data, "--http-port", Text(http), "--mqtt-port", Text(mqtt), "--cars", "0", "--progress", "0", "--tile-url", "none");
        Assert.True(await host.WaitForAsync("tracker-local: ready", Bound), host.Output);

        var links = new List<MqttNetLink>();
        try
        {
            long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            for (int i = 1; i <= Cars; i++)
            {
                string car = CarIds.Of(i);
                MqttNetLink link = Link(mqtt, car);
                links.Add(link);
                Assert.Equal(LinkResult.Ok, link.Connect(new MqttConnectOptions(car, 60, null, null, true)));
                byte[] batch = LocalHostFixture.Encode(LocalHostFixture.Drive(FixesPerBatch, now - (i * 60_000)));
                Assert.Equal(LinkResult.Ok, link.Publish($"tracker/{car}/fixes", batch, 0, batch.Length, 1, out _));
            }

            foreach (MqttNetLink link in links)
            {
                bool delivered = false;
                Assert.True(await Poll.UntilAsync(() => link.TryTakeCompletion(out _, out delivered), TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(50)), "no PUBACK:\n" + host.Output);
                Assert.True(delivered);
            }

            // Every car is still connected when Ctrl+C comes.
            var stopping = Stopwatch.StartNew();
            host.Interrupt();
            int? code = await host.WaitForExitAsync(Bound);
            TimeSpan took = stopping.Elapsed;

            Assert.True(code == 0, "Ctrl+C did not stop the host cleanly:\n" + host.Output);
            // How long the stop takes is measured by the bench (`--restart-host`), not asserted here; the figure is shown.
            _output.WriteLine($"Ctrl+C to exit with {Cars} cars connected: {took.TotalSeconds:0.0} s");
            Assert.True(await Poll.UntilAsync(() => links.All(l => !l.IsConnected), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(50)), "a car's connection stayed open");
            Assert.True(HostMetrics.TryReadStopLine(host.Output, out long counted, out long messages), host.Output);
            Assert.Equal((long)Cars * FixesPerBatch, StoredRows());
            Assert.Equal(StoredRows(), counted);
            Assert.Equal(Cars, messages);
        }
        finally
        {
            foreach (MqttNetLink link in links)
            {
                link.Dispose();
            }
        }
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private void Provision(int mqttPort)
    {
        // As an installer (and the load bench) does: the cars' identities in the data folder before the host starts.
        string pki = Path.Combine(Data, "pki");
        PrivateFiles.EnsureFolder(Data);
        PrivateFiles.EnsureFolder(pki);
        using var ca = LocalPki.OpenOrCreate(pki, IPAddress.Loopback);
        for (int i = 1; i <= Cars; i++)
        {
            ca.EnsureCar(CarIds.Of(i), mqttPort);
        }
    }

    private MqttNetLink Link(int port, string carId)
    {
        string bundle = Path.Combine(Data, "pki", "bundles", carId);
        return new MqttNetLink(MqttNetLinkOptions.FromPemFiles(
            "127.0.0.1", port, Path.Combine(bundle, BundleFiles.CertificatePem), Path.Combine(bundle, BundleFiles.KeyPem), Path.Combine(bundle, BundleFiles.RootCaPem), "localhost"));
    }

    private long StoredRows()
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(Data, "tracker.db")};Mode=ReadOnly");
        connection.Open();
        using SqliteCommand count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM fixes";
        return (long)count.ExecuteScalar()!;
    }
}
