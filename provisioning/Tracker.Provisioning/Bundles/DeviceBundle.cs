using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tracker.Provisioning.Bundles;

/// <summary>A car's bundle folder and what it holds (<see cref="BundleFiles.Identity"/>).</summary>
public sealed record DeviceBundle
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The bundle folder (full path).</summary>
    [JsonIgnore]
    public string Directory { get; init; } = "";

    /// <summary>The car id.</summary>
    public required string CarId { get; init; }

    /// <summary>The certificate serial, upper-case hex.</summary>
    public required string Serial { get; init; }

    /// <summary>SHA-256 of the DER certificate, lower-case hex (the AWS IoT certificate id).</summary>
    public required string Sha256Fingerprint { get; init; }

    /// <summary>When it was issued.</summary>
    public required DateTimeOffset IssuedUtc { get; init; }

    /// <summary>When the certificate expires.</summary>
    public required DateTimeOffset NotAfterUtc { get; init; }

    /// <summary>Who issued it.</summary>
    public required string Installer { get; init; }

    /// <summary>The broker host the config names.</summary>
    public required string Endpoint { get; init; }

    /// <summary>The broker port the config names.</summary>
    public required int Port { get; init; }

    /// <summary>Where the previous bundle went on rotation; null otherwise.</summary>
    [JsonIgnore]
    public string? RotatedTo { get; init; }

    /// <summary>The path of a file of the bundle.</summary>
    /// <param name="name">A <see cref="BundleFiles"/> name.</param>
    /// <returns>The path.</returns>
    public string PathOf(string name) => Path.Combine(Directory, name);

    /// <summary>Opens a bundle folder written by <see cref="DeviceIdentities.Create"/>.</summary>
    /// <param name="directory">The bundle folder.</param>
    /// <returns>The bundle.</returns>
    /// <exception cref="ProvisioningException">Not a bundle, or a file is missing (<see cref="ProvisioningFailure.BadBundle"/>).</exception>
    public static DeviceBundle Open(string directory)
    {
        string full = Path.GetFullPath(directory);
        string identity = Path.Combine(full, BundleFiles.Identity);
        if (!File.Exists(identity))
        {
            throw new ProvisioningException(ProvisioningFailure.BadBundle, full + " is not a car bundle (" + BundleFiles.Identity + " is missing); make one with 'device create'");
        }

        DeviceBundle? bundle;
        try
        {
            bundle = JsonSerializer.Deserialize<DeviceBundle>(File.ReadAllBytes(identity), Json);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            throw new ProvisioningException(ProvisioningFailure.BadBundle, "cannot read " + identity + ": " + e.Message, e);
        }

        if (bundle is null)
        {
            throw new ProvisioningException(ProvisioningFailure.BadBundle, identity + " is empty");
        }

        bundle = bundle with { Directory = full };
        foreach (string name in BundleFiles.Deployed)
        {
            if (!File.Exists(bundle.PathOf(name)))
            {
                throw new ProvisioningException(ProvisioningFailure.BadBundle, "the bundle " + full + " lacks " + name);
            }
        }

        return bundle;
    }

    /// <summary>The identity file's JSON.</summary>
    /// <returns>The text.</returns>
    public string ToJson() => JsonSerializer.Serialize(this, Json) + "\n";
}
