namespace Tracker.Simulation.Routes;

/// <summary>What the simulated car is doing in an epoch.</summary>
public enum DrivePhase
{
    /// <summary>Rolling.</summary>
    Moving = 0,

    /// <summary>Standing in traffic: a red light, a stop sign, or a short stop between trips.</summary>
    Stopped = 1,

    /// <summary>Parked for minutes at a destination.</summary>
    Parked = 2,
}
