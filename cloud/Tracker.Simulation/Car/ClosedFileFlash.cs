using Microsoft.Win32.SafeHandles;
using Tracker.Core.Storage;

namespace Tracker.Simulation.Car;

/// <summary>
/// A simulated car's flash: <see cref="IFlashFileSystem"/> over a host directory that holds no file open between two
/// calls. Every call opens the file, does its one operation and closes it, so a car costs no descriptor while it
/// waits; a fleet of 10,000 in one process then needs one descriptor a car (its socket), not three.
/// </summary>
/// <remarks>
/// <para>The device's <c>DirectoryFlashFileSystem</c> keeps its last write and read streams open because opening a
/// file is dear on the ESP32; on the host an open and a close cost two system calls, a few microseconds, and a car
/// appends about once a second.</para>
/// <para>The guarantees are the ones the FixLog relies on (<see cref="IFlashFileSystem"/>) and the ones the device
/// class gives on the host: <see cref="Append"/> hands its bytes to the OS before it returns (<see cref="RandomAccess"/>
/// writes unbuffered), so they survive the process being killed, not a power cut; <see cref="Rename"/> is
/// <c>rename(2)</c> and never replaces; files only grow. A car rebuilt over the same directory, as after a crash or a
/// restart, recovers its log from what is there.</para>
/// </remarks>
public sealed class ClosedFileFlash : IFlashFileSystem
{
    /// <inheritdoc/>
    public void CreateDirectory(string directory) => Directory.CreateDirectory(directory);

    /// <inheritdoc/>
    public string[] ListFiles(string directory) => [.. Directory.EnumerateFiles(directory).Select(Path.GetFileName).OfType<string>()];

    /// <inheritdoc/>
    public string Combine(string directory, string name) => Path.Combine(directory, name);

    /// <inheritdoc/>
    public int Length(string path)
    {
        var file = new FileInfo(path);
        return file.Exists ? checked((int)file.Length) : -1;
    }

    /// <inheritdoc/>
    public int ReadAt(string path, int offset, byte[] buffer, int index, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        Span<byte> into = buffer.AsSpan(index, count);
        SafeFileHandle file;
        try
        {
            file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return 0;
        }

        using (file)
        {
            // RandomAccess.Read may return fewer bytes than asked before the end (pread(2)); 0 means the end.
            int total = 0;
            while (total < into.Length)
            {
                int n = RandomAccess.Read(file, into[total..], offset + (long)total);
                if (n == 0)
                {
                    break;
                }

                total += n;
            }

            return total;
        }
    }

    /// <inheritdoc/>
    public void Append(string path, byte[] buffer, int index, int count)
    {
        ReadOnlySpan<byte> bytes = buffer.AsSpan(index, count);
        using SafeFileHandle file = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        RandomAccess.Write(file, bytes, RandomAccess.GetLength(file));
    }

    /// <inheritdoc/>
    public void Delete(string path) => File.Delete(path);

    /// <inheritdoc/>
    public void Rename(string sourcePath, string destinationPath) => File.Move(sourcePath, destinationPath, overwrite: false);
}
