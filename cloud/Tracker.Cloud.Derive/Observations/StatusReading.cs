using Tracker.Core.Uplink;

namespace Tracker.Cloud.Derive.Observations;

/// <summary>
/// Turns a status message (the firmware's <see cref="StatusCodec"/>, Uplink/README.md) into a <see cref="StoredStatus"/>.
/// Statuses go out live (they are not in the car's log), so their time is the device's clock when it is valid and
/// within <see cref="MaxClockSkew"/> of the arrival, else the arrival.
/// </summary>
public static class StatusReading
{
    /// <summary>The most the device's clock may differ from the arrival and still be believed.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>Decodes a status message.</summary>
    /// <param name="carId">The car.</param>
    /// <param name="payload">The message.</param>
    /// <param name="receivedMs">When it arrived.</param>
    /// <param name="status">The status, when the message is one.</param>
    /// <param name="error">Why not.</param>
    /// <returns>True when decoded.</returns>
    public static bool TryRead(string carId, byte[] payload, long receivedMs, out StoredStatus? status, out StatusError error)
    {
        ArgumentException.ThrowIfNullOrEmpty(carId);
        ArgumentNullException.ThrowIfNull(payload);
        status = null;
        if (!StatusCodec.TryDecode(payload, 0, payload.Length, out StatusReport report, out error))
        {
            return false;
        }

        long ts = receivedMs;
        if (report.UtcS != StatusReport.Unknown && Math.Abs((report.UtcS * 1000) - receivedMs) <= (long)MaxClockSkew.TotalMilliseconds)
        {
            ts = report.UtcS * 1000;
        }

        status = new StoredStatus
        {
            CarId = carId,
            Ts = ts,
            ReceivedMs = receivedMs,
            Online = report.Kind == StatusKind.Online,
            Ignition = report.Ignition,
            SupplyMv = report.SupplyMv == StatusReport.Unknown ? null : report.SupplyMv,
            BackupMv = report.BackupMv == StatusReport.Unknown ? null : report.BackupMv,
        };
        return true;
    }
}
