namespace Tracker.Simulation.Routes;

/// <summary>
/// A seeded town: streets, arterials and a ring highway around <see cref="RouteOptions"/>' centre,
/// with traffic control at the intersections. Immutable and safe to share between cars (and
/// threads): generate it once and give it to each car's <see cref="RouteGenerator"/>.
/// </summary>
public sealed class RoadNetwork
{
    // A turn sharper than this is not taken (no U-turns, no hairpins onto a ramp).
    private const double MaxTurnRad = 135 * Math.PI / 180;

    // Route costs, seconds: what drivers avoid besides distance.
    private const double TurnPenaltyS = 4;
    private const double LightPenaltyS = 15;
    private const double StopPenaltyS = 6;

    private readonly RoadNode[] _nodes;
    private readonly RoadEdge[] _edges;
    private readonly int[][] _outgoing; // per node: directed edges (2e forward, 2e+1 backward) leaving it
    private readonly double[] _startHeading; // per directed edge, radians, compass
    private readonly double[] _endHeading;
    private readonly double[] _travelS;

    private RoadNetwork(RouteOptions options, RoadNode[] nodes, RoadEdge[] edges)
    {
        Options = options;
        Frame = new LocalFrame(options.CenterLatitudeDeg, options.CenterLongitudeDeg);
        _nodes = nodes;
        _edges = edges;
        var outgoing = new List<int>[nodes.Length];
        for (int v = 0; v < nodes.Length; v++)
        {
            outgoing[v] = [];
        }

        _startHeading = new double[2 * edges.Length];
        _endHeading = new double[2 * edges.Length];
        _travelS = new double[2 * edges.Length];
        foreach (RoadEdge e in edges)
        {
            int n = e.PointCount;
            outgoing[e.From].Add(2 * e.Id);
            outgoing[e.To].Add((2 * e.Id) + 1);
            _startHeading[2 * e.Id] = Heading(e.EastM(0), e.NorthM(0), e.EastM(1), e.NorthM(1));
            _endHeading[2 * e.Id] = Heading(e.EastM(n - 2), e.NorthM(n - 2), e.EastM(n - 1), e.NorthM(n - 1));
            _startHeading[(2 * e.Id) + 1] = Heading(e.EastM(n - 1), e.NorthM(n - 1), e.EastM(n - 2), e.NorthM(n - 2));
            _endHeading[(2 * e.Id) + 1] = Heading(e.EastM(1), e.NorthM(1), e.EastM(0), e.NorthM(0));
            double time = e.LengthM / options.SpeedLimitMps(e.Class);
            _travelS[2 * e.Id] = time;
            _travelS[(2 * e.Id) + 1] = time;
        }

        _outgoing = outgoing.Select(l => l.ToArray()).ToArray();
    }

    /// <summary>The options the town was made from.</summary>
    public RouteOptions Options { get; }

    /// <summary>Intersections, bends, dead ends and ramp junctions.</summary>
    public IReadOnlyList<RoadNode> Nodes => _nodes;

    /// <summary>Roads between nodes.</summary>
    public IReadOnlyList<RoadEdge> Edges => _edges;

    internal LocalFrame Frame { get; }

    /// <summary>Lays out the town for <paramref name="options"/>; the same options give the same town.</summary>
    /// <param name="options">The knobs; <see cref="RouteOptions.Seed"/> picks the town.</param>
    /// <returns>The network.</returns>
    public static RoadNetwork Generate(RouteOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        (RoadNode[] nodes, RoadEdge[] edges) = new RoadNetworkBuilder(options).Build();
        return new RoadNetwork(options, nodes, edges);
    }

    /// <summary>Total length of the roads of one class, kilometres.</summary>
    /// <param name="roadClass">The class.</param>
    /// <returns>Kilometres.</returns>
    public double LengthKm(RoadClass roadClass) => _edges.Where(e => e.Class == roadClass).Sum(e => e.LengthM) / 1000;

    /// <summary>The latitude of a point given in metres north of the centre.</summary>
    /// <param name="northM">Metres north.</param>
    /// <returns>Degrees.</returns>
    public double Latitude(double northM) => Frame.Latitude(northM);

    /// <summary>The longitude of a point given in metres east of the centre.</summary>
    /// <param name="eastM">Metres east.</param>
    /// <returns>Degrees.</returns>
    public double Longitude(double eastM) => Frame.Longitude(eastM);

    internal static int EdgeOf(int directed) => directed >> 1;

    internal static bool IsBackward(int directed) => (directed & 1) != 0;

    internal int EndNode(int directed)
    {
        RoadEdge e = _edges[directed >> 1];
        return IsBackward(directed) ? e.From : e.To;
    }

    /// <summary>
    /// The quickest route from one node to another as directed edges (2·edge, +1 when driven from
    /// <see cref="RoadEdge.To"/> to <see cref="RoadEdge.From"/>), or null when none obeys the turn
    /// rule. Dijkstra over directed edges, so turns can be priced and forbidden: travel time at the
    /// limit, plus a penalty per turn and per light or stop sign passed.
    /// </summary>
    internal int[]? FindRoute(int from, int to)
    {
        if (from == to)
        {
            return null;
        }

        int states = _travelS.Length;
        var cost = new double[states];
        var previous = new int[states];
        Array.Fill(cost, double.PositiveInfinity);
        var queue = new PriorityQueue<int, double>();
        foreach (int d in _outgoing[from])
        {
            cost[d] = _travelS[d];
            previous[d] = -1;
            queue.Enqueue(d, cost[d]);
        }

        while (queue.TryDequeue(out int d, out double c))
        {
            if (c > cost[d])
            {
                continue;
            }

            int v = EndNode(d);
            if (v == to)
            {
                return Unwind(previous, d);
            }

            double control = _nodes[v].Control switch
            {
                NodeControl.TrafficLight => LightPenaltyS,
                NodeControl.AllWayStop or NodeControl.MinorStop => StopPenaltyS,
                _ => 0,
            };
            foreach (int next in _outgoing[v])
            {
                if (EdgeOf(next) == EdgeOf(d))
                {
                    continue;
                }

                double turn = Math.Abs(TurnAngle(_endHeading[d], _startHeading[next]));
                if (turn > MaxTurnRad)
                {
                    continue;
                }

                double total = c + _travelS[next] + control + (turn > 0.5 ? TurnPenaltyS : 0);
                if (total < cost[next])
                {
                    cost[next] = total;
                    previous[next] = d;
                    queue.Enqueue(next, total);
                }
            }
        }

        return null;
    }

    /// <summary>The signed change of heading from <paramref name="from"/> to <paramref name="to"/>, -π to π.</summary>
    internal static double TurnAngle(double from, double to)
    {
        double a = to - from;
        while (a > Math.PI)
        {
            a -= 2 * Math.PI;
        }

        while (a < -Math.PI)
        {
            a += 2 * Math.PI;
        }

        return a;
    }

    /// <summary>Compass heading (0 north, π/2 east) of the direction from one point to another, radians.</summary>
    internal static double Heading(double x0, double y0, double x1, double y1) => Math.Atan2(x1 - x0, y1 - y0);

    private static int[] Unwind(int[] previous, int last)
    {
        var route = new List<int>();
        for (int d = last; d >= 0; d = previous[d])
        {
            route.Add(d);
        }

        route.Reverse();
        return route.ToArray();
    }
}
