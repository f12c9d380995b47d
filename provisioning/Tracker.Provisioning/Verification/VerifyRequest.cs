namespace Tracker.Provisioning.Verification;

/// <summary>What <see cref="BundleVerifier.Verify"/> checks.</summary>
public sealed record VerifyRequest
{
    /// <summary>The car's bundle folder.</summary>
    public required string BundleDirectory { get; init; }

    /// <summary>The broker's host; the bundle's endpoint when null (use 127.0.0.1 for the local stack).</summary>
    public string? Host { get; init; }

    /// <summary>The broker's port; the bundle's when null.</summary>
    public int? Port { get; init; }

    /// <summary>A PEM file with the CA the broker's certificate must chain to; the bundle's root CA (ca.pem) when null.</summary>
    public string? CaPath { get; init; }

    /// <summary>The name the broker's certificate must carry; the host when null.</summary>
    public string? ServerName { get; init; }

    /// <summary>Connection attempts (1 to 10). IoT Core may drop a new certificate's first connection while JITP registers it, so a second try is normal.</summary>
    public int Attempts { get; init; } = 3;

    /// <summary>Pause between attempts.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How long each connect and the PUBACK may take.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);
}
