using System.Security.Cryptography.X509Certificates;
using Tracker.Core.Uplink;
using Tracker.HostLink;

namespace Tracker.Provisioning.IntegrationTests.Support;

/// <summary>
/// A mosquitto for a fleet CA: client certificates must chain to the fleet CA and pass its CRL
/// (<c>require_certificate true</c>, <c>crlfile</c>), the CN is the user name
/// (<c>use_identity_as_username true</c>) and <see cref="MosquittoBroker.FleetAcl"/> applies. The
/// broker's own certificate comes from a separate CA (<see cref="BrokerPki"/>), as Amazon's root CA
/// signs IoT Core's, so a bundle's <c>--root-ca</c> is that CA. The operator's identity is issued
/// by the fleet CA, because with a CRL OpenSSL refuses any client whose issuer has no CRL in the file.
/// </summary>
public sealed class FleetBroker : IDisposable
{
    private readonly X509Certificate2 _fleetCa;

    private FleetBroker(X509Certificate2 fleetCa, TestPki brokerPki, MosquittoBroker broker)
    {
        _fleetCa = fleetCa;
        BrokerPki = brokerPki;
        Broker = broker;
    }

    /// <summary>The CA of the broker's certificate (the bundle's root CA).</summary>
    public TestPki BrokerPki { get; }

    /// <summary>The broker.</summary>
    public MosquittoBroker Broker { get; }

    /// <summary>Its TLS port on 127.0.0.1.</summary>
    public int Port => Broker.Port;

    /// <summary>Starts a broker that trusts <paramref name="fleetCa"/> and checks <paramref name="crlPem"/>.</summary>
    /// <param name="fleetCa">The fleet CA certificate, with its key when the operator is to be issued from it.</param>
    /// <param name="crlPem">The fleet CA's CRL (PEM).</param>
    /// <param name="debugLog">Log every packet (to see "Denied PUBLISH").</param>
    /// <param name="brokerPki">The CA of the broker's certificate, when the test made it first (to give it to a bundle as the root CA); a new one when null.</param>
    /// <param name="fleetCaPem">The fleet CA's certificate file as written (PEM); exported from <paramref name="fleetCa"/> when null.</param>
    public static FleetBroker Start(X509Certificate2 fleetCa, string crlPem, bool debugLog = false, TestPki? brokerPki = null, string? fleetCaPem = null)
    {
        ArgumentNullException.ThrowIfNull(fleetCa);
        brokerPki ??= CreateBrokerPki();
        var broker = MosquittoBroker.Start(brokerPki, MosquittoBroker.FleetAcl, debugLog, clientCaPem: fleetCaPem ?? CertificateForge.Pem(fleetCa), crlPem: crlPem);
        return new FleetBroker(fleetCa, brokerPki, broker);
    }

    /// <summary>A CA for a broker's certificate.</summary>
    public static TestPki CreateBrokerPki() => TestPki.Create("Tracker Test Broker Root CA");

    /// <summary>A link for <paramref name="client"/> to this broker (5 s operation timeout).</summary>
    public MqttNetLink Link(X509Certificate2 client) =>
        new(new MqttNetLinkOptions("127.0.0.1", Port, client, BrokerPki.Ca, operationTimeout: TimeSpan.FromSeconds(5)));

    /// <summary>The operator (issued by the fleet CA), connected and subscribed to tracker/#.</summary>
    public MqttNetLink ConnectOperator()
    {
        MqttNetLink link = Link(CertificateForge.IssueClient(_fleetCa, TestLinks.Operator));
        LinkResult connected = link.Connect(TestLinks.Options(TestLinks.Operator + "-" + Guid.NewGuid().ToString("N")[..8]));
        Assert.True(connected == LinkResult.Ok, $"operator connect: {connected} ({link.LastFailure})\n{Broker.RecentLog}");
        Assert.Equal(LinkResult.Ok, link.Subscribe("tracker/#"));
        return link;
    }

    /// <summary>Connects <paramref name="client"/> as <paramref name="clientId"/>, then disconnects.</summary>
    /// <returns>The result and the link's failure text.</returns>
    public (LinkResult Result, string? Failure) TryConnect(X509Certificate2 client, string clientId)
    {
        using MqttNetLink link = Link(client);
        LinkResult result = link.Connect(TestLinks.Options(clientId));
        return (result, link.LastFailure);
    }

    /// <summary>True when the broker's log shows <paramref name="text"/> within 10 s.</summary>
    public bool LogShows(string text) =>
        Poll.Until(() => Broker.RecentLog.Contains(text, StringComparison.Ordinal), TestLinks.Patience);

    /// <summary>Kills the broker and deletes its folder.</summary>
    public void Dispose() => Broker.Dispose();
}
