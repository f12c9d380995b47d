using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Tracker.Provisioning.Inventory;
using Tracker.Provisioning.Pki;
using Tracker.Provisioning.Tests.Support;

namespace Tracker.Provisioning.Tests;

public sealed class FleetCaTests
{
    [Fact]
    public void Create_WritesCaFiles_AndLoadGivesTheKey()
    {
        using var fleet = new Fleet();
        foreach (string name in new[] { CaFiles.Certificate, CaFiles.Key, CaFiles.Ledger, CaFiles.Crl, CaFiles.JitpTemplate, CaFiles.IotPolicy })
        {
            Assert.True(File.Exists(CaFiles.PathOf(fleet.CaDir, name)), name);
        }

        using FleetCa ca = fleet.Load();
        Assert.True(ca.Certificate.HasPrivateKey);
        using ECDsa? key = ca.Certificate.GetECDsaPrivateKey();
        Assert.Equal(256, key!.KeySize);
        var basic = ca.Certificate.Extensions.OfType<X509BasicConstraintsExtension>().Single();
        Assert.True(basic.CertificateAuthority);
        Assert.Empty(Ledger.Load(fleet.CaDir).Entries);
        Assert.Equal(1, Ledger.Load(fleet.CaDir).CrlNumber);
        Assert.Equal(2, Directory.GetFileSystemEntries(fleet.Root.Path).Length); // the CA folder and the root CA file: no staging folder left over
    }

    [Fact]
    public void KeyFile_IsEncryptedPkcs8_NeverPlain()
    {
        using var fleet = new Fleet();
        string pem = File.ReadAllText(CaFiles.PathOf(fleet.CaDir, CaFiles.Key));
        Assert.StartsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----", pem);
        Assert.DoesNotContain("BEGIN PRIVATE KEY", pem);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(CaFiles.PathOf(fleet.CaDir, CaFiles.Key)));
        }
    }

    [Fact]
    public void Load_WithWrongPassphrase_IsRefused()
    {
        using var fleet = new Fleet();
        var e = Assert.Throws<ProvisioningException>(() => FleetCa.Load(fleet.CaDir, "not the passphrase"));
        Assert.Equal(ProvisioningFailure.WrongPassphrase, e.Failure);
    }

    [Fact]
    public void Load_OfAFolderWithoutCa_IsCaMissing()
    {
        using var temp = new TempFolder();
        var e = Assert.Throws<ProvisioningException>(() => FleetCa.Load(temp.Path, Fleet.Pass));
        Assert.Equal(ProvisioningFailure.CaMissing, e.Failure);
    }

    [Fact]
    public void Create_OverAnExistingCa_IsRefused_AndChangesNothing()
    {
        using var fleet = new Fleet();
        string before = fleet.Root.TreeHash();
        var e = Assert.Throws<ProvisioningException>(() => FleetCa.Create(fleet.CaDir, Fleet.Pass, Fleet.FastOptions));
        Assert.Equal(ProvisioningFailure.CaExists, e.Failure);
        Assert.Equal(before, fleet.Root.TreeHash());
    }

    [Fact]
    public void Create_WithAShortPassphrase_IsRefused_AndChangesNothing()
    {
        using var temp = new TempFolder();
        var e = Assert.Throws<ProvisioningException>(() => FleetCa.Create(temp.Combine("ca"), "short", Fleet.FastOptions));
        Assert.Equal(ProvisioningFailure.WeakPassphrase, e.Failure);
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public void Create_UnderAMissingParent_IsOutputNotWritable_AndChangesNothing()
    {
        using var temp = new TempFolder();
        var e = Assert.Throws<ProvisioningException>(() => FleetCa.Create(temp.Combine("no", "such", "ca"), Fleet.Pass, Fleet.FastOptions));
        Assert.Equal(ProvisioningFailure.OutputNotWritable, e.Failure);
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public void VerificationCertificate_HasTheCodeAsCn_AndChainsToTheCa()
    {
        using var fleet = new Fleet();
        using FleetCa ca = fleet.Load();
        const string Code = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";
        string path = ca.WriteVerificationCertificate(Code);
        using X509Certificate2 cert = X509Certificate2.CreateFromPem(File.ReadAllText(path));
        Assert.Equal(Code, CertificateFacts.CommonName(cert));
        Assert.False(cert.HasPrivateKey);
        Assert.True(Chains(cert, ca.Certificate));
        Assert.NotEqual(Convert.ToHexString(ca.Certificate.GetPublicKey()), Convert.ToHexString(cert.GetPublicKey()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123456789")]
    public void VerificationCertificate_WithABadCode_IsRefused(string code)
    {
        using var fleet = new Fleet();
        using FleetCa ca = fleet.Load();
        string before = fleet.Root.TreeHash();
        Assert.Equal(ProvisioningFailure.InvalidArgument, Assert.Throws<ProvisioningException>(() => ca.WriteVerificationCertificate(code)).Failure);
        Assert.Equal(before, fleet.Root.TreeHash());
    }

    internal static bool Chains(X509Certificate2 leaf, X509Certificate2 ca)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(X509CertificateLoader.LoadCertificate(ca.RawData));
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(leaf);
    }
}
