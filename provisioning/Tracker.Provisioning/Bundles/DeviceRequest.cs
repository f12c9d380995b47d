namespace Tracker.Provisioning.Bundles;

/// <summary>What <see cref="DeviceIdentities.Create"/> is asked to issue and write.</summary>
public sealed record DeviceRequest
{
    /// <summary>The car id: the certificate's CN, the thing name, the MQTT client id.</summary>
    public required string CarId { get; init; }

    /// <summary>The bundles folder; the car's bundle is <c>{BundlesDirectory}/{CarId}</c>.</summary>
    public required string BundlesDirectory { get; init; }

    /// <summary>The broker's host name (the IoT Core ATS endpoint, or the local broker).</summary>
    public required string Endpoint { get; init; }

    /// <summary>The broker's TLS port.</summary>
    public int Port { get; init; } = 8883;

    /// <summary>The cellular APN; <c>""</c> lets the network assign its default.</summary>
    public required string Apn { get; init; }

    /// <summary>A PEM file with the endpoint's root CA (AWS IoT: AmazonRootCA1.pem).</summary>
    public required string RootCaPath { get; init; }

    /// <summary>Who issues it, for the ledger; the OS user when null.</summary>
    public string? Installer { get; init; }

    /// <summary>A report policy file (<c>report.* = value</c> lines, Reporting/README.md) appended to the config, or null.</summary>
    public string? PolicyPath { get; init; }

    /// <summary>The Basic Ingest rule name for <c>mqtt.ingestRule</c>, or null to publish fixes on the plain topic.</summary>
    public string? IngestRule { get; init; }

    /// <summary>Replace the car's existing identity, keeping the old bundle in history and the old ledger entry as rotated.</summary>
    public bool Rotate { get; init; }

    /// <summary>Certificate validity in days (capped at the CA's end).</summary>
    public int ValidDays { get; init; } = 1825;

    /// <summary>The moment of issue; the current time when null (tests issue expired certificates with it).</summary>
    public DateTimeOffset? Now { get; init; }
}
