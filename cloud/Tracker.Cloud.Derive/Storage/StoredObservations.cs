using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Derive.Observations;

namespace Tracker.Cloud.Derive.Storage;

/// <summary>A car's stored observations for a rewind: its fixes from the fix store (paged) and its statuses.</summary>
/// <param name="fixes">The fix store ingest writes.</param>
/// <param name="statuses">The status store.</param>
public sealed class StoredObservations(IFixStore fixes, IStatusStore statuses) : IObservationSource
{
    private const int PageSize = 1000;

    private readonly IFixStore _fixes = fixes ?? throw new ArgumentNullException(nameof(fixes));
    private readonly IStatusStore _statuses = statuses ?? throw new ArgumentNullException(nameof(statuses));

    /// <inheritdoc/>
    public async Task<IReadOnlyList<Observation>> ReadFromAsync(string carId, long fromTs, CancellationToken cancellationToken)
    {
        List<Observation> all = [];
        string? cursor = null;
        do
        {
            FixPage page = await _fixes.QueryAsync(carId, fromTs, long.MaxValue, PageSize, cursor, cancellationToken).ConfigureAwait(false);
            all.AddRange(page.Fixes.Select(Observation.Of));
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        all.AddRange((await _statuses.ReadStatusesFromAsync(carId, fromTs, cancellationToken).ConfigureAwait(false)).Select(Observation.Of));
        return all;
    }
}
