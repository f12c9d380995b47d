using Tracker.Core.Uplink;

namespace Tracker.Cloud.Derive.Observations;

/// <summary>
/// One status message of a car as the cloud keeps it (the firmware's <see cref="StatusReport"/>, Uplink/README.md),
/// keyed on (<see cref="CarId"/>, <see cref="Ts"/>). Unknown numbers are null, never 0.
/// </summary>
public sealed record StoredStatus
{
    /// <summary>The car.</summary>
    public required string CarId { get; init; }

    /// <summary>The status's time, UTC epoch ms: the device's clock when it was valid, else the arrival time.</summary>
    public required long Ts { get; init; }

    /// <summary>When the cloud received it, UTC epoch ms.</summary>
    public required long ReceivedMs { get; init; }

    /// <summary>False for the broker's last will (the car dropped off): every other field is then unknown.</summary>
    public bool Online { get; init; } = true;

    /// <summary>The ignition input.</summary>
    public IgnitionState Ignition { get; init; } = IgnitionState.Unknown;

    /// <summary>Main (12 V) supply in mV, or null.</summary>
    public int? SupplyMv { get; init; }

    /// <summary>Backup cell in mV, or null (status format version 1 does not carry it).</summary>
    public int? BackupMv { get; init; }
}
