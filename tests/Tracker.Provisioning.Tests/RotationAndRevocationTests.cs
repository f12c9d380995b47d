using Tracker.Provisioning.Bundles;
using Tracker.Provisioning.Inventory;
using Tracker.Provisioning.Pki;
using Tracker.Provisioning.Tests.Support;

namespace Tracker.Provisioning.Tests;

public sealed class RotationAndRevocationTests
{
    [Fact]
    public void Rotate_MovesTheOldBundleToHistory_AndMarksItRotated()
    {
        using var fleet = new Fleet();
        DeviceBundle first = fleet.Create("CAR-0042");
        string firstCert = File.ReadAllText(first.PathOf(BundleFiles.CertificatePem));
        DeviceBundle second = fleet.Create("CAR-0042", rotate: true);
        DeviceBundle third = fleet.Create("CAR-0042", rotate: true);

        Assert.NotEqual(first.Serial, second.Serial);
        string history = Path.Combine(third.Directory, BundleFiles.History);
        string[] kept = Directory.GetDirectories(history).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(2, kept.Length);
        Assert.Equal(firstCert, File.ReadAllText(Path.Combine(kept[0], BundleFiles.CertificatePem)));
        Assert.Equal(second.Serial, DeviceBundle.Open(kept[1]).Serial);
        Assert.Equal(third.Serial, DeviceBundle.Open(third.Directory).Serial);

        Ledger ledger = Ledger.Load(fleet.CaDir);
        Assert.Equal([IdentityStatus.Rotated, IdentityStatus.Rotated, IdentityStatus.Active], ledger.Entries.Select(e => e.Status).ToArray());
        Assert.Equal(third.Serial, ledger.FindActive("CAR-0042")!.Serial);
        Assert.DoesNotContain(Directory.GetDirectories(fleet.BundlesDir), d => Path.GetFileName(d).StartsWith('.'));
    }

    [Fact]
    public void Revoke_ListsTheSerialInANewCrl()
    {
        using var fleet = new Fleet();
        DeviceBundle keep = fleet.Create("CAR-0001");
        DeviceBundle gone = fleet.Create("CAR-0002");
        using FleetCa ca = fleet.Load();
        LedgerEntry revoked = DeviceIdentities.Revoke(ca, "CAR-0002");

        Assert.Equal(IdentityStatus.Revoked, revoked.Status);
        string[] serials = CrlWriter.ReadSerials(File.ReadAllText(CaFiles.PathOf(fleet.CaDir, CaFiles.Crl)), out var number);
        Assert.Equal([gone.Serial], serials);
        Assert.DoesNotContain(keep.Serial, serials);
        Assert.Equal(2, (int)number);
        Assert.Equal(2, Ledger.Load(fleet.CaDir).CrlNumber);
        Assert.Null(Ledger.Load(fleet.CaDir).FindActive("CAR-0002"));
        Assert.Equal(ProvisioningFailure.UnknownCar, Assert.Throws<ProvisioningException>(() => DeviceIdentities.Revoke(ca, "CAR-0002")).Failure);
    }

    [Fact]
    public void Revoke_ARotatedSerial_KeepsTheActiveIdentity()
    {
        using var fleet = new Fleet();
        DeviceBundle old = fleet.Create("CAR-0042");
        DeviceBundle current = fleet.Create("CAR-0042", rotate: true);
        using FleetCa ca = fleet.Load();
        DeviceIdentities.Revoke(ca, "CAR-0042", old.Serial);
        Assert.Equal(current.Serial, Ledger.Load(fleet.CaDir).FindActive("CAR-0042")!.Serial);
        Assert.Equal([old.Serial], CrlWriter.ReadSerials(File.ReadAllText(CaFiles.PathOf(fleet.CaDir, CaFiles.Crl)), out _));
    }

    [Fact]
    public void NewCa_HasAnEmptyCrlNumberedOne()
    {
        using var fleet = new Fleet();
        Assert.Empty(CrlWriter.ReadSerials(File.ReadAllText(CaFiles.PathOf(fleet.CaDir, CaFiles.Crl)), out var number));
        Assert.Equal(1, (int)number);
    }
}
