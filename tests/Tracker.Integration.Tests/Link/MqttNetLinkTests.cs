using System.Net;
using System.Net.Sockets;
using System.Text;
using Tracker.Core.Uplink;
using Tracker.HostLink;
using Tracker.Integration.Tests.Net;
using Tracker.Integration.Tests.Support;
using static Tracker.Testing.TestLinks;

namespace Tracker.Integration.Tests.Link;

/// <summary>The host MQTT link against a real mosquitto with mutual TLS.</summary>
public sealed class MqttNetLinkTests
{
    private static readonly byte[] Hello = Encoding.UTF8.GetBytes("hello");

    [MosquittoFact]
    public void Qos1Publish_CompletesDelivered_AndTheOperatorReceivesIt()
    {
        TestPki pki = TestPki.Create();
        using var broker = MosquittoBroker.Start(pki, MosquittoBroker.FleetAcl);
        using MqttNetLink op = ConnectOperator(pki, broker.Port);
        using MqttNetLink car = Create(pki, "car-1", broker.Port);

        Assert.Equal(LinkResult.Ok, car.Connect(Options("car-1")));
        Assert.True(car.IsConnected);
        byte[] buffer = [0xAA, 1, 2, 3, 0xBB];
        Assert.Equal(LinkResult.Ok, car.Publish("tracker/car-1/fixes", buffer, 1, 3, 1, out int id));
        buffer[1] = 99; // the link copied the payload: the caller may reuse its buffer at once

        Assert.NotEqual(0, id);
        Assert.Equal((id, true), NextCompletion(car));
        var message = NextMessage(op);
        Assert.NotNull(message);
        Assert.Equal("tracker/car-1/fixes", message.Value.Topic);
        Assert.Equal([1, 2, 3], message.Value.Payload);
        Assert.Equal(1, car.Acknowledged);
        Assert.Equal(MqttWireSize.Publish("tracker/car-1/fixes", 3, 1), car.PublishBytesSent);
    }

    [MosquittoFact]
    public void Completed_IsRaisedForEachPublish_WithItsIdAndOutcome_BeforeTheCarPollsIt()
    {
        TestPki pki = TestPki.Create();
        using var broker = MosquittoBroker.Start(pki, MosquittoBroker.FleetAcl);
        using MqttNetLink car = Create(pki, "car-1", broker.Port);
        var raised = new System.Collections.Concurrent.ConcurrentQueue<(int Id, bool Delivered)>();
        car.Completed += (id, delivered) => raised.Enqueue((id, delivered));
        Assert.Equal(LinkResult.Ok, car.Connect(Options("car-1")));

        var sent = new HashSet<int>();
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(LinkResult.Ok, car.Publish("tracker/car-1/fixes", Hello, 0, Hello.Length, 1, out int id));
            sent.Add(id);
        }

        for (int i = 0; i < 5; i++)
        {
            Assert.NotNull(NextCompletion(car));
        }

        // Raised before the completion was queued for the poll: all five are there once the poll has them.
        Assert.Equal(sent, raised.Select(r => r.Id).ToHashSet());
        Assert.All(raised, r => Assert.True(r.Delivered));
    }

    [MosquittoFact]
    public void MessageIds_AreUniqueAndEachCompletesOnce()
    {
        TestPki pki = TestPki.Create();
        using var broker = MosquittoBroker.Start(pki, MosquittoBroker.FleetAcl);
        using MqttNetLink car = Create(pki, "car-1", broker.Port);
        Assert.Equal(LinkResult.Ok, car.Connect(Options("car-1")));

        var sent = new HashSet<int>();
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(LinkResult.Ok, car.Publish("tracker/car-1/fixes", Hello, 0, Hello.Length, 1, out int id));
            Assert.True(sent.Add(id));
        }

        var completed = new HashSet<int>();
        for (int i = 0; i < 20; i++)
        {
            var c = NextCompletion(car);
            Assert.NotNull(c);
            Assert.True(c.Value.Delivered);
            Assert.True(completed.Add(c.Value.MessageId));
        }

        Assert.Equal(sent, completed);
        Assert.False(car.TryTakeCompletion(out _, out _));
    }

    [MosquittoFact]
    public void Publish_BeyondMaxInFlight_IsBusy()
    {
        TestPki pki = TestPki.Create();
        using var broker = MosquittoBroker.Start(pki, MosquittoBroker.FleetAcl);
        using var proxy = new CuttableProxy(broker.Port);
        using var car = new MqttNetLink(new MqttNetLinkOptions("127.0.0.1", proxy.Port, pki.IssueClient("car-1"), pki.Ca, maxInFlight: 2));
        Assert.Equal(LinkResult.Ok, car.Connect(Options("car-1")));

        proxy.HoldDownstream();
        Assert.Equal(LinkResult.Ok, car.Publish("tracker/car-1/fixes", Hello, 0, Hello.Length, 1, out _));
        Assert.Equal(LinkResult.Ok, car.Publish("tracker/car-1/fixes", Hello, 0, Hello.Length, 1, out _));
        Assert.Equal(LinkResult.Busy, car.Publish("tracker/car-1/fixes", Hello, 0, Hello.Length, 1, out int refused));
        Assert.Equal(0, refused);
        Assert.Equal(LinkResult.Ok, car.Publish("tracker/car-1/fixes", Hello, 0, Hello.Length, 0, out _)); // QoS 0 is not held back
        proxy.ReleaseDownstream();

        Assert.NotNull(NextCompletion(car));
        Assert.Equal(LinkResult.Ok, car.Publish("tracker/car-1/fixes", Hello, 0, Hello.Length, 1, out _));
    }

    [MosquittoFact]
    public void LatePuback_HalfAKeepAliveWithoutASign_SendsOnePing_WhoseAnswerCountsAsHeard()
    {
        TestPki pki = TestPki.Create();
        using var broker = MosquittoBroker.Start(pki, MosquittoBroker.FleetAcl);
        using var proxy = new CuttableProxy(broker.Port);
        using MqttNetLink car = Create(pki, "car-1", proxy.Port);
        var options = new MqttConnectOptions("car-1", 30, null, null, cleanSession: true); // a PINGREQ after 15 s of silence
        Assert.Equal(LinkResult.Ok, car.Connect(options));
        int atConnect = car.HeardFromBroker;
        Assert.NotEqual(0, atConnect); // the CONNACK

        // The broker gets the message; its PUBACK, and the PINGRESP to come, are held on the way back.
        proxy.HoldDownstream();
        Assert.Equal(LinkResult.Ok, car.Publish("tracker/car-1/fixes", Hello, 0, Hello.Length, 1, out int id));
        Assert.True(Poll.Until(() => !car.TryTakeCompletion(out _, out _) && car.Pings == 1, TimeSpan.FromSeconds(25)), "no PINGREQ after half the keep-alive");
        Assert.Equal(atConnect, car.HeardFromBroker);
        Assert.False(Poll.Until(() => !car.TryTakeCompletion(out _, out _) && car.Pings > 1, TimeSpan.FromSeconds(2)), "a second PINGREQ while one is out");

        proxy.ReleaseDownstream();
        Assert.Equal((id, true), NextCompletion(car));
        Assert.True(Poll.Until(() => car.HeardFromBroker == atConnect + 2, Patience), $"heard {car.HeardFromBroker - atConnect} signs, not the PUBACK and the PINGRESP");
        Assert.True(car.IsConnected);
    }

    [MosquittoFact]
    public void ConnectionLoss_TurnsIsConnectedFalse_AndPendingPublishesCompleteNotDelivered()
    {
        TestPki pki = TestPki.Create();
        using var broker = MosquittoBroker.Start(pki, MosquittoBroker.FleetAcl);
        using MqttNetLink op = ConnectOperator(pki, broker.Port);
        using var proxy = new CuttableProxy(broker.Port);
        using MqttNetLink car = Create(pki, "car-1", proxy.Port);
        Assert.Equal(LinkResult.Ok, car.Connect(Options("car-1")));

        // The broker gets the messages; their PUBACKs are held, then the link is cut.
        proxy.HoldDownstream();
        var ids = new HashSet<int>();
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(LinkResult.Ok, car.Publish("tracker/car-1/fixes", Hello, 0, Hello.Length, 1, out int id));
            ids.Add(id);
        }

        for (int i = 0; i < 5; i++)
        {
            Assert.NotNull(NextMessage(op));
        }

        proxy.Cut();
        Assert.True(Poll.Until(() => !car.IsConnected, Patience));
        for (int i = 0; i < 5; i++)
        {
            var c = NextCompletion(car);
            Assert.NotNull(c);
            Assert.False(c.Value.Delivered);
            Assert.True(ids.Remove(c.Value.MessageId));
        }

        Assert.Equal(LinkResult.NotConnected, car.Publish("tracker/car-1/fixes", Hello, 0, Hello.Length, 1, out _));
        Assert.Equal(5, car.NotDelivered);

        // And it comes back on the next Connect.
        proxy.Restore();
        Assert.Equal(LinkResult.Ok, car.Connect(Options("car-1")));
        Assert.Equal(LinkResult.Ok, car.Publish("tracker/car-1/fixes", Hello, 0, Hello.Length, 1, out int again));
        Assert.Equal((again, true), NextCompletion(car));
    }

    [MosquittoFact]
    public void BrokerKilled_TurnsIsConnectedFalse_AndReconnectWorksAfterRestart()
    {
        TestPki pki = TestPki.Create();
        using var broker = MosquittoBroker.Start(pki, MosquittoBroker.FleetAcl);
        using MqttNetLink car = Create(pki, "car-1", broker.Port);
        Assert.Equal(LinkResult.Ok, car.Connect(Options("car-1")));

        broker.Kill();
        Assert.True(Poll.Until(() => !car.IsConnected, Patience));
        Assert.Equal(LinkResult.TransportFailed, car.Connect(Options("car-1")));
        Assert.False(car.IsConnected);

        broker.Restart();
        Assert.Equal(LinkResult.Ok, car.Connect(Options("car-1")));
        Assert.Equal(LinkResult.Ok, car.Publish("tracker/car-1/fixes", Hello, 0, Hello.Length, 1, out int id));
        Assert.Equal((id, true), NextCompletion(car));
    }

    [MosquittoFact]
    public void Disconnect_DropsOutcomesNotYetTaken()
    {
        TestPki pki = TestPki.Create();
        using var broker = MosquittoBroker.Start(pki, MosquittoBroker.FleetAcl);
        using MqttNetLink car = Create(pki, "car-1", broker.Port);
        Assert.Equal(LinkResult.Ok, car.Connect(Options("car-1")));
        Assert.Equal(LinkResult.Ok, car.Publish("tracker/car-1/fixes", Hello, 0, Hello.Length, 1, out _));
        Assert.True(Poll.Until(() => car.Acknowledged == 1, Patience));

        car.Disconnect();

        Assert.False(car.IsConnected);
        Assert.False(car.TryTakeCompletion(out _, out _));
        Assert.Equal(LinkResult.NotConnected, car.Publish("tracker/car-1/fixes", Hello, 0, Hello.Length, 1, out _));
        Assert.Equal(LinkResult.NotConnected, car.Subscribe("tracker/car-1/live"));
    }

    [MosquittoFact]
    public void Will_IsPublishedWhenTheLinkIsLost_AndNotAfterDisconnect()
    {
        TestPki pki = TestPki.Create();
        using var broker = MosquittoBroker.Start(pki, MosquittoBroker.FleetAcl);
        using MqttNetLink op = ConnectOperator(pki, broker.Port);
        using var proxy = new CuttableProxy(broker.Port);
        using MqttNetLink car = Create(pki, "car-1", proxy.Port);
        using MqttNetLink other = Create(pki, "car-2", broker.Port);
        Assert.Equal(LinkResult.Ok, other.Connect(Options("car-2")));
        byte[] offline = Encoding.UTF8.GetBytes("offline");

        // A clean DISCONNECT: no will (MQTT 3.1.1 §3.14.4). car-2's marker, published after it,
        // is the first thing the operator sees.
        Assert.Equal(LinkResult.Ok, car.Connect(Options("car-1", "tracker/car-1/status", offline)));
        car.Disconnect();
        Assert.Equal(LinkResult.Ok, other.Publish("tracker/car-2/marker", Hello, 0, Hello.Length, 1, out _));
        Assert.Equal("tracker/car-2/marker", NextMessage(op)?.Topic);

        // A lost connection: the broker publishes the will.
        Assert.Equal(LinkResult.Ok, car.Connect(Options("car-1", "tracker/car-1/status", offline)));
        proxy.Cut();
        var will = NextMessage(op);
        Assert.NotNull(will);
        Assert.Equal("tracker/car-1/status", will.Value.Topic);
        Assert.Equal(offline, will.Value.Payload);
    }

    [MosquittoFact]
    public void Subscribe_DeliversMessagesToTryTakeMessage()
    {
        TestPki pki = TestPki.Create();
        using var broker = MosquittoBroker.Start(pki, MosquittoBroker.FleetAcl);
        using MqttNetLink op = ConnectOperator(pki, broker.Port);
        using MqttNetLink car = Create(pki, "car-1", broker.Port);
        Assert.Equal(LinkResult.Ok, car.Connect(Options("car-1")));
        Assert.Equal(LinkResult.Ok, car.Subscribe("tracker/car-1/live"));

        byte[] command = Encoding.UTF8.GetBytes("live=30");
        Assert.Equal(LinkResult.Ok, op.Publish("tracker/car-1/live", command, 0, command.Length, 1, out int id));
        Assert.Equal((id, true), NextCompletion(op));

        var message = NextMessage(car);
        Assert.NotNull(message);
        Assert.Equal("tracker/car-1/live", message.Value.Topic);
        Assert.Equal(command, message.Value.Payload);
    }

    [Fact]
    public void Connect_WithNoBrokerListening_FailsAsTransport_WithoutThrowing()
    {
        TestPki pki = TestPki.Create();
        int port = FreePort.OnLoopback(); // nothing listens there now

        using MqttNetLink car = Create(pki, "car-1", port);
        Assert.Equal(LinkResult.TransportFailed, car.Connect(Options("car-1")));
        Assert.False(car.IsConnected);
        Assert.Equal(1, car.ConnectFailures);
    }

    [Fact]
    public void Publish_WhenNeverConnected_IsNotConnected_AndBadRequestsAreInvalid()
    {
        TestPki pki = TestPki.Create();
        using MqttNetLink car = Create(pki, "car-1", 1);

        Assert.Equal(LinkResult.NotConnected, car.Publish("tracker/car-1/fixes", Hello, 0, Hello.Length, 1, out int id));
        Assert.Equal(0, id);
        Assert.Equal(LinkResult.Invalid, car.Publish("tracker/+/fixes", Hello, 0, Hello.Length, 1, out _));
        Assert.Equal(LinkResult.Invalid, car.Publish(string.Empty, Hello, 0, Hello.Length, 1, out _));
        Assert.Equal(LinkResult.Invalid, car.Publish("tracker/car-1/fixes", Hello, 0, Hello.Length, 2, out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => car.Publish("tracker/car-1/fixes", Hello, 3, Hello.Length, 1, out _));
        Assert.False(car.TryTakeCompletion(out _, out _));
        Assert.False(car.TryTakeMessage(out _, out _));
    }

    [Fact]
    public void Options_RejectACertificateWithoutItsKey()
    {
        TestPki pki = TestPki.Create();
        Assert.Throws<ArgumentException>(() => new MqttNetLinkOptions("127.0.0.1", 8883, pki.Ca, pki.Ca));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MqttNetLinkOptions("127.0.0.1", 0, pki.IssueClient("car-1"), pki.Ca));
    }

    [Fact]
    public void WireSize_MatchesMqtt311()
    {
        // 1 + RL(1) + 2 + 19 + 2 + 100 = 125 bytes; RL = 123 < 128.
        Assert.Equal(125, MqttWireSize.Publish("tracker/car-1/fixes", 100, 1));
        // RL = 2 + 19 + 2 + 200 = 223 takes two bytes.
        Assert.Equal(226, MqttWireSize.Publish("tracker/car-1/fixes", 200, 1));
        // QoS 0 has no packet id: 1 + RL(1) + 2 + 1 = 5.
        Assert.Equal(5, MqttWireSize.Publish("t", 0, 0));
    }
}
