using Tracker.Cloud.Derive.Engine;
using Tracker.Cloud.Derive.Events;
using Tracker.Cloud.Derive.Observations;

namespace Tracker.Cloud.Derive.Processors.Movement;

/// <summary>
/// Moving and stopped, from the moving flag ingest stored on each fix (<see cref="Core.Cars.Motion"/>), debounced: a
/// change stands once the car has kept the new state for <see cref="DeriveOptions.MovingDwell"/> or
/// <see cref="DeriveOptions.StoppedDwell"/> (a traffic light is not a stop); a fix of the old state cancels it. The
/// event's time is the first fix of the new state.
/// </summary>
public sealed class MovementProcessor(DeriveOptions options) : IDeriveProcessor
{
    private readonly DeriveOptions _options = options ?? throw new ArgumentNullException(nameof(options));

    /// <inheritdoc/>
    public void Apply(ProcessorStates states, Observation observation, DeriveContext context, EventSink sink)
    {
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(observation);
        ArgumentNullException.ThrowIfNull(sink);
        if (observation.Fix is not { } fix)
        {
            return;
        }

        MovementState state = states.Movement;
        if (state.Moving is not { } moving)
        {
            state.Moving = fix.Moving;
            return;
        }

        if (fix.Moving == moving)
        {
            state.CandidateTs = null;
            return;
        }

        if (state.CandidateTs is null)
        {
            state.CandidateTs = fix.Ts;
            state.CandidateLatE7 = fix.LatE7;
            state.CandidateLonE7 = fix.LonE7;
        }

        TimeSpan dwell = fix.Moving ? _options.MovingDwell : _options.StoppedDwell;
        if (fix.Ts - state.CandidateTs.Value >= (long)dwell.TotalMilliseconds)
        {
            sink.Emit(new FleetEvent
            {
                CarId = sink.CarId,
                Type = fix.Moving ? EventType.Moving : EventType.Stopped,
                EpisodeStartMs = state.CandidateTs.Value,
                LatE7 = state.CandidateLatE7,
                LonE7 = state.CandidateLonE7,
            });
            state.Moving = fix.Moving;
            state.CandidateTs = null;
        }
    }

    /// <inheritdoc/>
    public void Tick(ProcessorStates states, long nowMs, DeriveContext context, EventSink sink)
    {
    }
}
