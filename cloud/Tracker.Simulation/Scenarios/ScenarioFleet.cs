namespace Tracker.Simulation.Scenarios;

/// <summary>
/// Generates a fleet of scenario cars with known ground truth (README.md, "Scenarios with ground truth"): overspeed
/// episodes (and spikes too short to be one), fence crossings (some after a wait on the line, in the receiver's
/// jitter), towing, power loss and its return, dead zones that deliver a backlog late, rentals returned and not,
/// ignition on and off. Deterministic for a seed. No I/O: the bench feeds the deliveries to the cloud.
/// </summary>
public static class ScenarioFleet
{
    private const long OfflineAfterIgnitionOnMs = 5 * 60 * 1000;
    private const long OfflineAfterIgnitionOffMs = 30 * 60 * 1000;

    /// <summary>Generates the fleet.</summary>
    /// <param name="options">The options; validated.</param>
    /// <returns>The scenario.</returns>
    public static Scenario Generate(ScenarioOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        List<ScenarioDelivery> deliveries = [];
        List<TruthEvent> truth = [];
        List<ScenarioRental> rentals = [];
        List<ScenarioZone> zones = [];
        long end = options.StartMs + (long)(options.HoursPerCar * 3_600_000);
        for (int i = 0; i < options.Cars; i++)
        {
            var car = new ScenarioCar(i, options, deliveries, truth, rentals);
            zones.AddRange(car.Zones());
            int first = deliveries.Count;
            car.Run();
            Connectivity(car.CarId, deliveries.Skip(first).OrderBy(d => d.ArrivalMs).ToList(), truth);
        }

        deliveries.Sort((a, b) => a.ArrivalMs.CompareTo(b.ArrivalMs));
        truth.Sort((a, b) => a.StartMs != b.StartMs ? a.StartMs.CompareTo(b.StartMs) : string.CompareOrdinal(a.CarId, b.CarId));
        return new Scenario(options, deliveries, truth, zones, rentals, end);
    }

    /// <summary>
    /// Offline and online are about arrival (the cloud's view, not the car's): a silence longer than the limit for the
    /// ignition last reported makes the car offline from its last arrival, and online at the next.
    /// </summary>
    private static void Connectivity(string carId, List<ScenarioDelivery> byArrival, List<TruthEvent> truth)
    {
        bool? ignitionOn = null;
        ScenarioStatus? newest = null;
        for (int i = 0; i < byArrival.Count; i++)
        {
            if (i > 0)
            {
                long gap = byArrival[i].ArrivalMs - byArrival[i - 1].ArrivalMs;
                long limit = ignitionOn == true ? OfflineAfterIgnitionOnMs : OfflineAfterIgnitionOffMs;
                if (gap > limit)
                {
                    truth.Add(new TruthEvent(carId, "offline", byArrival[i - 1].ArrivalMs, string.Empty, false));
                    truth.Add(new TruthEvent(carId, "online", byArrival[i].ArrivalMs, string.Empty, false));
                }
            }

            if (byArrival[i].Status is { } status && (newest is null || status.Ts >= newest.Value.Ts))
            {
                newest = status;
                ignitionOn = status.IgnitionOn;
            }
        }
    }
}
