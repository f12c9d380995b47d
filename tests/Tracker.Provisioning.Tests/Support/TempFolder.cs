using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;

namespace Tracker.Provisioning.Tests.Support;

/// <summary>A temporary folder for one test, deleted afterwards; and the tree hash that proves "nothing changed on disk".</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "prov-test-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>SHA-256 over every entry below the folder: relative path, kind, and file bytes.</summary>
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

    public string TreeHash() => TreeHash(Path);

    public void Dispose()
    {
        try
        {
            if (!OperatingSystem.IsWindows())
            {
                foreach (string d in Directory.EnumerateDirectories(Path, "*", SearchOption.AllDirectories))
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

    /// <summary>The repository root, found from this source file's path.</summary>
    public static string RepositoryRoot() => RootFrom();

    private static string RootFrom([CallerFilePath] string file = "") =>
        System.IO.Path.GetFullPath(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(file)!, "..", "..", ".."));
}
