namespace Tracker.Simulation.Routes;

/// <summary>What controls traffic at an intersection.</summary>
public enum NodeControl
{
    /// <summary>Nothing: cars slow only for the turn.</summary>
    None = 0,

    /// <summary>A traffic light: red for some cars, for 0 to 60 s by default (<see cref="RouteOptions.RedLight"/>).</summary>
    TrafficLight = 1,

    /// <summary>A stop sign on every approach.</summary>
    AllWayStop = 2,

    /// <summary>A stop sign on the residential approaches to an arterial.</summary>
    MinorStop = 3,
}
