using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Derive.Engine;
using Tracker.Cloud.Derive.Zones;

namespace Tracker.Cloud.Derive.Storage;

/// <summary>Contexts from the stores: every zone, the car's rentals, and the configured speed limits.</summary>
/// <param name="zones">The zone store.</param>
/// <param name="rentals">The rental store.</param>
/// <param name="limits">The configured limits (the host's fleet default).</param>
/// <param name="stored">The limits set through the API (fleet, car, rental; the most specific wins over the configured), or null.</param>
/// <param name="odometer">Dashboard odometer readings (issue 17), or null for none.</param>
public sealed class StoredContexts(IZoneStore zones, IRentalStore rentals, SpeedLimits limits, ILimitStore? stored = null, IOdometerReadingStore? odometer = null) : IDeriveContextSource
{
    private readonly IZoneStore _zones = zones ?? throw new ArgumentNullException(nameof(zones));
    private readonly IRentalStore _rentals = rentals ?? throw new ArgumentNullException(nameof(rentals));
    private readonly SpeedLimits _limits = limits ?? throw new ArgumentNullException(nameof(limits));

    /// <inheritdoc/>
    public async Task<DeriveContext> GetContextAsync(string carId, CancellationToken cancellationToken)
    {
        IReadOnlyList<Zone> zones = await _zones.ListZonesAsync(cancellationToken).ConfigureAwait(false);
        IReadOnlyList<Rental> rentals = await _rentals.GetForCarAsync(carId, cancellationToken).ConfigureAwait(false);
        SpeedLimits limits = stored is null ? _limits : SpeedLimits.From(await stored.ListLimitsAsync(cancellationToken).ConfigureAwait(false), _limits);
        IReadOnlyList<Processors.Odometer.OdometerReading> readings = odometer is null
            ? []
            : await odometer.GetReadingsAsync(carId, cancellationToken).ConfigureAwait(false);
        return new DeriveContext(carId, zones, rentals, limits) { OdometerReadings = readings };
    }
}
