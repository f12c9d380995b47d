using System.Security.Cryptography.X509Certificates;

namespace Tracker.HostLink;

/// <summary>
/// Where and as whom an <see cref="MqttNetLink"/> connects: the broker's address, the car's client
/// certificate (mutual TLS), the CA that must have issued the broker's certificate, and the link's
/// own limits. Immutable; validated at construction, so a bad value fails at start-up with the
/// parameter's name, not at the first connect.
/// </summary>
public sealed class MqttNetLinkOptions
{
    /// <summary>The default for <see cref="OperationTimeout"/>.</summary>
    public static readonly TimeSpan DefaultOperationTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The default for <see cref="MaxInFlight"/>.</summary>
    public const int DefaultMaxInFlight = 32;

    /// <summary>The default for <see cref="MaxQueuedMessages"/>.</summary>
    public const int DefaultMaxQueuedMessages = 1024;

    /// <summary>Creates options.</summary>
    /// <param name="host">The broker's host name or IP address.</param>
    /// <param name="port">The broker's TLS port (8883 for AWS IoT Core and most brokers).</param>
    /// <param name="clientCertificate">The car's certificate, with its private key.</param>
    /// <param name="caCertificate">The CA the broker's certificate must chain to (the only trust anchor; the system store is not used).</param>
    /// <param name="serverName">The name the broker's certificate must carry (SNI and host-name check); <paramref name="host"/> when null.</param>
    /// <param name="operationTimeout">How long connect, subscribe, disconnect and a PUBACK may take; 1 s to 5 min; <see cref="DefaultOperationTimeout"/> when null.</param>
    /// <param name="maxInFlight">QoS 1 messages awaiting PUBACK before <c>Publish</c> answers Busy; 1 to 65,535 (MQTT packet ids are 16 bits).</param>
    /// <param name="maxQueuedMessages">Received messages held for <c>TryTakeMessage</c>; more are dropped and counted; 1 to 1,000,000.</param>
    public MqttNetLinkOptions(
        string host,
        int port,
        X509Certificate2 clientCertificate,
        X509Certificate2 caCertificate,
        string? serverName = null,
        TimeSpan? operationTimeout = null,
        int maxInFlight = DefaultMaxInFlight,
        int maxQueuedMessages = DefaultMaxQueuedMessages)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        ArgumentNullException.ThrowIfNull(clientCertificate);
        ArgumentNullException.ThrowIfNull(caCertificate);
        if (!clientCertificate.HasPrivateKey)
        {
            throw new ArgumentException("the client certificate needs its private key for mutual TLS", nameof(clientCertificate));
        }

        TimeSpan timeout = operationTimeout ?? DefaultOperationTimeout;
        if (timeout < TimeSpan.FromSeconds(1) || timeout > TimeSpan.FromMinutes(5))
        {
            throw new ArgumentOutOfRangeException(nameof(operationTimeout), timeout, "must be 1 s to 5 min");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(maxInFlight, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxInFlight, 65535);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxQueuedMessages, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxQueuedMessages, 1_000_000);
        if (serverName is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(serverName);
        }

        Host = host;
        Port = port;
        ClientCertificate = clientCertificate;
        CaCertificate = caCertificate;
        ServerName = serverName ?? host;
        OperationTimeout = timeout;
        MaxInFlight = maxInFlight;
        MaxQueuedMessages = maxQueuedMessages;
    }

    /// <summary>The broker's host name or IP address.</summary>
    public string Host { get; }

    /// <summary>The broker's TLS port.</summary>
    public int Port { get; }

    /// <summary>The car's certificate, with its private key.</summary>
    public X509Certificate2 ClientCertificate { get; }

    /// <summary>The only CA the broker's certificate may chain to.</summary>
    public X509Certificate2 CaCertificate { get; }

    /// <summary>The name the broker's certificate must carry.</summary>
    public string ServerName { get; }

    /// <summary>How long connect, subscribe, disconnect and a PUBACK may take.</summary>
    public TimeSpan OperationTimeout { get; }

    /// <summary>QoS 1 messages awaiting PUBACK before <c>Publish</c> answers Busy.</summary>
    public int MaxInFlight { get; }

    /// <summary>Received messages held for <c>TryTakeMessage</c>.</summary>
    public int MaxQueuedMessages { get; }

    /// <summary>
    /// Options from the PEM files a provisioned car carries (its certificate, its private key, the
    /// broker's CA), as the provisioning tool writes them.
    /// </summary>
    /// <param name="host">The broker's host name or IP address.</param>
    /// <param name="port">The broker's TLS port.</param>
    /// <param name="certificatePemPath">The car's certificate (PEM).</param>
    /// <param name="privateKeyPemPath">The car's private key (PEM, PKCS#8, SEC1 or PKCS#1).</param>
    /// <param name="caPemPath">The CA certificate (PEM, certificate only; the first one when the file holds several).</param>
    /// <param name="serverName">The name the broker's certificate must carry; <paramref name="host"/> when null.</param>
    /// <returns>The options, with the defaults for the limits.</returns>
    public static MqttNetLinkOptions FromPemFiles(string host, int port, string certificatePemPath, string privateKeyPemPath, string caPemPath, string? serverName = null)
    {
        X509Certificate2 client = X509Certificate2.CreateFromPemFile(certificatePemPath, privateKeyPemPath);
        // A CA file holds certificates and no key: CreateFromPemFile would look for a key and throw.
        var cas = new X509Certificate2Collection();
        cas.ImportFromPemFile(caPemPath);
        if (cas.Count == 0)
        {
            throw new ArgumentException($"{caPemPath} holds no PEM certificate", nameof(caPemPath));
        }

        X509Certificate2 ca = cas[0];
        return new MqttNetLinkOptions(host, port, client, ca, serverName);
    }
}
