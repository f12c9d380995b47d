namespace Tracker.Cloud.Archive.Sinks;

/// <summary>
/// Where the archive's objects go: a flat key space under a root (an S3 bucket and prefix, or a local
/// directory). Keys are relative to the root and use <c>/</c>. Each put replaces the whole object
/// atomically (a reader sees the old object or the new one, never a mix). Failures throw
/// <see cref="ArchiveSinkException"/>; the exporter does not catch them, so the run fails and is retried.
/// </summary>
public interface IArchiveSink
{
    /// <summary>The object's full location for messages and logs (<c>s3://bucket/fixes/dt=.../part-00000.parquet</c>).</summary>
    /// <param name="key">A key relative to the root.</param>
    string Describe(string key);

    /// <summary>Writes an object whole, replacing any object under the same key.</summary>
    /// <param name="key">A key relative to the root.</param>
    /// <param name="content">The object's bytes.</param>
    /// <param name="contentType">Its media type.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    Task PutAsync(string key, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken);

    /// <summary>Reads a small object whole (a manifest), or null when there is none under <paramref name="key"/>.</summary>
    /// <param name="key">A key relative to the root.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>The keys of every object under <paramref name="folder"/> (a key prefix ending in <c>/</c>), relative to the root, in ordinal order.</summary>
    /// <param name="folder">A folder relative to the root.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    Task<IReadOnlyList<string>> ListAsync(string folder, CancellationToken cancellationToken);

    /// <summary>Deletes an object; deleting one that does not exist is not an error.</summary>
    /// <param name="key">A key relative to the root.</param>
    /// <param name="cancellationToken">Cancels the delete.</param>
    Task DeleteAsync(string key, CancellationToken cancellationToken);
}
