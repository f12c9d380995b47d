namespace Tracker.Cloud.Archive.Sinks;

/// <summary>
/// The archive in a local directory, laid out as in S3 (<c>root/dt=2025-06-10/part-00000.parquet</c>):
/// for the local stack and for measuring the exporter without an S3 server. A put writes a temporary
/// file beside the target and renames it over the target, so a reader sees the old file or the new one.
/// </summary>
public sealed class DirectoryArchiveSink : IArchiveSink
{
    private const string TempMarker = ".tmp-";
    private readonly string _root;

    /// <summary>Creates the sink; the directory is created when absent.</summary>
    /// <param name="root">The archive's root directory.</param>
    public DirectoryArchiveSink(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        _root = Path.GetFullPath(root);
        Directory.CreateDirectory(_root);
    }

    /// <inheritdoc />
    public string Describe(string key) => Path.Combine(_root, key.Replace('/', Path.DirectorySeparatorChar));

    /// <inheritdoc />
    public async Task PutAsync(string key, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken)
    {
        ArchiveKeys.CheckKey(key);
        string path = Describe(key);
        string temp = path + TempMarker + Guid.NewGuid().ToString("N");
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                await file.WriteAsync(content, cancellationToken).ConfigureAwait(false);
                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch (IOException e)
        {
            TryDelete(temp);
            throw new ArchiveSinkException($"writing {path} failed: {e.Message}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            TryDelete(temp);
            throw new ArchiveSinkException($"writing {path} failed: {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ListAsync(string folder, CancellationToken cancellationToken)
    {
        ArchiveKeys.CheckFolder(folder);
        string directory = Path.Combine(_root, folder.Replace('/', Path.DirectorySeparatorChar));
        var keys = new List<string>();
        if (Directory.Exists(directory))
        {
            foreach (string file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
            {
                if (!Path.GetFileName(file).Contains(TempMarker, StringComparison.Ordinal))
                {
                    keys.Add(Path.GetRelativePath(_root, file).Replace(Path.DirectorySeparatorChar, '/'));
                }
            }
        }

        keys.Sort(StringComparer.Ordinal);
        return Task.FromResult<IReadOnlyList<string>>(keys);
    }

    /// <inheritdoc />
    public async Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        ArchiveKeys.CheckKey(key);
        string path = Describe(key);
        try
        {
            return await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArchiveSinkException($"reading {path} failed: {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        ArchiveKeys.CheckKey(key);
        string path = Describe(key);
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
            // No folder, no object: nothing to delete.
        }
        catch (IOException e)
        {
            throw new ArchiveSinkException($"deleting {path} failed: {e.Message}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new ArchiveSinkException($"deleting {path} failed: {e.Message}", e);
        }

        return Task.CompletedTask;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: a leftover temporary file is never listed as an object.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
