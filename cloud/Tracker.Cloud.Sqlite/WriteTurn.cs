namespace Tracker.Cloud.Sqlite;

/// <summary>A turn to write, from <see cref="SqliteStore.TakeWriteTurnAsync"/>; disposing it lets the next writer in.</summary>
internal readonly struct WriteTurn : IDisposable
{
    private readonly SemaphoreSlim? _gate;

    internal WriteTurn(SemaphoreSlim gate) => _gate = gate;

    /// <inheritdoc/>
    public void Dispose() => _gate?.Release();
}
