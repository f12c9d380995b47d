using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Derive.Limits;
using Tracker.Cloud.Derive.Zones;

namespace Tracker.Cloud.Derive.Engine;

/// <summary>
/// What the processors know of one car besides its observations: the fleet's zones, the car's rentals and their
/// zones, and the speed limits. Read-only; the service builds one per step from the stores.
/// </summary>
public sealed class DeriveContext
{
    private readonly Zone[] _fleetZones;
    private readonly Dictionary<string, Zone[]> _rentalZones;
    private readonly Rental[] _rentals;

    /// <summary>Creates a context.</summary>
    /// <param name="carId">The car.</param>
    /// <param name="zones">Every zone: the fleet's, and the rentals' (only this car's rentals' zones apply).</param>
    /// <param name="rentals">The car's rentals.</param>
    /// <param name="limits">Speed limits.</param>
    public DeriveContext(string carId, IReadOnlyList<Zone> zones, IReadOnlyList<Rental> rentals, SpeedLimits limits)
    {
        ArgumentException.ThrowIfNullOrEmpty(carId);
        ArgumentNullException.ThrowIfNull(zones);
        ArgumentNullException.ThrowIfNull(rentals);
        ArgumentNullException.ThrowIfNull(limits);
        CarId = carId;
        Limits = limits;
        _rentals = rentals.Where(r => r.CarId == carId).OrderBy(r => r.FromMs).ToArray();
        _fleetZones = zones.Where(z => z.Scope == ZoneScope.Fleet).OrderBy(z => z.Id, StringComparer.Ordinal).ToArray();
        ReturnZones = _fleetZones.Where(z => z.IsReturnZone).ToArray();
        _rentalZones = zones.Where(z => z.Scope == ZoneScope.Rental && z.RentalId is not null)
            .GroupBy(z => z.RentalId!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(z => z.Id, StringComparer.Ordinal).ToArray(), StringComparer.Ordinal);
    }

    /// <summary>The car.</summary>
    public string CarId { get; }

    /// <summary>The speed limits.</summary>
    public SpeedLimits Limits { get; }

    /// <summary>The car's dashboard odometer readings set by operators (issue 17), any order.</summary>
    public IReadOnlyList<Processors.Odometer.OdometerReading> OdometerReadings { get; init; } = [];

    /// <summary>The car's rentals, by start.</summary>
    public IReadOnlyList<Rental> Rentals => _rentals;

    /// <summary>The fleet's return zones (where a rental car may be returned).</summary>
    public IReadOnlyList<Zone> ReturnZones { get; }

    /// <summary>A context with no zones, rentals or limits.</summary>
    /// <param name="carId">The car.</param>
    /// <returns>The context.</returns>
    public static DeriveContext Empty(string carId) => new(carId, [], [], SpeedLimits.None);

    /// <summary>The rental's id.</summary>
    /// <param name="rental">One of <see cref="Rentals"/>.</param>
    /// <returns><see cref="RentalIds.Of"/>.</returns>
    public static string RentalId(Rental rental) => RentalIds.Of(rental);

    /// <summary>The rental the car is in at <paramref name="ts"/>, or null.</summary>
    /// <param name="ts">UTC epoch ms.</param>
    /// <returns>The rental.</returns>
    public Rental? RentalAt(long ts)
    {
        Rental? found = null;
        foreach (Rental r in _rentals)
        {
            if (r.FromMs <= ts && ts < r.ToMs)
            {
                found = r;
            }
        }

        return found;
    }

    /// <summary>The zones that apply at <paramref name="ts"/>: the fleet's, and those of the rental then running.</summary>
    /// <param name="ts">UTC epoch ms.</param>
    /// <returns>The zones, fleet zones first, each group by id.</returns>
    public IReadOnlyList<Zone> ZonesAt(long ts)
    {
        if (RentalAt(ts) is { } rental && _rentalZones.TryGetValue(RentalId(rental), out Zone[]? zones))
        {
            return [.. _fleetZones, .. zones];
        }

        return _fleetZones;
    }

    /// <summary>The speed limit at <paramref name="ts"/>: the rental's, else the car's, else the fleet's, else null.</summary>
    /// <param name="ts">UTC epoch ms.</param>
    /// <returns>mm/s, or null.</returns>
    public int? SpeedLimitMmpsAt(long ts)
    {
        if (RentalAt(ts) is { } rental && Limits.ByRental.TryGetValue(RentalId(rental), out int byRental))
        {
            return byRental;
        }

        return Limits.ByCar.TryGetValue(CarId, out int byCar) ? byCar : Limits.FleetMmps;
    }

    /// <summary>The offline limit for the car at <paramref name="ts"/> set in the store: the running rental's, else the car's, else the fleet's; null for the options' default.</summary>
    /// <param name="ts">The clock, UTC epoch ms.</param>
    /// <param name="ignitionOn">Whether the ignition was last known on.</param>
    /// <returns>The limit, or null.</returns>
    public TimeSpan? OfflineAfterAt(long ts, bool ignitionOn)
    {
        if (Limits.Offline.Count == 0)
        {
            return null;
        }

        string? rental = RentalAt(ts) is { } r ? RentalId(r) : null;
        long? Pick(Limits.LimitScope scope, string id) =>
            Limits.Offline.FirstOrDefault(s => s.Scope == scope && s.Id == id) is { } s ? (ignitionOn ? s.OfflineAfterIgnitionOnMs : s.OfflineAfterIgnitionOffMs) : null;
        long? ms = (rental is null ? null : Pick(LimitScope.Rental, rental)) ?? Pick(LimitScope.Car, CarId) ?? Pick(LimitScope.Fleet, string.Empty);
        return ms is { } v ? TimeSpan.FromMilliseconds(v) : null;
    }
}
