namespace Tracker.Cloud.Core.Ingest;

/// <summary>
/// Ingest settings: which filters run and their thresholds, and the moving threshold (part of
/// <see cref="Cars.CarRules"/>, which the web app gets too). Immutable; call <see cref="Validate"/>
/// once at start-up (the <see cref="IngestService"/> constructor does), which fails fast naming the key.
/// The thresholds have defaults because they are tuning, not endpoints or secrets.
/// </summary>
public sealed record IngestOptions
{
    /// <summary>Thirty days: the storage retention (DESIGN.md, "The data path", step 7: the DynamoDB TTL).</summary>
    public static readonly TimeSpan DefaultRetention = TimeSpan.FromDays(30);

    /// <summary>
    /// Filters switched off (by default none), names as in <see cref="FixFilterNames"/>. Every filter
    /// but <c>duplicate</c> can be switched off (see <see cref="Validate"/>).
    /// </summary>
    public IReadOnlySet<FixFilter> DisabledFilters { get; init; } = new HashSet<FixFilter>();

    /// <summary>
    /// How far ahead of the ingest clock a fix may be (<c>future</c>). Fix times come from GNSS and are
    /// accurate; the slack covers the Lambda host's clock. Default 5 minutes.
    /// </summary>
    public TimeSpan MaxFutureSkew { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How old a fix may be (<c>past</c>): the retention, default 30 days.</summary>
    public TimeSpan Retention { get; init; } = DefaultRetention;

    /// <summary>The fastest believable speed between consecutive fixes, km/h (<c>max-speed</c>). Default 300.</summary>
    public int MaxSpeedKmh { get; init; } = 300;

    /// <summary>The worst HDOP accepted, times 100 (<c>accuracy</c>). Default 1000 (HDOP 10, "poor" and worse beyond).</summary>
    public int MaxHdopX100 { get; init; } = 1000;

    /// <summary>Speed at or above which a fix is "moving" (<see cref="Cars.Motion.IsMoving"/>), mm/s. Default 1389 (5 km/h), above GNSS jitter when parked.</summary>
    public int MovingThresholdMmps { get; init; } = 1389;

    /// <summary>
    /// The longest gap over which a missing speed is derived from distance and time (<see cref="Cars.Motion.SpeedMmps"/>).
    /// Beyond it the average says nothing about the speed at the fix. Default 5 minutes.
    /// </summary>
    public TimeSpan MaxSpeedDerivationGap { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>True unless <paramref name="filter"/> is in <see cref="DisabledFilters"/>.</summary>
    /// <param name="filter">The filter.</param>
    /// <returns>Whether it runs.</returns>
    public bool IsEnabled(FixFilter filter) => !DisabledFilters.Contains(filter);

    /// <summary>Checks every setting; throws naming the first bad key.</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(DisabledFilters, nameof(DisabledFilters));

        // Storage is keyed on (carId, ts): a second fix with the same time can never be stored, so
        // there is nothing to switch off; saying so beats silently ignoring the setting.
        Require(!DisabledFilters.Contains(FixFilter.Duplicate), nameof(DisabledFilters), "cannot disable 'duplicate': storage is keyed on (carId, ts)");
        Require(MaxFutureSkew >= TimeSpan.Zero, nameof(MaxFutureSkew), "must not be negative");
        Require(Retention > TimeSpan.Zero, nameof(Retention), "must be positive");
        Require(MaxSpeedKmh is > 0 and <= 100_000, nameof(MaxSpeedKmh), "must be 1 to 100000 km/h");
        Require(MaxHdopX100 is > 0 and <= 100_000, nameof(MaxHdopX100), "must be 1 to 100000 (HDOP x100)");
        Require(MovingThresholdMmps > 0, nameof(MovingThresholdMmps), "must be positive (mm/s)");
        Require(MaxSpeedDerivationGap > TimeSpan.Zero, nameof(MaxSpeedDerivationGap), "must be positive");
    }

    private static void Require(bool ok, string key, string message)
    {
        if (!ok)
        {
            throw new ArgumentException("Ingest option " + key + " " + message, key);
        }
    }
}
