using Tracker.Cloud.Derive.Engine;
using Tracker.Cloud.Derive.Observations;
using Tracker.Cloud.Derive.Processors.Trips;

namespace Tracker.Cloud.Derive.Processors.Odometer;

/// <summary>
/// The car's odometer (README.md, "Trips, stops and the odometer"): the GPS distance of its trips, gaps bridged, and
/// nothing from parked jitter, carried forward from the last dashboard reading an operator set. A reading applies at
/// its own fix time, so a replay gives the same odometer. Runs after <see cref="Trips.TripProcessor"/>.
/// </summary>
public sealed class OdometerProcessor(TripOptions options) : IDeriveProcessor
{
    private readonly TripOptions _options = options ?? throw new ArgumentNullException(nameof(options));

    /// <inheritdoc/>
    public void Apply(ProcessorStates states, Observation observation, DeriveContext context, EventSink sink)
    {
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(observation);
        ArgumentNullException.ThrowIfNull(context);
        OdometerState state = states.Odometer;
        double gps = GpsM(states, _options);
        foreach (OdometerReading reading in context.OdometerReadings)
        {
            if (reading.AtTs <= observation.Ts && (state.ReadingTs is not { } applied || reading.AtTs > applied))
            {
                state.OffsetM = reading.ValueM - gps;
                state.ReadingTs = reading.AtTs;
            }
        }

        state.ValueM = Math.Round(state.OffsetM + gps, 1);
    }

    /// <inheritdoc/>
    public void Tick(ProcessorStates states, long nowMs, DeriveContext context, EventSink sink)
    {
        ArgumentNullException.ThrowIfNull(states);
        states.Odometer.ValueM = Math.Round(states.Odometer.OffsetM + GpsM(states, _options), 1);
    }

    // A trip in progress counts once it has got beyond parked jitter; one that is dropped never counted.
    /// <summary>The GPS distance the odometer counts, m.</summary>
    internal static double GpsM(ProcessorStates states, TripOptions options) =>
        states.Trips.ClosedM + (states.Trips.Open is { } open && open.MaxReachM >= options.JitterRadiusM ? open.DistanceM : 0);
}
