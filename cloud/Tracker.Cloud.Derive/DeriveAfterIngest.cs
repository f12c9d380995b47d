using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Derive.Engine;
using Tracker.Cloud.Derive.Observations;

namespace Tracker.Cloud.Derive;

/// <summary>
/// The Derive stage where it follows ingest (the ingest Lambda, the local host's gate): the batch's fixes as ingest stored
/// them (<see cref="StoredBatch"/>) through <see cref="DeriveService"/>. Ingest itself knows nothing of it. A failure
/// propagates, so the message is retried: ingest sees duplicates, and Derive, reading what is stored, does the step again.
/// </summary>
/// <param name="fixes">The fix store ingest wrote to.</param>
/// <param name="service">The Derive service.</param>
public sealed class DeriveAfterIngest(IFixStore fixes, DeriveService service)
{
    private readonly IFixStore _fixes = fixes ?? throw new ArgumentNullException(nameof(fixes));
    private readonly DeriveService _service = service ?? throw new ArgumentNullException(nameof(service));

    /// <summary>Derives from a batch just stored.</summary>
    /// <param name="carId">The car.</param>
    /// <param name="payload">The batch.</param>
    /// <param name="cancellationToken">Cancels the storage calls.</param>
    /// <returns>The step, or null when the batch stored no fix.</returns>
    public async Task<DeriveStep?> FixesStoredAsync(string carId, byte[] payload, CancellationToken cancellationToken)
    {
        IReadOnlyList<Observation> stored = await StoredBatch.ReadAsync(_fixes, carId, payload, cancellationToken).ConfigureAwait(false);
        return stored.Count == 0 ? null : await _service.DeriveAsync(carId, stored, cancellationToken).ConfigureAwait(false);
    }
}
