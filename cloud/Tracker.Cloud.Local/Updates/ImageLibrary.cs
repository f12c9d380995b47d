using System.Text.Json.Nodes;
using Tracker.Cloud.Lambda.Updates;
using Tracker.Core.Control;

namespace Tracker.Cloud.Local.Updates;

/// <summary>
/// The application images an operator uploaded (issue 18), the local stand-in for the S3 bucket of images: each
/// version's image (<c>{version}.bin</c>, served by the <see cref="ImageServer"/>) beside the job document's image
/// fields as <c>codesign sign</c> wrote them (<c>{version}.sig.json</c>). An upload is accepted only when the
/// fleet's code-signing key signed that image under that version, checked with the car's own verifier: the host
/// refuses what every car would refuse. A version is never replaced by other bytes. Thread-safe.
/// </summary>
public sealed class ImageLibrary
{
    private readonly object _gate = new();
    private readonly string _folder;
    private readonly Func<byte[]?> _publicKey;

    /// <summary>Uses <paramref name="folder"/>, verifying against the key <paramref name="publicKey"/> reads (null: the fleet has none yet).</summary>
    /// <param name="folder">The images' folder.</param>
    /// <param name="publicKey">Reads the fleet's code-signing public key (the modulus the cars carry).</param>
    public ImageLibrary(string folder, Func<byte[]?> publicKey)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(publicKey);
        _folder = Path.GetFullPath(folder);
        _publicKey = publicKey;
        Directory.CreateDirectory(_folder);
    }

    /// <summary>The folder the image server serves.</summary>
    public string Folder => _folder;

    /// <summary>The file name of a version's image.</summary>
    /// <param name="version">The version.</param>
    /// <returns>The name.</returns>
    public static string FileOf(string version) => version + ".bin";

    /// <summary>Adds an image.</summary>
    /// <param name="image">The image's bytes.</param>
    /// <param name="signature">The image fields <c>codesign sign</c> wrote (<c>op</c>, <c>version</c>, <c>size</c>, <c>sha256</c>, <c>sig</c>, <c>keyId</c>).</param>
    /// <param name="stored">The stored entry, or null.</param>
    /// <returns>Null when stored (or the same bytes were already there), else the HTTP status and why.</returns>
    public (int Status, string Code, string Detail)? Add(byte[] image, JsonObject signature, out UpdateImage? stored)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(signature);
        stored = null;

        // Without the fleet's key nothing can be checked, so this comes first; the rest is the API function's own check.
        byte[]? modulus = _publicKey();
        if (modulus is null)
        {
            return (409, "no-signing-key", "The fleet has no code-signing key: create it with 'tracker-provision codesign create' in the host's CA folder.");
        }

        if (UpdateImage.Check(image, signature, modulus, out UpdateImage? entry) is { } refused)
        {
            return refused;
        }

        string version = entry!.Version;
        lock (_gate)
        {
            string path = Path.Combine(_folder, FileOf(version));
            if (File.Exists(path))
            {
                if (!File.ReadAllBytes(path).AsSpan().SequenceEqual(image))
                {
                    return (409, "version-exists", "Version " + version + " is already uploaded with other bytes; a version is never replaced.");
                }

                stored = entry;
                return null;
            }

            File.WriteAllText(Path.Combine(_folder, version + ".sig.json"), entry.ToJson().ToJsonString());
            string tmp = path + ".tmp";
            File.WriteAllBytes(tmp, image);
            File.Move(tmp, path);
        }

        stored = entry;
        return null;
    }

    /// <summary>A version's entry, or null.</summary>
    /// <param name="version">The version.</param>
    /// <returns>The entry.</returns>
    public UpdateImage? Find(string version)
    {
        if (!UpdateLimits.IsValidVersion(version))
        {
            return null;
        }

        lock (_gate)
        {
            string sig = Path.Combine(_folder, version + ".sig.json");
            if (!File.Exists(sig) || !File.Exists(Path.Combine(_folder, FileOf(version))))
            {
                return null;
            }

            return Read(JsonNode.Parse(File.ReadAllText(sig))!.AsObject());
        }
    }

    /// <summary>Every image, by version.</summary>
    /// <returns>The entries.</returns>
    public IReadOnlyList<UpdateImage> All()
    {
        lock (_gate)
        {
            return Directory.EnumerateFiles(_folder, "*.sig.json")
                .Select(f => Path.GetFileName(f)[..^".sig.json".Length])
                .Where(v => File.Exists(Path.Combine(_folder, FileOf(v))))
                .Order(StringComparer.Ordinal)
                .Select(v => Read(JsonNode.Parse(File.ReadAllText(Path.Combine(_folder, v + ".sig.json")))!.AsObject()))
                .ToList();
        }
    }

    // A record this library wrote (UpdateImage.ToJson), read back.
    private static UpdateImage Read(JsonObject o) =>
        new((string)o["version"]!, (long)o["size"]!, (string)o["sha256"]!, (string)o["sig"]!, (string)o["keyId"]!);
}
