using Tracker.Core.Storage;

namespace Tracker.Core.Tests.Storage;

/// <summary>Thrown by <see cref="FaultyFlash"/> when the power is cut; every call after it throws too.</summary>
public sealed class PowerCutException : IOException
{
    /// <summary>Creates the exception.</summary>
    public PowerCutException()
        : base("power cut (fault injected)")
    {
    }
}

/// <summary>
/// An in-memory <see cref="IFlashFileSystem"/> that cuts the power at a chosen byte. Every byte an
/// append writes costs one tick and every delete or rename one tick; the operation that reaches
/// <see cref="CutAt"/> is torn: an append persists only a prefix, optionally followed by garbage
/// (random, erased 0xFF or zero bytes); a delete or rename is either persisted or lost. Then the
/// file system is dead until <see cref="Reboot"/>. Durable state is exactly what was persisted.
/// </summary>
public sealed class FaultyFlash : IFlashFileSystem
{
    private readonly SortedDictionary<string, FileData> _files = new(StringComparer.Ordinal);
    private readonly HashSet<string> _directories = new(StringComparer.Ordinal);
    private readonly Random _random;

    /// <summary>Creates an empty file system whose torn writes draw from <paramref name="seed"/>.</summary>
    public FaultyFlash(int seed = 1)
    {
        _random = new Random(seed);
    }

    /// <summary>Ticks consumed so far (bytes appended plus metadata operations).</summary>
    public long Ticks { get; private set; }

    /// <summary>The tick at which the power is cut; long.MaxValue for never.</summary>
    public long CutAt { get; set; } = long.MaxValue;

    /// <summary>True once the power was cut (until <see cref="Reboot"/>).</summary>
    public bool IsCut { get; private set; }

    /// <summary>When false, a torn append leaves only a clean prefix, never garbage.</summary>
    public bool TornGarbage { get; set; } = true;

    /// <summary>Every file path.</summary>
    public string[] Paths => [.. _files.Keys];

    /// <summary>Powers up again: the file system works, with the state that was persisted.</summary>
    public void Reboot()
    {
        IsCut = false;
        CutAt = long.MaxValue;
    }

    /// <summary>Sum of all file lengths.</summary>
    public long TotalBytes => _files.Values.Sum(f => (long)f.Length);

    /// <summary>A copy of a file's bytes.</summary>
    public byte[] GetBytes(string path) => _files[path].Data.AsSpan(0, _files[path].Length).ToArray();

    /// <summary>Replaces a file's bytes (test corruption, foreign files).</summary>
    public void SetBytes(string path, byte[] bytes)
    {
        FileData file = new() { Data = new byte[Math.Max(16, bytes.Length)] };
        bytes.CopyTo(file.Data, 0);
        file.Length = bytes.Length;
        _files[path] = file;
    }

    /// <inheritdoc/>
    public void CreateDirectory(string directory)
    {
        ThrowIfCut();
        _directories.Add(directory);
    }

    /// <inheritdoc/>
    public string[] ListFiles(string directory)
    {
        ThrowIfCut();
        string prefix = directory + "/";
        return _files.Keys
            .Where(p => p.StartsWith(prefix, StringComparison.Ordinal) && p.IndexOf('/', prefix.Length) < 0)
            .Select(p => p[prefix.Length..])
            .ToArray();
    }

    /// <inheritdoc/>
    public string Combine(string directory, string name) => directory + "/" + name;

    /// <inheritdoc/>
    public int Length(string path)
    {
        ThrowIfCut();
        return _files.TryGetValue(path, out FileData? file) ? file.Length : -1;
    }

    /// <inheritdoc/>
    public int ReadAt(string path, int offset, byte[] buffer, int index, int count)
    {
        ThrowIfCut();
        if (!_files.TryGetValue(path, out FileData? file) || offset >= file.Length)
        {
            return 0;
        }

        int n = Math.Min(count, file.Length - offset);
        Array.Copy(file.Data, offset, buffer, index, n);
        return n;
    }

    /// <inheritdoc/>
    public void Append(string path, byte[] buffer, int index, int count)
    {
        ThrowIfCut();
        if (Ticks + count >= CutAt)
        {
            // Torn: 'keep' bytes persisted (all of them when the cut comes just before returning).
            int keep = (int)Math.Clamp(CutAt - Ticks, 0, count);
            if (keep > 0 || _files.ContainsKey(path) || _random.Next(2) == 0)
            {
                FileData torn = GetOrCreate(path);
                Write(torn, buffer, index, keep);
                int garbage = TornGarbage ? _random.Next(count - keep + 1) : 0;
                if (garbage > 0)
                {
                    byte[] junk = new byte[garbage];
                    switch (_random.Next(3))
                    {
                        case 0: _random.NextBytes(junk); break;
                        case 1: Array.Fill(junk, (byte)0xFF); break;
                        default: break;
                    }

                    Write(torn, junk, 0, garbage);
                }
            }

            Cut();
        }

        Ticks += count;
        Write(GetOrCreate(path), buffer, index, count);
    }

    /// <inheritdoc/>
    public void Delete(string path)
    {
        ThrowIfCut();
        if (MetadataCut())
        {
            _files.Remove(path);
            Cut();
        }

        _files.Remove(path);
    }

    /// <inheritdoc/>
    public void Rename(string sourcePath, string destinationPath)
    {
        ThrowIfCut();
        if (!_files.TryGetValue(sourcePath, out FileData? file))
        {
            throw new IOException("rename: source does not exist: " + sourcePath);
        }

        if (_files.ContainsKey(destinationPath))
        {
            // As nanoFramework's File.Move: the destination must not exist.
            throw new IOException("rename: destination exists: " + destinationPath);
        }

        if (MetadataCut())
        {
            _files.Remove(sourcePath);
            _files[destinationPath] = file;
            Cut();
        }

        _files.Remove(sourcePath);
        _files[destinationPath] = file;
    }

    // True when this metadata operation is the one cut short; it persisted with probability 1/2
    // (the caller applies it before Cut when this returns true and the coin says so).
    private bool MetadataCut()
    {
        if (Ticks + 1 >= CutAt)
        {
            if (_random.Next(2) == 0)
            {
                return true;
            }

            Cut();
        }

        Ticks++;
        return false;
    }

    private void Cut()
    {
        IsCut = true;
        throw new PowerCutException();
    }

    private void ThrowIfCut()
    {
        if (IsCut)
        {
            throw new PowerCutException();
        }
    }

    private FileData GetOrCreate(string path)
    {
        if (!_files.TryGetValue(path, out FileData? file))
        {
            file = new FileData();
            _files[path] = file;
        }

        return file;
    }

    private static void Write(FileData file, byte[] buffer, int index, int count)
    {
        if (file.Length + count > file.Data.Length)
        {
            Array.Resize(ref file.Data, Math.Max(file.Data.Length * 2, file.Length + count));
        }

        Array.Copy(buffer, index, file.Data, file.Length, count);
        file.Length += count;
    }

    private sealed class FileData
    {
        public byte[] Data = new byte[256];
        public int Length;
    }
}
