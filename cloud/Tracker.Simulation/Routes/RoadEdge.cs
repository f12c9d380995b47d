namespace Tracker.Simulation.Routes;

/// <summary>
/// A two-way road between two nodes, as a polyline in metres east and north of the centre: a
/// street block (with a slight bend), a stretch of the ring highway between interchanges (a curve
/// sampled every 40 m), or a ramp.
/// </summary>
public sealed class RoadEdge
{
    private readonly double[] _east;
    private readonly double[] _north;

    internal RoadEdge(int id, int from, int to, RoadClass roadClass, double[] east, double[] north, string name)
    {
        Name = name;
        Id = id;
        From = from;
        To = to;
        Class = roadClass;
        _east = east;
        _north = north;
        double length = 0;
        for (int i = 1; i < east.Length; i++)
        {
            length += Math.Sqrt(Square(east[i] - east[i - 1]) + Square(north[i] - north[i - 1]));
        }

        LengthM = length;
    }

    /// <summary>Index in <see cref="RoadNetwork.Edges"/>.</summary>
    public int Id { get; }

    /// <summary>The node at the first point.</summary>
    public int From { get; }

    /// <summary>The node at the last point.</summary>
    public int To { get; }

    /// <summary>The street's name ("Elm Street", "14th Avenue", "Ring Highway", "Ring Highway Exit 3"), for the map.</summary>
    public string Name { get; }

    /// <summary>The road's class, which sets its speed limit.</summary>
    public RoadClass Class { get; }

    /// <summary>Length along the polyline, metres.</summary>
    public double LengthM { get; }

    /// <summary>Number of polyline points (at least two).</summary>
    public int PointCount => _east.Length;

    /// <summary>Metres east of the centre of point <paramref name="i"/>.</summary>
    /// <param name="i">0 (at <see cref="From"/>) to <see cref="PointCount"/> - 1 (at <see cref="To"/>).</param>
    /// <returns>Metres.</returns>
    public double EastM(int i) => _east[i];

    /// <summary>Metres north of the centre of point <paramref name="i"/>.</summary>
    /// <param name="i">0 (at <see cref="From"/>) to <see cref="PointCount"/> - 1 (at <see cref="To"/>).</param>
    /// <returns>Metres.</returns>
    public double NorthM(int i) => _north[i];

    private static double Square(double x) => x * x;
}
