using System.Text;
using Tracker.Core.Uplink;
using Tracker.HostLink;
using Tracker.Provisioning.Bundles;
using Tracker.Provisioning.IntegrationTests.Support;
using static Tracker.Testing.TestLinks;

namespace Tracker.Provisioning.IntegrationTests.Identity;

/// <summary>
/// A provisioned car connects with its bundle's PEM files and publishes only to its own topics
/// (issue 4, "A provisioned device connects, and publishes only to its own car's topics").
/// </summary>
public sealed class ProvisionedDeviceTests
{
    private static readonly byte[] Forged = Encoding.UTF8.GetBytes("forged");
    private static readonly byte[] Own = Encoding.UTF8.GetBytes("own");

    [MosquittoFact]
    public void ProvisionedDevice_PublishesToItsOwnTopics_AndNotToAnotherCars()
    {
        using var fleet = ProvisionedFleet.Create();
        using FleetBroker broker = fleet.StartBroker(debugLog: true);
        DeviceBundle bundle = fleet.CreateDevice("car-0001", broker.Port);
        using MqttNetLink op = broker.ConnectOperator();
        using var car = new MqttNetLink(ProvisionedFleet.Options(bundle, broker.Port));
        Assert.Equal(LinkResult.Ok, car.Connect(Options("car-0001")));

        // MQTT 3.1.1 cannot refuse a PUBLISH (§3.3.5): mosquitto acknowledges and drops it, so what
        // counts is that the operator never receives it. The broker handles one client's packets in
        // order, so once the operator has the car's later messages, the forged one is gone for good.
        Assert.True(UplinkTopics.TryCreate("car-0001", null, out UplinkTopics? own, out string error), error);
        Assert.True(UplinkTopics.TryCreate("car-0002", null, out UplinkTopics? other, out error), error);
        Assert.Equal(LinkResult.Ok, car.Publish(other!.Fixes, Forged, 0, Forged.Length, 1, out _));
        Assert.Equal(LinkResult.Ok, car.Publish(own!.Fixes, Own, 0, Own.Length, 1, out _));
        Assert.Equal(LinkResult.Ok, car.Publish(own.Status, Own, 0, Own.Length, 1, out _));

        AssertNext(op, own.Fixes, Own);
        AssertNext(op, own.Status, Own);
        Assert.True(broker.LogShows("Denied PUBLISH from car-0001"), broker.Broker.RecentLog);
        Assert.False(op.TryTakeMessage(out string topic, out _), "the operator received " + topic);
    }

    private static void AssertNext(MqttNetLink link, string topic, byte[] payload)
    {
        (string Topic, byte[] Payload)? message = NextMessage(link);
        Assert.NotNull(message);
        Assert.Equal(topic, message.Value.Topic);
        Assert.Equal(payload, message.Value.Payload);
    }
}
