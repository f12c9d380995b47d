using System.Security.Cryptography;
using System.Text;

namespace Tracker.Testing;

/// <summary>
/// A temporary folder for one test (or one fixture), deleted with everything in it on dispose, whatever the test made
/// read-only; and the tree hash that proves "nothing changed on disk".
/// </summary>
public sealed class TempFolder : IDisposable
{
    /// <summary>Creates a fresh folder under the system's temporary folder.</summary>
    /// <param name="prefix">The start of its name, to tell whose it is in /tmp.</param>
    public TempFolder(string prefix = "tracker-test-") => Path = Directory.CreateTempSubdirectory(prefix).FullName;

    /// <summary>The folder's full path.</summary>
    public string Path { get; }

    /// <summary>A path inside the folder.</summary>
    /// <param name="parts">Path segments below the folder.</param>
    /// <returns>The full path (nothing is created).</returns>
    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>SHA-256 over every entry below <paramref name="root"/>: relative path, kind, and file bytes ("absent" when there is no folder).</summary>
    /// <param name="root">The folder.</param>
    /// <returns>The hash, hex.</returns>
    public static string TreeHash(string root)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        if (!Directory.Exists(root))
        {
            return "absent";
        }

        foreach (string entry in Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(System.IO.Path.GetRelativePath(root, entry) + "\0"));
            if (File.Exists(entry))
            {
                hash.AppendData(File.ReadAllBytes(entry));
            }
            else
            {
                hash.AppendData("/"u8);
            }
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }

    /// <summary>The tree hash of this folder.</summary>
    /// <returns>The hash, hex.</returns>
    public string TreeHash() => TreeHash(Path);

    /// <summary>Deletes the folder and everything in it (folders a test made read-only first get their modes back).</summary>
    public void Dispose()
    {
        try
        {
            if (!OperatingSystem.IsWindows() && Directory.Exists(Path))
            {
                foreach (string d in Directory.EnumerateDirectories(Path, "*", SearchOption.AllDirectories).Prepend(Path))
                {
                    File.SetUnixFileMode(d, (UnixFileMode)0x1FF);
                }
            }

            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
