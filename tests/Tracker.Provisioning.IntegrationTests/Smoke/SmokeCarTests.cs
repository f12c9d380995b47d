using Tracker.Cloud.Smoke;
using Tracker.HostLink;
using Tracker.Provisioning.Bundles;
using Tracker.Provisioning.IntegrationTests.Support;
using Xunit.Abstractions;
using static Tracker.Testing.TestLinks;

namespace Tracker.Provisioning.IntegrationTests.Smoke;

/// <summary>
/// <c>tracker-smoke car</c>, the deploy guide's smoke car, against the local broker: a bundle made by the
/// provisioning library drives the firmware core on a generated route through mutual TLS, and every
/// fix it records is acknowledged and reaches a subscriber as a wire batch.
/// </summary>
public sealed class SmokeCarTests(ITestOutputHelper output)
{
    [MosquittoFact]
    public void SmokeCar_WithAFreshBundle_DeliversEveryFixItRecords()
    {
        using var fleet = ProvisionedFleet.Create();
        using FleetBroker broker = fleet.StartBroker();
        DeviceBundle bundle = fleet.CreateDevice("car-0042", broker.Port);
        using MqttNetLink op = broker.ConnectOperator();
        var log = new StringWriter();

        SmokeCarResult result = SmokeCar.Run(bundle.Directory, TimeSpan.FromSeconds(20), serverName: null, log, CancellationToken.None);
        output.WriteLine(log.ToString());

        Assert.True(result.Ok, result.Why + "\n" + log + "\n" + broker.Broker.RecentLog);
        Assert.Equal(0, result.PendingFixes);
        bool sawFixes = false;
        while (NextMessage(op, TimeSpan.FromSeconds(2)) is { } message)
        {
            sawFixes |= message.Topic == "tracker/car-0042/fixes" && message.Payload.Length > 0 && message.Payload[0] == Tracker.Core.Wire.BatchFormat.Version;
        }

        Assert.True(sawFixes, "the operator received no fix batch of car-0042");
    }

    [Fact]
    public void SmokeCar_WithAFolderThatIsNoBundle_SaysSo()
    {
        using var temp = new TempFolder("tracker-provit-");

        SmokeException refused = Assert.Throws<SmokeException>(() => SmokeCar.Run(temp.Path, TimeSpan.FromSeconds(10), null, TextWriter.Null, CancellationToken.None));

        Assert.Contains("not a car bundle", refused.Message, StringComparison.Ordinal);
    }
}
