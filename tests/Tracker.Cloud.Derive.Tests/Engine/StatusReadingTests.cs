using Tracker.Cloud.Derive.Observations;
using Tracker.Core.Uplink;

namespace Tracker.Cloud.Derive.Tests.Engine;

public sealed class StatusReadingTests
{
    private const long Received = 1_750_000_000_500;

    [Fact]
    public void AVersion2Status_GivesBothVoltagesAndTheIgnition_AtTheDevicesTime()
    {
        StatusReport report = StatusReport.CreateOnline();
        report.Ignition = IgnitionState.Off;
        report.UtcS = 1_750_000_000;
        report.SupplyMv = 11_700;
        report.BackupMv = 4_050;
        byte[] buffer = new byte[StatusCodec.MaxBytes];
        int length = StatusCodec.Encode(ref report, buffer, 0);

        Assert.True(StatusReading.TryRead("car-1", buffer[..length], Received, out StoredStatus? status, out _));
        Assert.Equal((1_750_000_000_000L, IgnitionState.Off, 11_700, 4_050), (status!.Ts, status.Ignition, status.SupplyMv!.Value, status.BackupMv!.Value));
    }

    [Fact]
    public void AVersion1Status_HasNoBackupVoltage_AndADeviceClockFarOff_GivesTheArrivalTime()
    {
        // The README's version-1 vector: UTC 1750000000, 12,600 mV, no backup voltage.
        byte[] v1 = Convert.FromHexString("0157A2A6FA01F6901C80C3BBC206B862A9010211000305312E302E30");
        Assert.True(StatusReading.TryRead("car-1", v1, Received + 3_600_000, out StoredStatus? status, out _));
        Assert.Equal((Received + 3_600_000, 12_600, (int?)null), (status!.Ts, status.SupplyMv!.Value, status.BackupMv));
    }

    [Fact]
    public void TheWill_IsAnOfflineStatus_AndGarbageIsRefused()
    {
        Assert.True(StatusReading.TryRead("car-1", StatusCodec.EncodeWill(), Received, out StoredStatus? will, out _));
        Assert.False(will!.Online);
        Assert.False(StatusReading.TryRead("car-1", [1, 2, 3, 4, 5, 6, 7], Received, out _, out StatusError error));
        Assert.NotEqual(StatusError.None, error);
    }
}
