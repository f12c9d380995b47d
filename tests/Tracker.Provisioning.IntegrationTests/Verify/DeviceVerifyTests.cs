using Tracker.Core.Uplink;
using Tracker.HostLink;
using Tracker.Provisioning.Bundles;
using Tracker.Provisioning.IntegrationTests.Support;
using Tracker.Provisioning.Verification;
using Xunit.Abstractions;
using static Tracker.Testing.TestLinks;

namespace Tracker.Provisioning.IntegrationTests.Verify;

/// <summary>
/// <c>device verify</c> (<see cref="BundleVerifier"/>), the installer's "it reports" check, against
/// the local broker: it succeeds for a fresh bundle, and fails with a clear reason once the car's
/// identity is revoked.
/// </summary>
public sealed class DeviceVerifyTests(ITestOutputHelper output)
{
    private const string Car = "car-0001";

    [MosquittoFact]
    public void Verify_WithAFreshBundle_PublishesTheCarsStatus_AndTheOperatorReceivesIt()
    {
        using var fleet = ProvisionedFleet.Create();
        using FleetBroker broker = fleet.StartBroker();
        DeviceBundle bundle = fleet.CreateDevice(Car, broker.Port);
        using MqttNetLink op = broker.ConnectOperator();

        VerifyResult result = BundleVerifier.Verify(Request(bundle));
        output.WriteLine($"{result.Stage} {result.Outcome} in {result.Elapsed.TotalMilliseconds:F0} ms: {result.Reason}");

        Assert.True(result.Ok, $"{result.Stage} {result.Outcome}: {result.Reason}\n{broker.Broker.RecentLog}");
        Assert.Equal("done", result.Stage);
        Assert.Equal("tracker/" + Car + "/status", result.Topic);

        // mosquitto acknowledges even a PUBLISH its ACL drops (MQTT 3.1.1 §3.3.5), so the PUBACK alone
        // does not prove the message went anywhere: the operator must receive it, and it must decode.
        (string Topic, byte[] Payload)? message = NextMessage(op);
        Assert.NotNull(message);
        Assert.Equal(result.Topic, message.Value.Topic);
        Assert.True(StatusCodec.TryDecode(message.Value.Payload, 0, message.Value.Payload.Length, out StatusReport status, out StatusError error), error.ToString());
        Assert.Equal(BundleVerifier.FirmwareVersion, status.FirmwareVersion);
    }

    [MosquittoFact]
    public void Verify_WithARevokedIdentity_FailsAtConnect_WithAReason()
    {
        using var fleet = ProvisionedFleet.Create();
        using FleetBroker broker = fleet.StartBroker();
        DeviceBundle bundle = fleet.CreateDevice(Car, broker.Port);
        Assert.True(BundleVerifier.Verify(Request(bundle)).Ok, broker.Broker.RecentLog);

        fleet.Revoke(Car);
        broker.Broker.ReplaceCrl(fleet.CrlPem);
        VerifyResult result = BundleVerifier.Verify(Request(bundle));
        output.WriteLine($"{result.Stage} {result.Outcome} after {result.Attempts} attempt(s): {result.Reason}");

        Assert.False(result.Ok);
        Assert.Equal("connect", result.Stage);
        Assert.True(result.Outcome is LinkResult.Refused or LinkResult.TransportFailed, result.Outcome.ToString());
        Assert.False(string.IsNullOrWhiteSpace(result.Reason));
        Assert.True(broker.LogShows("certificate verify failed"), broker.Broker.RecentLog);
    }

    private static VerifyRequest Request(DeviceBundle bundle) => new()
    {
        BundleDirectory = bundle.Directory,
        Attempts = 1,
        Timeout = TimeSpan.FromSeconds(5),
    };
}
