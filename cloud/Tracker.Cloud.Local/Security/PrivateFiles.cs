using System.Runtime.InteropServices;

namespace Tracker.Cloud.Local.Security;

/// <summary>
/// The data folder holds every rental, every position and the fleet's keys, so it is the owner's alone (issue 15, F6):
/// folders 0700, files 0600, whatever the caller's umask. Folders that exist from an earlier run are tightened too.
/// </summary>
public static partial class PrivateFiles
{
    /// <summary>Owner read, write, search (0700).</summary>
    public const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Owner read and write (0600).</summary>
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates <paramref name="path"/> (and its missing parents) 0700, or tightens it to 0700 when it exists.</summary>
    /// <param name="path">The folder.</param>
    public static void EnsureFolder(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        Directory.CreateDirectory(path, FolderMode);
        File.SetUnixFileMode(path, FolderMode);
    }

    /// <summary>
    /// Makes files the process creates from now on 0600 and folders 0700 (umask 077), for the files that libraries write
    /// themselves (the simulated cars' flash logs, SQLite's journals). Called by the executable's entry point only: it is
    /// process-wide.
    /// </summary>
    public static void RestrictNewFiles()
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
        {
            _ = NativeMethods.umask(0x3F); // 077 octal
        }
    }

    private static partial class NativeMethods
    {
#pragma warning disable SYSLIB1054, CA5392 // a blittable libc call; no marshalling to generate
        [DllImport("libc", EntryPoint = "umask")]
        internal static extern uint umask(uint mask);
#pragma warning restore SYSLIB1054, CA5392
    }
}
