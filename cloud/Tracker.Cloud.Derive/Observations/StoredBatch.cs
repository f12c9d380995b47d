using Tracker.Cloud.Core.Storage;
using Tracker.Core.Fixes;
using Tracker.Core.Wire;

namespace Tracker.Cloud.Derive.Observations;

/// <summary>
/// The fixes of one batch as ingest stored them: the batch's times (decoded with the firmware's codec), read back from
/// the fix store. What the Derive stage is handed after ingest, without ingest having to know of it.
/// </summary>
public static class StoredBatch
{
    /// <summary>Reads back the stored fixes of a batch (none for a batch that did not decode).</summary>
    /// <param name="store">The fix store.</param>
    /// <param name="carId">The car.</param>
    /// <param name="payload">The batch.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The stored fixes of the batch, as observations, oldest first.</returns>
    public static async Task<IReadOnlyList<Observation>> ReadAsync(IFixStore store, string carId, byte[] payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrEmpty(carId);
        ArgumentNullException.ThrowIfNull(payload);
        if (!BatchDecoder.TryReadCount(payload, 0, payload.Length, out int count, out _) || count == 0)
        {
            return [];
        }

        Fix[] fixes = new Fix[count];
        if (!BatchDecoder.TryDecode(payload, 0, payload.Length, fixes, out int decoded, out _) || decoded == 0)
        {
            return [];
        }

        HashSet<long> times = [.. fixes.Take(decoded).Select(f => f.TimeMs)];
        long from = times.Min();
        long to = times.Max() + 1;
        List<Observation> stored = [];
        string? cursor = null;
        do
        {
            FixPage page = await store.QueryAsync(carId, from, to, 1000, cursor, cancellationToken).ConfigureAwait(false);
            stored.AddRange(page.Fixes.Where(f => times.Contains(f.Ts)).Select(Observation.Of));
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        return stored;
    }
}
