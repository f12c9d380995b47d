using Tracker.Cloud.Derive.Engine;
using Tracker.Cloud.Derive.Observations;
using Tracker.Cloud.Derive.Processors.Trips;

namespace Tracker.Cloud.Trips.Benchmarks;

/// <summary>
/// One car's Derive stage in memory, with DeriveService's trip semantics (README.md, "Trips, stops and the odometer"):
/// the stored observations, the engine's plan and run (a rewind replays from the checkpoint), and trips and stops
/// kept on their start, what a step decided again and no longer found deleted.
/// </summary>
internal sealed class MiniDerive(string carId)
{
    private readonly CarDeriver _deriver = new(DeriveOptions.Default with { Trips = TripOptions });
    private readonly SortedDictionary<(long, int), Observation> _stored = [];
    private readonly SortedDictionary<long, Trip> _trips = [];
    private readonly SortedDictionary<long, Stop> _stops = [];
    private CarDerivation _car = CarDerivation.New(carId);

    /// <summary>The trip rules every car runs (<c>--bridge chord</c> turns the arc bridge off, for comparison).</summary>
    public static TripOptions TripOptions { get; set; } = TripOptions.Default;

    public List<Trip> Trips => [.. _trips.Values];

    public List<Stop> Stops => [.. _stops.Values];

    public void Deliver(IReadOnlyList<Observation> batch, long nowMs)
    {
        if (batch.Count == 0)
        {
            return;
        }

        foreach (Observation o in batch)
        {
            _stored[(o.Ts, o.Order)] = o;
        }

        long? watermark = _car.WatermarkTs;
        DerivePlan plan = _deriver.Plan(_car, batch);
        long from = plan.RewindTo ?? watermark ?? long.MinValue;
        List<Observation> history = _stored.Where(kv => kv.Key.Item1 >= from).Select(kv => kv.Value).ToList();
        DeriveStep step = _deriver.Run(_car, batch, plan, history, DeriveContext.Empty(carId));
        long decidedFrom = step.RewoundFrom ?? (step.Applied == 0 ? long.MaxValue : watermark is { } w ? w + 1 : long.MinValue);
        List<Stop> stops = [.. step.Stops];
        if (step.RewoundFrom is not null && _car.States.Trips.Stop is { } standing && !stops.Any(s => s.StartTs == standing.StartTs))
        {
            stops.Add(standing);
        }

        Apply(decidedFrom, step.Trips, stops);
        _car = DeriveJson.ReadCar(DeriveJson.Write(_car));
    }

    public void Tick(long nowMs)
    {
        DeriveStep step = _deriver.Tick(_car, nowMs, DeriveContext.Empty(carId));
        Apply(long.MaxValue, step.Trips, step.Stops);
    }

    private void Apply(long decidedFrom, IReadOnlyList<Trip> trips, IReadOnlyList<Stop> stops)
    {
        HashSet<long> tripStarts = [.. trips.Select(t => t.StartTs)];
        HashSet<long> stopStarts = [.. stops.Select(s => s.StartTs)];
        foreach (long k in _trips.Where(kv => kv.Value.DecidedTs >= decidedFrom && !tripStarts.Contains(kv.Key)).Select(kv => kv.Key).ToList())
        {
            _trips.Remove(k);
        }

        foreach (long k in _stops.Where(kv => kv.Value.DecidedTs >= decidedFrom && !stopStarts.Contains(kv.Key)).Select(kv => kv.Key).ToList())
        {
            _stops.Remove(k);
        }

        foreach (Trip t in trips)
        {
            _trips[t.StartTs] = t;
        }

        foreach (Stop s in stops)
        {
            _stops[s.StartTs] = s;
        }
    }
}
