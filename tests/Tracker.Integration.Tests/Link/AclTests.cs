using System.Text;
using Xunit.Abstractions;
using Tracker.Core.Uplink;
using Tracker.HostLink;
using static Tracker.Testing.TestLinks;

namespace Tracker.Integration.Tests.Link;

/// <summary>
/// Who may do what on the broker: a car is its certificate's CN, publishes only under its own
/// topics and reads only its own live topic; a certificate from another CA does not get in; and the
/// link trusts only the fleet CA's broker.
/// </summary>
public sealed class AclTests(ITestOutputHelper output)
{
    private static readonly byte[] Forged = Encoding.UTF8.GetBytes("forged");
    private static readonly byte[] Marker = Encoding.UTF8.GetBytes("marker");

    [MosquittoFact]
    public void Car_CannotPublishToAnotherCarsTopic()
    {
        TestPki pki = TestPki.Create();
        using var broker = MosquittoBroker.Start(pki, MosquittoBroker.FleetAcl, debugLog: true);
        using MqttNetLink op = ConnectOperator(pki, broker.Port);
        using MqttNetLink car1 = Create(pki, "car-1", broker.Port);
        Assert.Equal(LinkResult.Ok, car1.Connect(Options("car-1")));

        // MQTT 3.1.1 has no way to refuse a PUBLISH (§3.3.5: the server may drop it, and still
        // acknowledges it): mosquitto PUBACKs and discards. What counts is that nobody receives it.
        Assert.Equal(LinkResult.Ok, car1.Publish("tracker/car-2/fixes", Forged, 0, Forged.Length, 1, out int forged));
        Assert.Equal((forged, true), NextCompletion(car1));
        Assert.Equal(LinkResult.Ok, car1.Publish("tracker/car-1/fixes", Marker, 0, Marker.Length, 1, out _));

        // The same broker thread handles both in order: the first message the operator gets is
        // the marker, so the forged one was dropped.
        var first = NextMessage(op);
        Assert.NotNull(first);
        Assert.Equal("tracker/car-1/fixes", first.Value.Topic);
        Assert.Equal(Marker, first.Value.Payload);
        Assert.True(Poll.Until(() => broker.RecentLog.Contains("Denied PUBLISH from car-1", StringComparison.Ordinal), Patience), broker.RecentLog);
    }

    [MosquittoFact]
    public void Car_CannotUseAnotherCarsClientIdToPublishAsIt()
    {
        // The identity is the certificate, not the MQTT client id: car-1 calling itself car-2
        // still publishes only as car-1.
        TestPki pki = TestPki.Create();
        using var broker = MosquittoBroker.Start(pki, MosquittoBroker.FleetAcl);
        using MqttNetLink op = ConnectOperator(pki, broker.Port);
        using MqttNetLink car1 = Create(pki, "car-1", broker.Port);
        Assert.Equal(LinkResult.Ok, car1.Connect(Options("car-2")));

        Assert.Equal(LinkResult.Ok, car1.Publish("tracker/car-2/fixes", Forged, 0, Forged.Length, 1, out _));
        Assert.Equal(LinkResult.Ok, car1.Publish("tracker/car-1/fixes", Marker, 0, Marker.Length, 1, out _));
        Assert.Equal("tracker/car-1/fixes", NextMessage(op)?.Topic);
    }

    [MosquittoFact]
    public void Car_CannotReadAnotherCarsLiveTopic()
    {
        TestPki pki = TestPki.Create();
        using var broker = MosquittoBroker.Start(pki, MosquittoBroker.FleetAcl);
        using MqttNetLink op = ConnectOperator(pki, broker.Port);
        using MqttNetLink car1 = Create(pki, "car-1", broker.Port);
        Assert.Equal(LinkResult.Ok, car1.Connect(Options("car-1")));

        LinkResult spy = car1.Subscribe("tracker/car-2/live");
        Assert.Equal(LinkResult.Ok, car1.Subscribe("tracker/car-1/live"));
        Assert.Equal(LinkResult.Ok, op.Publish("tracker/car-2/live", Forged, 0, Forged.Length, 1, out _));
        Assert.Equal(LinkResult.Ok, op.Publish("tracker/car-1/live", Marker, 0, Marker.Length, 1, out _));

        // Whether SUBACK refuses (0x80) or grants and the broker filters at delivery, car-1 gets
        // only its own message.
        output.WriteLine($"subscribe to another car's live topic: {spy}");
        Assert.True(spy is LinkResult.Ok or LinkResult.Refused, spy.ToString());
        var first = NextMessage(car1);
        Assert.Equal("tracker/car-1/live", first?.Topic);
        Assert.False(car1.TryTakeMessage(out _, out _));
    }

    [MosquittoFact]
    public void CertificateFromAForeignCa_IsRefused()
    {
        TestPki pki = TestPki.Create();
        TestPki foreign = TestPki.Create("Someone Else's CA");
        using var broker = MosquittoBroker.Start(pki, MosquittoBroker.FleetAcl);
        using var intruder = new MqttNetLink(new MqttNetLinkOptions("127.0.0.1", broker.Port, foreign.IssueClient("car-1"), pki.Ca, operationTimeout: TimeSpan.FromSeconds(5)));

        LinkResult result = intruder.Connect(Options("car-1"));
        output.WriteLine($"foreign-CA connect: {result} ({intruder.LastFailure})");

        // TLS 1.3: the broker checks the client certificate after the client's side of the handshake
        // is done, so the car learns of the refusal either from the "unknown ca" alert (Refused) or,
        // when the broker has already closed the socket, as a dead connection (TransportFailed).
        Assert.True(result is LinkResult.Refused or LinkResult.TransportFailed, result.ToString());
        Assert.True(Poll.Until(() => broker.RecentLog.Contains("certificate verify failed", StringComparison.Ordinal), Patience), broker.RecentLog);
        Assert.False(intruder.IsConnected);
        Assert.Equal(LinkResult.NotConnected, intruder.Publish("tracker/car-1/fixes", Forged, 0, Forged.Length, 1, out _));
    }

    [MosquittoFact]
    public void BrokerWithACertificateFromAnotherCa_IsRefusedByTheLink()
    {
        TestPki pki = TestPki.Create();
        TestPki other = TestPki.Create("Someone Else's CA");
        using var broker = MosquittoBroker.Start(pki, MosquittoBroker.FleetAcl);

        // The car's certificate is good, but it trusts only `other`: the broker is an impostor to it.
        using var car = new MqttNetLink(new MqttNetLinkOptions("127.0.0.1", broker.Port, pki.IssueClient("car-1"), other.Ca, operationTimeout: TimeSpan.FromSeconds(5)));

        Assert.Equal(LinkResult.Refused, car.Connect(Options("car-1")));
        Assert.False(car.IsConnected);
    }

    [MosquittoFact]
    public void BrokerCertificateForAnotherName_IsRefusedByTheLink()
    {
        TestPki pki = TestPki.Create();
        using var broker = MosquittoBroker.Start(pki, MosquittoBroker.FleetAcl);
        using var car = new MqttNetLink(new MqttNetLinkOptions("127.0.0.1", broker.Port, pki.IssueClient("car-1"), pki.Ca, serverName: "broker.example.com", operationTimeout: TimeSpan.FromSeconds(5)));

        Assert.Equal(LinkResult.Refused, car.Connect(Options("car-1")));
    }
}
