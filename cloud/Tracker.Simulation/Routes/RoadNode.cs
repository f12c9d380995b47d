namespace Tracker.Simulation.Routes;

/// <summary>An intersection, a dead end, or a point where a ramp meets the ring highway.</summary>
public sealed class RoadNode
{
    internal RoadNode(int id, double eastM, double northM, NodeControl control)
    {
        Id = id;
        EastM = eastM;
        NorthM = northM;
        Control = control;
    }

    /// <summary>Index in <see cref="RoadNetwork.Nodes"/>.</summary>
    public int Id { get; }

    /// <summary>Metres east of the town centre.</summary>
    public double EastM { get; }

    /// <summary>Metres north of the town centre.</summary>
    public double NorthM { get; }

    /// <summary>What controls traffic here.</summary>
    public NodeControl Control { get; }
}
