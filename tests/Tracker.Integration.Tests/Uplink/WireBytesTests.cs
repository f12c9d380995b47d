using System.Globalization;
using Tracker.Core.Uplink;
using Tracker.HostLink;
using Tracker.Integration.Tests.Net;
using Tracker.Integration.Tests.Support;
using Xunit.Abstractions;

namespace Tracker.Integration.Tests.Uplink;

/// <summary>
/// Bytes on the wire per fix for a drive under the default report policy, with MQTT overhead
/// (PUBLISH fixed header, topic, packet id and payload, and the PUBACK), from the engine's
/// counters; and the TLS bytes a relay in front of the broker counted, which add the TLS records,
/// the handshake, CONNECT, SUBSCRIBE and the status messages. Printed, for the closing
/// note; the assertions only check that the two counts agree with each other.
/// </summary>
public sealed class WireBytesTests(ITestOutputHelper output)
{
    [MosquittoFact]
    public void DemoDrive_DefaultPolicy_BytesPerFix()
    {
        Measure(Drive.Load(Drive.DemoPath, policy: true));
    }

    [MosquittoFact("drives/garmin-drive-2005.nmea")]
    public void GarminDrive_DefaultPolicy_BytesPerFix()
    {
        Measure(Drive.Load(SharedData.File("drives/garmin-drive-2005.nmea")!, policy: true));
    }

    private void Measure(Drive drive)
    {
        TestPki pki = TestPki.Create();
        using var broker = MosquittoBroker.Start(pki, MosquittoBroker.FleetAcl);
        long setup = ConnectionSetupBytes(pki, broker.Port);
        output.WriteLine($"{drive.Name}: {drive.Fixes.Count} fixes, {drive.RecordedCount} recorded over {(drive.EndMs - drive.StartMs) / 1000} s");
        output.WriteLine($"  one connection's setup through TLS (handshake, CONNECT/CONNACK, SUBSCRIBE/SUBACK, DISCONNECT): {setup} bytes");
        foreach ((string name, Func<UplinkTopics, UplinkOptions> options) in new (string, Func<UplinkTopics, UplinkOptions>)[]
        {
            ("live while moving (5 s period; the default)", UplinkSetups.Default),
            ("not live (5 min period)", UplinkSetups.NotLive),
        })
        {
            using var run = new FleetScenario(pki, broker, drive, 1, viaProxy: true, options, seed: 5);
            run.RunDrive();
            Assert.True(run.Drain());
            CarRig car = run.Cars[0];
            UplinkCounters c = car.Engine.Counters;
            double fixes = car.Appended.Count;
            Assert.Equal(fixes, c.FixesCommitted);
            Assert.Equal(0, run.Delivered(car).Missing);
            Assert.Equal(car.Link.PublishesSent, c.FixMessages + c.StatusMessages);
            Assert.Equal(car.Link.Acknowledged, c.FixMessagesDelivered + c.StatusMessages);

            long mqttFix = c.FixPublishBytes + c.FixPubackBytes;
            long mqttAll = car.Link.PublishBytesSent + (car.Link.Acknowledged * MqttWireSize.PubAck);
            long tls = run.Proxy!.BytesUp + run.Proxy.BytesDown;
            long connects = c.ConnectAttempts - c.ConnectFailures;
            string F(double v) => v.ToString("F1", CultureInfo.InvariantCulture);
            output.WriteLine($"  {name}: {c.FixMessages} fix messages, {F(fixes / c.FixMessages)} fixes a message, payload {F(c.PayloadBytes / fixes)} B/fix");
            output.WriteLine($"    MQTT, fix PUBLISH + PUBACK: {mqttFix} B = {F(mqttFix / fixes)} B/fix");
            output.WriteLine($"    MQTT, with {c.StatusMessages} status messages: {mqttAll} B = {F(mqttAll / fixes)} B/fix");
            output.WriteLine($"    TLS records on the wire, both ways, everything ({connects} connection): {tls} B = {F(tls / fixes)} B/fix; without the connection setup: {F((tls - (connects * setup)) / fixes)} B/fix");
        }
    }

    /// <summary>TLS bytes of a connection that connects, subscribes and disconnects: the fixed cost of each (re)connection.</summary>
    private static long ConnectionSetupBytes(TestPki pki, int brokerPort)
    {
        using var proxy = new CuttableProxy(brokerPort);
        using MqttNetLink link = TestLinks.Create(pki, "car-001", proxy.Port);
        Assert.Equal(LinkResult.Ok, link.Connect(new MqttConnectOptions("car-001", UplinkOptions.DefaultKeepAliveS, "tracker/car-001/status", [0], true)));
        Assert.Equal(LinkResult.Ok, link.Subscribe("tracker/car-001/live"));
        link.Disconnect();
        long last = -1;
        Poll.Until(
            () =>
            {
                long now = proxy.BytesUp + proxy.BytesDown;
                bool still = now == last;
                last = now;
                return still;
            },
            TestLinks.Patience);
        return last;
    }
}
