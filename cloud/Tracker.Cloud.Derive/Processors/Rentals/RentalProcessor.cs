using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Derive.Engine;
using Tracker.Cloud.Derive.Events;
using Tracker.Cloud.Derive.Observations;
using Tracker.Cloud.Derive.Zones;

namespace Tracker.Cloud.Derive.Processors.Rentals;

/// <summary>
/// A rental's start and end, with the position and odometer at each, and "not returned": at the end plus
/// <see cref="DeriveOptions.ReturnGrace"/> the car is not in a return zone. Each is decided by the first observation at
/// or past its time, on the last fix before it; or, when none comes, by the clock <see cref="DeriveOptions.ReturnWait"/>
/// later on the last fix known (a parked car's heartbeat has had its chance by then). With no return zone defined the
/// return is not judged. The odometer is the Derive stage's at that fix (issue 17's odometer processor; <see cref="LastFix.OdometerM"/>).
/// </summary>
public sealed class RentalProcessor(DeriveOptions options) : IDeriveProcessor
{
    private readonly DeriveOptions _options = options ?? throw new ArgumentNullException(nameof(options));

    /// <inheritdoc/>
    public void Apply(ProcessorStates states, Observation observation, DeriveContext context, EventSink sink)
    {
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(observation);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(sink);
        Decide(states, observation.Ts, context, sink, waitMs: 0);
    }

    /// <inheritdoc/>
    public void Tick(ProcessorStates states, long nowMs, DeriveContext context, EventSink sink)
    {
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(sink);
        Decide(states, nowMs, context, sink, (long)_options.ReturnWait.TotalMilliseconds);
    }

    private void Decide(ProcessorStates states, long ts, DeriveContext context, EventSink sink, long waitMs)
    {
        RentalState state = states.Rentals;
        LastFix? at = states.Track.Last;
        HashSet<string> current = new(StringComparer.Ordinal);
        foreach (Rental rental in context.Rentals)
        {
            string id = DeriveContext.RentalId(rental);
            current.Add(id);
            if (ts >= rental.FromMs + waitMs && !state.Started.Contains(id))
            {
                state.Started.Add(id);
                sink.Emit(Event(sink.CarId, EventType.RentalStarted, rental.FromMs, id, rental.Renter, at, alert: false));
            }

            if (ts >= rental.ToMs + waitMs && !state.Ended.Contains(id))
            {
                state.Ended.Add(id);
                sink.Emit(Event(sink.CarId, EventType.RentalEnded, rental.ToMs, id, rental.Renter, at, alert: false));
            }

            long due = rental.ToMs + (long)_options.ReturnGrace.TotalMilliseconds;
            if (ts >= due + waitMs && !state.Judged.Contains(id))
            {
                state.Judged.Add(id);
                bool returned = context.ReturnZones.Count == 0
                    || (at is not null && context.ReturnZones.Any(z => ZoneGeometry.SignedDistanceM(z, at.LatE7, at.LonE7) <= 0));
                if (!returned)
                {
                    sink.Emit(Event(sink.CarId, EventType.RentalNotReturned, due, id, rental.Renter, at, alert: true));
                }
            }
        }

        // Forget rentals that are gone (deleted, or past the rentals the service still passes), so the lists stay small.
        state.Started.RemoveAll(id => !current.Contains(id));
        state.Ended.RemoveAll(id => !current.Contains(id));
        state.Judged.RemoveAll(id => !current.Contains(id));
    }

    private static FleetEvent Event(string carId, EventType type, long ts, string rentalId, string renter, LastFix? at, bool alert) => new()
    {
        CarId = carId,
        Type = type,
        EpisodeStartMs = ts,
        Subject = rentalId,
        LatE7 = at?.LatE7,
        LonE7 = at?.LonE7,
        OdometerM = at?.OdometerM,
        Detail = renter,
        Alert = alert,
    };
}
