using System.Security.Cryptography;
using System.Text.Json;
using Tracker.Core.Control;
using Tracker.Provisioning.Bundles;
using Tracker.Provisioning.Pki;
using Tracker.Provisioning.Tests.Support;

namespace Tracker.Provisioning.Tests;

/// <summary>
/// The fleet's code-signing key (issue 18): created by the CLI in the CA folder, encrypted with its own passphrase,
/// its public key in every bundle made after it; an image signed as the car verifies it; a bad passphrase, a missing
/// key and a key that is not the cars' refused.
/// </summary>
public sealed class CodeSigningTests
{
    private const string SignPass = "another long code-signing passphrase";
    private static readonly byte[] Image = RandomNumberGenerator.GetBytes(100 * 1024);

    private static CliRun Cli(string? signPass, params string[] args) =>
        CliRun.WithEnvironment(Fleet.Pass, signPass is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [CodeSigning.PassphraseVariable] = signPass }, args);

    [Fact]
    public void TheCli_CreatesAnEncryptedKey_ThePublicKeyGoesIntoBundles_AndASignedImageVerifiesOnTheCar()
    {
        using var fleet = new Fleet();
        CliRun create = Cli(SignPass, "codesign", "create", "--ca", fleet.CaDir, "--json");
        Assert.True(create.ExitCode == 0, create.Error);
        string pem = File.ReadAllText(Path.Combine(fleet.CaDir, CodeSigning.KeyFile));
        Assert.StartsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----", pem);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(fleet.CaDir, CodeSigning.KeyFile)));
        }

        byte[] modulus = File.ReadAllBytes(Path.Combine(fleet.CaDir, CodeSigning.PublicKeyFile));
        Assert.Equal(CodeSigning.KeyBits / 8, modulus.Length);
        DeviceBundle bundle = fleet.Create("car-0001");
        Assert.Equal(modulus, File.ReadAllBytes(bundle.PathOf(BundleFiles.CodeSigningKey)));

        string imagePath = fleet.Root.Combine("app.img");
        File.WriteAllBytes(imagePath, Image);
        CliRun sign = Cli(SignPass, "codesign", "sign", "--ca", fleet.CaDir, "--image", imagePath, "--version", "1.4.0");
        Assert.True(sign.ExitCode == 0, sign.Error);
        using JsonDocument job = JsonDocument.Parse(File.ReadAllText(imagePath + ".sig.json"));
        JsonElement doc = job.RootElement;
        Assert.Equal("app-update", doc.GetProperty("op").GetString());
        Assert.Equal(Image.Length, doc.GetProperty("size").GetInt32());
        byte[] digest = Convert.FromHexString(doc.GetProperty("sha256").GetString()!);
        Assert.Equal(SHA256.HashData(Image), digest);
        byte[] signature = Convert.FromBase64String(doc.GetProperty("sig").GetString()!);

        // The car's own check, with the key from its bundle.
        Assert.Equal(UpdateCheck.Ok, UpdateVerifier.Check(SHA256.HashData(Image), digest, "1.4.0", signature, File.ReadAllBytes(bundle.PathOf(BundleFiles.CodeSigningKey))));
        Assert.Equal(UpdateCheck.Signature, UpdateVerifier.Check(SHA256.HashData(Image), digest, "1.4.1", signature, modulus));
    }

    [Fact]
    public void ABundleWithTheKey_DeploysItToTheCar_AndARefreshedDeploymentKeepsIt()
    {
        using var fleet = new Fleet();
        CliRun create = Cli(SignPass, "codesign", "create", "--ca", fleet.CaDir, "--json");
        Assert.True(create.ExitCode == 0, create.Error);
        DeviceBundle bundle = fleet.Create("car-0003");

        string[] Destinations()
        {
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(bundle.PathOf(BundleFiles.Deployment)));
            JsonElement[] files = doc.RootElement.GetProperty("Files").EnumerateArray().ToArray();
            Assert.All(files, f => Assert.True(File.Exists(f.GetProperty("SourceFilePath").GetString()), f.ToString()));
            return files.Select(f => f.GetProperty("DestinationFilePath").GetString()!).ToArray();
        }

        string[] expected = ["I:\\tracker.conf", "I:\\ca.pem", "I:\\device.crt", "I:\\device.key", "I:\\codesign.pub"];
        Assert.Equal(expected, Destinations());

        // The bundle folder moved: the refreshed deployment points at the new place and still carries the key.
        string moved = fleet.Root.Combine("moved-car-0003");
        Directory.Move(bundle.Directory, moved);
        bundle = DeviceBundle.Open(moved);
        Assert.True(Tracker.Provisioning.Flashing.NanoffDeployment.Refresh(bundle));
        Assert.Equal(expected, Destinations());
    }

    [Fact]
    public void Pack_PutsABuildsPeFilesBehindAManifest_WhichSignsAndReadsBackAsTheCarReadsIt()
    {
        using var fleet = new Fleet();
        CodeSigning.Create(fleet.CaDir, SignPass, kdfIterations: 2000);
        string core = fleet.Root.Combine("Tracker.Core.pe");
        string app = fleet.Root.Combine("Tracker.Device.pe");
        File.WriteAllBytes(core, Image[..5000]);
        File.WriteAllBytes(app, Image[5000..7000]);
        string imagePath = fleet.Root.Combine("app.img");

        CliRun pack = Cli(null, "codesign", "pack", "--pe", core, "--pe", app, "--version", "1.4.0", "--out", imagePath, "--json");
        Assert.True(pack.ExitCode == 0, pack.Error + pack.Out);
        byte[] image = File.ReadAllBytes(imagePath);
        Assert.True(ImageManifest.TryRead(image, image.Length, image.Length, out ImageManifest? manifest, out string problem), problem);
        Assert.Equal(("1.4.0", "Tracker.Device.Program", "Start"), (manifest!.Version, manifest.EntryType, manifest.EntryMethod));
        Assert.Equal(("Tracker.Core", "Tracker.Device"), (manifest.NameAt(0), manifest.NameAt(1)));
        Assert.Equal(Image[5000..7000], image.AsSpan(manifest.OffsetAt(1), manifest.LengthAt(1)).ToArray());

        CliRun sign = Cli(SignPass, "codesign", "sign", "--ca", fleet.CaDir, "--image", imagePath, "--version", "1.4.0");
        Assert.True(sign.ExitCode == 0, sign.Error);
        using JsonDocument job = JsonDocument.Parse(File.ReadAllText(imagePath + ".sig.json"));
        byte[] signature = Convert.FromBase64String(job.RootElement.GetProperty("sig").GetString()!);
        byte[] modulus = File.ReadAllBytes(Path.Combine(fleet.CaDir, CodeSigning.PublicKeyFile));
        Assert.Equal(UpdateCheck.Ok, UpdateVerifier.Check(SHA256.HashData(image), SHA256.HashData(image), "1.4.0", signature, modulus));

        // The same assembly twice, a bad entry point, a missing file: nothing is written.
        string refused = fleet.Root.Combine("refused.img");
        CliRun twice = Cli(null, "codesign", "pack", "--pe", core, "--pe", core, "--version", "1.4.0", "--out", refused);
        Assert.Equal(1, twice.ExitCode);
        Assert.Contains("named twice", twice.Error + twice.Out);
        CliRun entry = Cli(null, "codesign", "pack", "--pe", core, "--version", "1.4.0", "--entry", "Start", "--out", refused);
        Assert.Equal(1, entry.ExitCode);
        CliRun missing = Cli(null, "codesign", "pack", "--pe", fleet.Root.Combine("none.pe"), "--version", "1.4.0", "--out", refused);
        Assert.Equal(1, missing.ExitCode);
        Assert.False(File.Exists(refused));
    }

    [Fact]
    public void ABadPassphrase_SignsNothing()
    {
        using var fleet = new Fleet();
        CodeSigning.Create(fleet.CaDir, SignPass, kdfIterations: 2000);
        string imagePath = fleet.Root.Combine("app.img");
        File.WriteAllBytes(imagePath, Image);

        CliRun sign = Cli("not the code-signing passphrase", "codesign", "sign", "--ca", fleet.CaDir, "--image", imagePath, "--version", "1.4.0");
        Assert.Equal(1, sign.ExitCode);
        Assert.Contains("passphrase does not open the code-signing key", sign.Error + sign.Out);
        Assert.False(File.Exists(imagePath + ".sig.json"));

        // The CA passphrase is not the code-signing key's.
        var e = Assert.Throws<ProvisioningException>(() => CodeSigning.Load(fleet.CaDir, Fleet.Pass));
        Assert.Equal(ProvisioningFailure.WrongPassphrase, e.Failure);
    }

    [Fact]
    public void AMissingKey_IsNamed_AndBundlesWithoutOneCarryNoKey()
    {
        using var fleet = new Fleet();
        var e = Assert.Throws<ProvisioningException>(() => CodeSigning.Sign(fleet.CaDir, SignPass, Image, "1.4.0"));
        Assert.Equal(ProvisioningFailure.SigningKeyMissing, e.Failure);
        Assert.Contains("codesign create", e.Message);
        Assert.False(File.Exists(fleet.Create("car-0002").PathOf(BundleFiles.CodeSigningKey)));

        CliRun noPass = CliRun.Of(Fleet.Pass, "codesign", "sign", "--ca", fleet.CaDir, "--image", fleet.Root.Combine("none.img"), "--version", "1");
        Assert.Equal(1, noPass.ExitCode);
    }

    [Fact]
    public void AKeyThatIsNotTheCars_SignsNothing_AndAnotherFleetsSignatureIsRefusedByTheCar()
    {
        using var fleet = new Fleet();
        using var other = new Fleet();
        CodeSigning.Create(fleet.CaDir, SignPass, kdfIterations: 2000);
        CodeSigning.Create(other.CaDir, SignPass, kdfIterations: 2000);
        byte[] ours = File.ReadAllBytes(Path.Combine(fleet.CaDir, CodeSigning.PublicKeyFile));

        // Another fleet's key signs fine in its own folder, and the car refuses it.
        ImageSignature foreign = CodeSigning.Sign(other.CaDir, SignPass, Image, "1.4.0");
        Assert.Equal(UpdateCheck.Signature, UpdateVerifier.Check(SHA256.HashData(Image), SHA256.HashData(Image), "1.4.0", Convert.FromBase64String(foreign.Signature), ours));

        // A private key swapped in beside our public key is caught before anything is signed.
        File.Copy(Path.Combine(other.CaDir, CodeSigning.KeyFile), Path.Combine(fleet.CaDir, CodeSigning.KeyFile), overwrite: true);
        var e = Assert.Throws<ProvisioningException>(() => CodeSigning.Sign(fleet.CaDir, SignPass, Image, "1.4.0"));
        Assert.Equal(ProvisioningFailure.SigningKeyMissing, e.Failure);
        Assert.Contains("does not match", e.Message);
    }

    [Fact]
    public void TheKey_IsNeverOverwritten_NorMadeWithAWeakPassphrase_NorWithoutACa()
    {
        using var fleet = new Fleet();
        Assert.Equal(ProvisioningFailure.WeakPassphrase, Assert.Throws<ProvisioningException>(() => CodeSigning.Create(fleet.CaDir, "short", 2000)).Failure);
        CodeSigning.Create(fleet.CaDir, SignPass, kdfIterations: 2000);
        byte[] first = File.ReadAllBytes(Path.Combine(fleet.CaDir, CodeSigning.PublicKeyFile));
        Assert.Equal(ProvisioningFailure.SigningKeyExists, Assert.Throws<ProvisioningException>(() => CodeSigning.Create(fleet.CaDir, SignPass, 2000)).Failure);
        Assert.Equal(first, File.ReadAllBytes(Path.Combine(fleet.CaDir, CodeSigning.PublicKeyFile)));

        using var empty = new TempFolder();
        Assert.Equal(ProvisioningFailure.CaMissing, Assert.Throws<ProvisioningException>(() => CodeSigning.Create(empty.Path, SignPass, 2000)).Failure);
        Assert.Empty(Directory.GetFileSystemEntries(empty.Path));
    }

    [Theory]
    [InlineData("")]
    [InlineData("1.4.0 beta")]
    [InlineData("1.4.0/../x")]
    [InlineData("123456789012345678901234567890123")]
    public void ABadVersionOrAnEmptyImage_IsRefused(string version)
    {
        using var fleet = new Fleet();
        CodeSigning.Create(fleet.CaDir, SignPass, kdfIterations: 2000);
        Assert.Equal(ProvisioningFailure.BadImage, Assert.Throws<ProvisioningException>(() => CodeSigning.Sign(fleet.CaDir, SignPass, Image, version)).Failure);
        Assert.Equal(ProvisioningFailure.BadImage, Assert.Throws<ProvisioningException>(() => CodeSigning.Sign(fleet.CaDir, SignPass, [], "1.0")).Failure);
    }

    [Fact]
    public void ThePassphrase_IsNeverAnOption()
    {
        using var fleet = new Fleet();
        CliRun run = Cli(null, "codesign", "create", "--ca", fleet.CaDir, "--passphrase", "x");
        Assert.Equal(2, run.ExitCode);
        Assert.False(File.Exists(Path.Combine(fleet.CaDir, CodeSigning.KeyFile)));
        run = Cli(null, "codesign", "create", "--ca", fleet.CaDir);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(CodeSigning.PassphraseVariable, run.Error + run.Out);
    }
}
