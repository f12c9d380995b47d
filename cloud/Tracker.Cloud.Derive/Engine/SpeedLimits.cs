namespace Tracker.Cloud.Derive.Engine;

/// <summary>
/// Overspeed limits, mm/s: a rental's wins over its car's, which wins over the fleet's. None: no overspeed events. With the offline
/// limits set in the store (<see cref="Offline"/>, resolved by <see cref="DeriveContext.OfflineAfterAt"/>).
/// </summary>
public sealed record SpeedLimits
{
    /// <summary>No limits at all.</summary>
    public static SpeedLimits None { get; } = new();

    /// <summary>The fleet's limit, or null.</summary>
    public int? FleetMmps { get; init; }

    /// <summary>Limits by car id.</summary>
    public IReadOnlyDictionary<string, int> ByCar { get; init; } = new Dictionary<string, int>();

    /// <summary>Limits by rental id (<see cref="Zones.RentalIds.Of"/>).</summary>
    public IReadOnlyDictionary<string, int> ByRental { get; init; } = new Dictionary<string, int>();

    /// <summary>
    /// Offline limits set in the store (<see cref="Limits.LimitSetting"/>): the fleet's, by car and by rental, each value
    /// falling through to the less specific one and then to <see cref="DeriveOptions"/>. Empty: the options' limits.
    /// </summary>
    public IReadOnlyList<Limits.LimitSetting> Offline { get; init; } = [];

    /// <summary>Builds the limits from the store's settings over the host's fleet default.</summary>
    /// <param name="settings">The stored settings.</param>
    /// <param name="configured">The host's configured limits (the fleet default, by command line).</param>
    /// <returns>The limits: a stored setting wins over the configured one of the same scope.</returns>
    public static SpeedLimits From(IReadOnlyList<Limits.LimitSetting> settings, SpeedLimits configured)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(configured);
        if (settings.Count == 0)
        {
            return configured;
        }

        var byCar = new Dictionary<string, int>(configured.ByCar, StringComparer.Ordinal);
        var byRental = new Dictionary<string, int>(configured.ByRental, StringComparer.Ordinal);
        int? fleet = configured.FleetMmps;
        foreach (Limits.LimitSetting s in settings)
        {
            if (s.OverspeedMmps is not { } mmps)
            {
                continue;
            }

            switch (s.Scope)
            {
                case Limits.LimitScope.Car:
                    byCar[s.Id] = mmps;
                    break;
                case Limits.LimitScope.Rental:
                    byRental[s.Id] = mmps;
                    break;
                default:
                    fleet = mmps;
                    break;
            }
        }

        return new SpeedLimits
        {
            FleetMmps = fleet,
            ByCar = byCar,
            ByRental = byRental,
            Offline = settings.Where(s => s.OfflineAfterIgnitionOnMs is not null || s.OfflineAfterIgnitionOffMs is not null).ToArray(),
        };
    }
}
