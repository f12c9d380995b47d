using System.Security.Cryptography;
using Tracker.Core.Control;

namespace Tracker.Testing;

/// <summary>
/// Application update images as <c>codesign pack</c> writes them (the firmware's <see cref="ImageManifest.Write"/>): a
/// manifest naming the version and the entry point, then fake <c>.pe</c> assemblies (random bytes: a simulated car
/// checks them and never loads them). The one place tests, the simulated fleet's rollouts and the browser tests make
/// an image, so every image a car is sent is one its loader would run.
/// </summary>
public static class UpdateImages
{
    /// <summary>The entry type the images name (the device app's, as <c>codesign pack</c>'s default).</summary>
    public const string EntryType = "Tracker.Device.Program";

    /// <summary>The entry method the images name.</summary>
    public const string EntryMethod = "Start";

    /// <summary>The assemblies' names, in load order.</summary>
    public static readonly IReadOnlyList<string> Assemblies = ["Tracker.Core", "Tracker.Device"];

    /// <summary>The fewest bytes an image of <paramref name="version"/> can have (its manifest and a byte an assembly).</summary>
    /// <param name="version">The version.</param>
    /// <returns>Bytes.</returns>
    public static int MinimumSize(string version) => Overhead(version) + Assemblies.Count;

    /// <summary>An image of exactly <paramref name="size"/> bytes, its assemblies random.</summary>
    /// <param name="version">The version its manifest names.</param>
    /// <param name="size">The whole image's length, at least <see cref="MinimumSize"/>.</param>
    /// <param name="random">The bytes' source (a seeded one for a repeatable image); null for fresh random bytes.</param>
    /// <returns>The image.</returns>
    public static byte[] Pack(string version, int size, Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(version);
        int payload = size - Overhead(version);
        ArgumentOutOfRangeException.ThrowIfLessThan(payload, Assemblies.Count, nameof(size));
        int first = payload * 2 / 3; // the core is the larger assembly
        byte[][] pe = [Bytes(first, random), Bytes(payload - first, random)];
        byte[] image = ImageManifest.Write(version, EntryType, EntryMethod, [.. Assemblies], pe);
        Assert.Equal(size, image.Length);
        return image;
    }

    /// <summary>The manifest's bytes at the head of an image of <paramref name="version"/> (the magic and length included).</summary>
    /// <param name="version">The version.</param>
    /// <returns>The offset of the first assembly.</returns>
    public static int Overhead(string version) =>
        ImageManifest.Write(version, EntryType, EntryMethod, [.. Assemblies], [.. Assemblies.Select(_ => new byte[1])]).Length - Assemblies.Count;

    private static byte[] Bytes(int count, Random? random)
    {
        byte[] bytes = new byte[count];
        if (random is null)
        {
            RandomNumberGenerator.Fill(bytes);
        }
        else
        {
            random.NextBytes(bytes);
        }

        return bytes;
    }
}
