namespace Tracker.Simulation.Routes;

/// <summary>The kind of road, which sets its speed limit (<see cref="RouteOptions"/>).</summary>
public enum RoadClass
{
    /// <summary>A residential street (default 40 km/h).</summary>
    Residential = 0,

    /// <summary>An arterial or a highway ramp (default 60 km/h).</summary>
    Arterial = 1,

    /// <summary>The ring highway (default 100 km/h).</summary>
    Highway = 2,
}
