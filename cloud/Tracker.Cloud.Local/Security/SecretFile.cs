using System.Security.Cryptography;

namespace Tracker.Cloud.Local.Security;

/// <summary>Small secrets the local host keeps in its data folder, readable by the owner only, each written whole.</summary>
internal static class SecretFile
{
    /// <summary>Owner read/write (0600): keys, passwords.</summary>
    public const UnixFileMode OwnerMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Owner read/write, others read (0644): certificates, which are not secret but must not be torn either.</summary>
    public const UnixFileMode PublicMode = OwnerMode | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>Reads the secret at <paramref name="path"/>, creating it from <paramref name="create"/> on first use.</summary>
    public static byte[] ReadOrCreate(string path, Func<byte[]> create)
    {
        if (File.Exists(path))
        {
            return File.ReadAllBytes(path);
        }

        byte[] value = create();
        Write(path, value);
        return value;
    }

    /// <summary>Writes a file atomically, mode 0600 unless told otherwise (on Unix), so a crash leaves either the old file or all of the new one.</summary>
    public static void Write(string path, byte[] value, UnixFileMode mode = OwnerMode)
    {
        PrivateFiles.EnsureFolder(Path.GetDirectoryName(path)!);
        string temporary = path + ".tmp-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4));
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode;
        }

        using (var stream = new FileStream(temporary, options))
        {
            stream.Write(value);
            stream.Flush(true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>A random password of letters and digits that reads well on a console (no 0/O, 1/l/I).</summary>
    public static string NewPassword(int length)
    {
        const string alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        return RandomNumberGenerator.GetString(alphabet, length);
    }
}
