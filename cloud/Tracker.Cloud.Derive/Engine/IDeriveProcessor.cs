using Tracker.Cloud.Derive.Observations;

namespace Tracker.Cloud.Derive.Engine;

/// <summary>
/// One concern of the Derive stage (README.md, "The model"): reads an observation, changes only its own state in
/// <see cref="ProcessorStates"/>, and may emit events. No I/O and no wall clock: time is the observation's, or the
/// tick's. The same calls on the same states give the same result, which is what makes a rewind safe.
/// </summary>
public interface IDeriveProcessor
{
    /// <summary>Applies one observation, in the car's fix-time order.</summary>
    /// <param name="states">The car's states (this processor's own, and those of processors before it to read).</param>
    /// <param name="observation">The observation.</param>
    /// <param name="context">Zones, rentals, limits.</param>
    /// <param name="sink">Where events go.</param>
    void Apply(ProcessorStates states, Observation observation, DeriveContext context, EventSink sink);

    /// <summary>Lets time pass with no new observation (rentals decided on the clock). Most processors do nothing.</summary>
    /// <param name="states">The car's states.</param>
    /// <param name="nowMs">The clock, UTC epoch ms.</param>
    /// <param name="context">Zones, rentals, limits.</param>
    /// <param name="sink">Where events go.</param>
    void Tick(ProcessorStates states, long nowMs, DeriveContext context, EventSink sink);
}
