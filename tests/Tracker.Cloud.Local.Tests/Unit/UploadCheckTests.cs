using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Tracker.Cloud.Lambda.Updates;
using Tracker.Cloud.Local.Updates;
using Tracker.Core.Control;

namespace Tracker.Cloud.Local.Tests.Unit;

/// <summary>
/// One upload check (issue 18): the local image library and the API function refuse exactly the same uploads, with the
/// same status, code and words, because both call <see cref="UpdateImage.Check"/>; and a version is what the car's own
/// job reader takes (<see cref="UpdateLimits.IsValidVersion"/>).
/// </summary>
public sealed class UploadCheckTests : IDisposable
{
    private static readonly RSA Fleet = RSA.Create(3072);
    private static readonly RSA Other = RSA.Create(3072);
    private static readonly byte[] Modulus = Fleet.ExportParameters(false).Modulus!;

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("upload-check-");

    public void Dispose() => _folder.Delete(true);

    private static JsonObject Signed(byte[] image, string version, RSA? key = null, string? signedVersion = null)
    {
        byte[] digest = SHA256.HashData(image);
        byte[] sig = (key ?? Fleet).SignHash(UpdateVerifier.SignedDigest(digest, signedVersion ?? version), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return Parsed(new JsonObject
        {
            ["op"] = UpdateLimits.Operation,
            ["version"] = version,
            ["size"] = image.Length,
            ["sha256"] = Convert.ToHexStringLower(digest),
            ["sig"] = Convert.ToBase64String(sig),
            ["keyId"] = "0011223344556677",
        });
    }

    // As the API reads a request: parsed from its text (a JsonValue built from an int does not read back as a long).
    private static JsonObject Parsed(JsonObject o) => JsonNode.Parse(o.ToJsonString())!.AsObject();

    private static JsonObject With(JsonObject o, string name, JsonNode? value)
    {
        JsonObject copy = o.DeepClone().AsObject();
        copy[name] = value;
        return Parsed(copy);
    }

    private static JsonObject Without(JsonObject o, string name)
    {
        JsonObject copy = o.DeepClone().AsObject();
        copy.Remove(name);
        return Parsed(copy);
    }

    // Every upload of the table: the name says what is wrong with it (or nothing).
    private static IEnumerable<(string Name, byte[] Image, JsonObject Signature)> Uploads()
    {
        byte[] image = new byte[4096];
        new Random(18).NextBytes(image);
        JsonObject good = Signed(image, "2.0.0");
        yield return ("good", image, good);
        yield return ("empty image", [], Signed([], "2.0.0"));
        byte[] huge = new byte[UpdateLimits.MaxImageBytes + 1];
        yield return ("image over the limit", huge, Signed(huge, "2.0.0"));
        foreach (string version in VersionTable.Select(v => v.Version))
        {
            yield return ("version '" + version + "'", image, Signed(image, version));
        }

        yield return ("version missing", image, Without(good, "version"));
        yield return ("version a number", image, With(good, "version", 2));
        yield return ("op another", image, With(good, "op", "factory-reset"));
        yield return ("op a number", image, With(good, "op", 1));
        yield return ("op missing", image, Without(good, "op"));
        yield return ("op missing and sha256 missing", image, Without(Without(good, "op"), "sha256"));
        yield return ("op another and sig missing", image, Without(With(good, "op", "x"), "sig"));
        yield return ("sha256 missing", image, Without(good, "sha256"));
        yield return ("sig missing", image, Without(good, "sig"));
        yield return ("size missing", image, Without(good, "size"));
        yield return ("size a string", image, With(good, "size", "4096"));
        yield return ("size a fraction", image, With(good, "size", 4096.5));
        yield return ("sig not base64", image, With(good, "sig", "not base64!"));
        yield return ("sig not base64 and sha256 wrong", image, With(With(good, "sig", "!!"), "sha256", new string('0', 64)));
        yield return ("sha256 of other bytes", image, With(good, "sha256", new string('a', 64)));
        yield return ("size differs", image, With(good, "size", 4095));
        yield return ("sha256 upper case", image, With(good, "sha256", ((string)good["sha256"]!).ToUpperInvariant()));
        yield return ("another key's signature", image, Signed(image, "2.0.0", Other));
        yield return ("signed as another version", image, Signed(image, "2.0.0", signedVersion: "2.0.1"));
        yield return ("signature truncated", image, With(good, "sig", ((string)good["sig"]!)[..100]));
    }

    /// <summary>Versions at the edges of the rule, and whether the car takes each.</summary>
    private static readonly (string Version, bool Valid)[] VersionTable =
    [
        ("1.4.0", true),
        (".1", false),
        (".", false),
        ("..", false),
        ("1.", true),
        ("1..2", true),
        ("01.2", true),
        ("-1", true),
        ("1.4.0-rc.1+build.5", true),
        (new string('9', 32), true),
        (new string('9', 33), false),
        ("99999999999999999999999999999999999999999999999999", false),
        ("\u0661\u0662", false), // Arabic-Indic digits
        ("\uff11.\uff12", false), // full-width digits
        ("1\u00b2", false), // superscript two
        ("v\u00e9", false),
        (string.Empty, false),
        ("1 2", false),
        ("1/2", false),
        ("..\\2", false),
    ];

    [Fact]
    public void BothHosts_RefuseExactlyTheSameUploads_WithTheSameStatusCodeAndWords()
    {
        int refused = 0;
        int accepted = 0;
        foreach ((string name, byte[] image, JsonObject signature) in Uploads())
        {
            (int Status, string Code, string Detail)? lambda = UpdateImage.Check(image, signature, Modulus, out UpdateImage? checkedImage);
            string folder = Path.Combine(_folder.FullName, (accepted + refused).ToString());
            var library = new ImageLibrary(folder, () => Modulus);
            (int Status, string Code, string Detail)? local = library.Add(image, signature, out UpdateImage? stored);

            Assert.True(lambda == local, $"{name}: API {lambda}, local {local}");
            if (lambda is null)
            {
                accepted++;
                Assert.Equal(checkedImage!.Version, stored!.Version);
                Assert.Equal(checkedImage.Sha256, stored.Sha256);
                Assert.Equal(checkedImage.KeyId, stored.KeyId);
                Assert.NotNull(library.Find(stored.Version));
            }
            else
            {
                refused++;
                Assert.Empty(Directory.EnumerateFiles(folder));
            }
        }

        Assert.True(accepted >= 8 && refused >= 25, $"accepted {accepted}, refused {refused}");
    }

    [Fact]
    public void AVersion_IsAcceptedAtUpload_ExactlyWhenTheCarsRuleTakesIt()
    {
        byte[] image = [1, 2, 3, 4];
        foreach ((string version, bool valid) in VersionTable)
        {
            Assert.True(valid == UpdateLimits.IsValidVersion(version), version);
            (int Status, string Code, string Detail)? refusal = UpdateImage.Check(image, Signed(image, version), Modulus, out _);
            Assert.True(valid == refusal is null, $"'{version}': {refusal}");
            if (!valid)
            {
                Assert.Equal((422, "bad-signature"), (refusal!.Value.Status, refusal.Value.Code));
                Assert.Contains(UpdateLimits.VersionRule, refusal.Value.Detail, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void WithoutTheFleetKey_TheLibraryRefusesFirst_WhateverTheUpload()
    {
        var library = new ImageLibrary(_folder.FullName, () => null);
        foreach ((string name, byte[] image, JsonObject signature) in Uploads())
        {
            Assert.Equal((409, "no-signing-key"), library.Add(image, signature, out _) is { } r ? (r.Status, r.Code) : (0, name));
        }
    }
}
