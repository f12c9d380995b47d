using Tracker.Core.Uplink;

namespace Tracker.Provisioning.Verification;

/// <summary>The outcome of <see cref="BundleVerifier.Verify"/>: the installer's "it reports" check.</summary>
public sealed record VerifyResult
{
    /// <summary>True when the broker acknowledged the test message (PUBACK).</summary>
    public required bool Ok { get; init; }

    /// <summary>Which stage ended the check: connect, publish, puback, or done.</summary>
    public required string Stage { get; init; }

    /// <summary>The link's outcome at that stage.</summary>
    public required LinkResult Outcome { get; init; }

    /// <summary>Why it failed (the broker's or TLS's reason), or what succeeded.</summary>
    public required string Reason { get; init; }

    /// <summary>The car id the bundle carries.</summary>
    public required string CarId { get; init; }

    /// <summary>The broker address used.</summary>
    public required string Broker { get; init; }

    /// <summary>The topic of the test message.</summary>
    public required string Topic { get; init; }

    /// <summary>Connection attempts made.</summary>
    public required int Attempts { get; init; }

    /// <summary>Time from the first connect to the end.</summary>
    public required TimeSpan Elapsed { get; init; }
}
