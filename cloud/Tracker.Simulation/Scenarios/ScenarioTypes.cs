namespace Tracker.Simulation.Scenarios;

/// <summary>What a scenario fleet is made of (<see cref="ScenarioFleet"/>): how many cars, for how long, and the rules it is judged by.</summary>
public sealed record ScenarioOptions
{
    /// <summary>The seed: the same options give the same fleet, byte for byte.</summary>
    public int Seed { get; init; } = 16;

    /// <summary>Cars. Default 20.</summary>
    public int Cars { get; init; } = 20;

    /// <summary>Simulated hours per car. Default 6 (20 cars: 120 car-hours).</summary>
    public double HoursPerCar { get; init; } = 6;

    /// <summary>The simulated start, UTC epoch ms (whole seconds).</summary>
    public long StartMs { get; init; }

    /// <summary>The fleet's speed limit the drives are judged by, km/h. Default 90.</summary>
    public int SpeedLimitKmh { get; init; } = 90;

    /// <summary>Where the first car's depot is. Default Reno, NV.</summary>
    public double OriginLatitudeDeg { get; init; } = 39.5296;

    /// <summary>Where the first car's depot is.</summary>
    public double OriginLongitudeDeg { get; init; } = -119.8138;

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentException">A value out of range, named.</exception>
    public void Validate()
    {
        if (Cars is < 1 or > 10_000)
        {
            throw new ArgumentException("scenario cars must be 1 to 10000", nameof(Cars));
        }

        if (!(HoursPerCar >= 1 && HoursPerCar <= 24 * 14))
        {
            throw new ArgumentException("scenario hours per car must be 1 to 336", nameof(HoursPerCar));
        }

        if (SpeedLimitKmh is < 30 or > 200)
        {
            throw new ArgumentException("scenario speed limit must be 30 to 200 km/h", nameof(SpeedLimitKmh));
        }

        if (StartMs % 1000 != 0)
        {
            throw new ArgumentException("scenario start must be a whole second", nameof(StartMs));
        }
    }
}

/// <summary>One fix as the car's receiver printed it (measured, with the receiver's error).</summary>
/// <param name="Ts">Fix time, UTC epoch ms (whole seconds).</param>
/// <param name="LatitudeDeg">Measured latitude.</param>
/// <param name="LongitudeDeg">Measured longitude.</param>
/// <param name="SpeedMps">Measured (Doppler) speed.</param>
/// <param name="CourseDeg">Course over ground.</param>
/// <param name="Hdop">HDOP.</param>
public readonly record struct ScenarioFix(long Ts, double LatitudeDeg, double LongitudeDeg, double SpeedMps, double CourseDeg, double Hdop);

/// <summary>One status the car sent (live: a status in a dead zone is never delivered).</summary>
/// <param name="Ts">The device's clock, UTC epoch ms (whole seconds).</param>
/// <param name="IgnitionOn">The ignition input.</param>
/// <param name="SupplyMv">The 12 V sense.</param>
/// <param name="BackupMv">The backup cell.</param>
public readonly record struct ScenarioStatus(long Ts, bool IgnitionOn, int SupplyMv, int BackupMv);

/// <summary>One message reaching the cloud: a batch of fixes (at most 10, oldest first) or a status.</summary>
/// <param name="ArrivalMs">When the cloud receives it, UTC epoch ms.</param>
/// <param name="CarId">The car.</param>
/// <param name="Fixes">The batch, or null for a status.</param>
/// <param name="Status">The status, or null for a batch.</param>
public sealed record ScenarioDelivery(long ArrivalMs, string CarId, IReadOnlyList<ScenarioFix>? Fixes, ScenarioStatus? Status);

/// <summary>A fleet zone of the scenario: a circle (<see cref="RadiusM"/> above 0) or a polygon.</summary>
/// <param name="Id">Zone id.</param>
/// <param name="Name">Its name.</param>
/// <param name="IsReturnZone">A rental car may be returned here.</param>
/// <param name="CenterLatitudeDeg">The circle's centre.</param>
/// <param name="CenterLongitudeDeg">The circle's centre.</param>
/// <param name="RadiusM">The circle's radius, or 0 for a polygon.</param>
/// <param name="Vertices">The polygon's vertices (latitude, longitude), or empty.</param>
public sealed record ScenarioZone(string Id, string Name, bool IsReturnZone, double CenterLatitudeDeg, double CenterLongitudeDeg, int RadiusM, IReadOnlyList<(double LatitudeDeg, double LongitudeDeg)> Vertices);

/// <summary>A rental of the scenario.</summary>
/// <param name="CarId">The car.</param>
/// <param name="Renter">The renter.</param>
/// <param name="FromMs">Start, UTC epoch ms.</param>
/// <param name="ToMs">End, UTC epoch ms.</param>
public sealed record ScenarioRental(string CarId, string Renter, long FromMs, long ToMs);

/// <summary>
/// One event the scenario made happen, with its true start: what a perfect Derive stage reports. <see cref="Type"/> is
/// the event's API name (<c>overspeed</c>, <c>geofence-exit</c>, ...); <see cref="Subject"/> the zone for fences.
/// </summary>
/// <param name="CarId">The car.</param>
/// <param name="Type">The event's API name.</param>
/// <param name="StartMs">True start, UTC epoch ms.</param>
/// <param name="Subject">The zone id for fences, else empty.</param>
/// <param name="Late">
/// True when the data showing it reaches the cloud late (inside a dead zone), false when on time, null near a dead zone's
/// end (where it depends on the batching).
/// </param>
public sealed record TruthEvent(string CarId, string Type, long StartMs, string Subject, bool? Late);

/// <summary>A generated fleet: what reaches the cloud, in arrival order, and the truth to judge the cloud by.</summary>
/// <param name="Options">The options.</param>
/// <param name="Deliveries">Every message of every car, by arrival.</param>
/// <param name="Truth">Every injected event.</param>
/// <param name="Zones">The fleet's zones.</param>
/// <param name="Rentals">The rentals.</param>
/// <param name="EndMs">The simulated end: the clock runs to here.</param>
public sealed record Scenario(
    ScenarioOptions Options,
    IReadOnlyList<ScenarioDelivery> Deliveries,
    IReadOnlyList<TruthEvent> Truth,
    IReadOnlyList<ScenarioZone> Zones,
    IReadOnlyList<ScenarioRental> Rentals,
    long EndMs)
{
    /// <summary>Simulated car-hours.</summary>
    public double CarHours => Options.Cars * Options.HoursPerCar;

    /// <summary>The event types the truth covers: every other type (moving, stopped) is not judged.</summary>
    public static IReadOnlyList<string> JudgedTypes { get; } =
    [
        "overspeed", "geofence-enter", "geofence-exit", "ignition-on", "ignition-off", "towing", "power-lost", "power-restored",
        "low-battery", "offline", "online", "rental-started", "rental-ended", "rental-not-returned",
    ];
}
