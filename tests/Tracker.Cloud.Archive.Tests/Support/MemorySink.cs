using Tracker.Cloud.Archive.Sinks;

namespace Tracker.Cloud.Archive.Tests.Support;

/// <summary>An in-memory sink that records every operation and can be told to fail a put.</summary>
public sealed class MemorySink : IArchiveSink
{
    /// <summary>The objects, by key.</summary>
    public SortedDictionary<string, byte[]> Objects { get; } = new(StringComparer.Ordinal);

    /// <summary>Every operation, in order: "put KEY", "get KEY", "delete KEY", "list FOLDER".</summary>
    public List<string> Operations { get; } = [];

    /// <summary>When set, a put whose key it accepts throws <see cref="ArchiveSinkException"/> (and writes nothing).</summary>
    public Func<string, bool>? FailPut { get; set; }

    /// <inheritdoc />
    public string Describe(string key) => "memory://" + key;

    /// <inheritdoc />
    public Task PutAsync(string key, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken)
    {
        Operations.Add("put " + key);
        if (FailPut?.Invoke(key) == true)
        {
            throw new ArchiveSinkException("injected failure writing " + key);
        }

        Objects[key] = content.ToArray();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        Operations.Add("get " + key);
        return Task.FromResult(Objects.TryGetValue(key, out byte[]? content) ? content.ToArray() : null);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ListAsync(string folder, CancellationToken cancellationToken)
    {
        Operations.Add("list " + folder);
        return Task.FromResult<IReadOnlyList<string>>(Objects.Keys.Where(k => k.StartsWith(folder, StringComparison.Ordinal)).ToList());
    }

    /// <inheritdoc />
    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        Operations.Add("delete " + key);
        Objects.Remove(key);
        return Task.CompletedTask;
    }
}
