namespace Tracker.Simulation.Routes;

/// <summary>
/// One trip laid out for driving: the route's edges joined into one polyline, the corners at
/// intersections rounded into arcs (a car turns along a curve, not on a point), each segment's
/// speed limit, the speed each bend allows, and the stop lines on the way.
/// </summary>
internal sealed class TripPath
{
    // Corners sharper than this are rounded; the fillet reaches at most this far from the corner.
    private const double MinFilletRad = 8 * Math.PI / 180;
    private const double MaxFilletRad = 170 * Math.PI / 180;
    private const double FilletReachM = 12;
    private const double FilletStepRad = 10 * Math.PI / 180;

    // Cars stop this far before the intersection's rounded corner begins.
    private const double StopLineM = 2;

    private readonly double[] _x;
    private readonly double[] _y;
    private readonly double[] _s;
    private readonly double[] _limit;
    private readonly RoadClass[] _class;

    private TripPath(
        List<double> x, List<double> y, List<double> limit, List<RoadClass> roadClass, List<(double S, NodeControl Control)> controls, double lateral, double factor)
    {
        _x = x.ToArray();
        _y = y.ToArray();
        _limit = limit.ToArray();
        _class = roadClass.ToArray();
        _s = new double[_x.Length];
        for (int i = 1; i < _x.Length; i++)
        {
            _s[i] = _s[i - 1] + Math.Sqrt(Square(_x[i] - _x[i - 1]) + Square(_y[i] - _y[i - 1]));
        }

        LengthM = _s[^1];
        var constraints = new List<(double S, double V)>();
        for (int i = 1; i < _x.Length - 1; i++)
        {
            // A bend's radius from its chords (r ≈ chord / deflection) limits speed to √(a_lat·r).
            double turn = Math.Abs(RoadNetwork.TurnAngle(Heading(i - 1), Heading(i)));
            if (turn > 0.003 && Math.Min(_s[i] - _s[i - 1], _s[i + 1] - _s[i]) >= 0.5)
            {
                double chord = Math.Min(_s[i] - _s[i - 1], _s[i + 1] - _s[i]);
                constraints.Add((_s[i], Math.Sqrt(lateral * chord / turn)));
            }

            if (_limit[i] < _limit[i - 1])
            {
                constraints.Add((_s[i], _limit[i] * factor));
            }
        }

        constraints.Sort((a, b) => a.S.CompareTo(b.S));
        ConstraintS = constraints.Select(c => c.S).ToArray();
        ConstraintV = constraints.Select(c => c.V).ToArray();
        ControlS = controls.Select(c => Math.Max(0, c.S - StopLineM)).ToArray();
        Controls = controls.Select(c => c.Control).ToArray();
    }

    public double LengthM { get; }

    public int SegmentCount => _limit.Length;

    /// <summary>Where static speed limits apply (bends, lower limits ahead), sorted.</summary>
    public double[] ConstraintS { get; }

    /// <summary>The speed allowed at each <see cref="ConstraintS"/>, m/s.</summary>
    public double[] ConstraintV { get; }

    /// <summary>Stop lines of controlled intersections on the way, sorted.</summary>
    public double[] ControlS { get; }

    /// <summary>What each stop line is for (a light, or a stop sign for this approach).</summary>
    public NodeControl[] Controls { get; }

    public double SegmentStart(int segment) => _s[segment];

    public double SegmentEnd(int segment) => _s[segment + 1];

    public double SpeedLimit(int segment) => _limit[segment];

    public RoadClass Class(int segment) => _class[segment];

    /// <summary>The point at distance <paramref name="s"/> along segment <paramref name="segment"/>.</summary>
    public (double X, double Y) At(int segment, double s)
    {
        double length = _s[segment + 1] - _s[segment];
        double u = length > 0 ? Math.Clamp((s - _s[segment]) / length, 0, 1) : 0;
        return (_x[segment] + (u * (_x[segment + 1] - _x[segment])), _y[segment] + (u * (_y[segment + 1] - _y[segment])));
    }

    /// <summary>Compass heading of segment <paramref name="segment"/>, radians.</summary>
    public double Heading(int segment) => RoadNetwork.Heading(_x[segment], _y[segment], _x[segment + 1], _y[segment + 1]);

    /// <summary>Lays out <paramref name="route"/> (directed edges from <paramref name="start"/>).</summary>
    public static TripPath Build(RoadNetwork network, int start, int[] route, double factor)
    {
        RouteOptions options = network.Options;
        var x = new List<double> { network.Nodes[start].EastM };
        var y = new List<double> { network.Nodes[start].NorthM };
        var limit = new List<double>();
        var roadClass = new List<RoadClass>();
        var nodeAt = new List<(int Point, NodeControl Control)>();
        for (int r = 0; r < route.Length; r++)
        {
            RoadEdge e = network.Edges[RoadNetwork.EdgeOf(route[r])];
            bool backward = RoadNetwork.IsBackward(route[r]);
            int n = e.PointCount;
            for (int p = 1; p < n; p++)
            {
                int q = backward ? n - 1 - p : p;
                x.Add(e.EastM(q));
                y.Add(e.NorthM(q));
                limit.Add(options.SpeedLimitMps(e.Class));
                roadClass.Add(e.Class);
            }

            if (r + 1 < route.Length)
            {
                RoadNode node = network.Nodes[network.EndNode(route[r])];
                nodeAt.Add((x.Count - 1, ControlFor(node.Control, e.Class)));
            }
        }

        return Fillet(x, y, limit, roadClass, nodeAt, options.LateralAccelerationMps2, factor);
    }

    private static NodeControl ControlFor(NodeControl control, RoadClass approach) => control switch
    {
        NodeControl.TrafficLight => NodeControl.TrafficLight,
        NodeControl.AllWayStop => NodeControl.AllWayStop,
        NodeControl.MinorStop when approach == RoadClass.Residential => NodeControl.MinorStop,
        _ => NodeControl.None,
    };

    private static TripPath Fillet(
        List<double> x, List<double> y, List<double> limit, List<RoadClass> roadClass, List<(int Point, NodeControl Control)> nodeAt, double lateral, double factor)
    {
        var fx = new List<double> { x[0] };
        var fy = new List<double> { y[0] };
        var fl = new List<double>();
        var fc = new List<RoadClass>();
        var controls = new List<(double S, NodeControl Control)>();
        int nextNode = 0;
        double s = 0;

        void Add(double px, double py, double segLimit, RoadClass segClass)
        {
            double step = Math.Sqrt(Square(px - fx[^1]) + Square(py - fy[^1]));
            if (step < 0.05)
            {
                return; // a repeated point would make a bend of zero chord, and so a zero speed
            }

            s += step;
            fx.Add(px);
            fy.Add(py);
            fl.Add(segLimit);
            fc.Add(segClass);
        }

        for (int i = 1; i < x.Count; i++)
        {
            bool corner = i < x.Count - 1;
            double turn = 0, inLength = 0, outLength = 0;
            if (corner)
            {
                inLength = Math.Sqrt(Square(x[i] - x[i - 1]) + Square(y[i] - y[i - 1]));
                outLength = Math.Sqrt(Square(x[i + 1] - x[i]) + Square(y[i + 1] - y[i]));
                turn = Math.Abs(RoadNetwork.TurnAngle(
                    RoadNetwork.Heading(x[i - 1], y[i - 1], x[i], y[i]), RoadNetwork.Heading(x[i], y[i], x[i + 1], y[i + 1])));
            }

            bool isNode = nextNode < nodeAt.Count && nodeAt[nextNode].Point == i;
            if (!corner || turn < MinFilletRad || turn > MaxFilletRad || inLength < 1 || outLength < 1)
            {
                Add(x[i], y[i], limit[i - 1], roadClass[i - 1]);
                if (isNode)
                {
                    controls.Add((s, nodeAt[nextNode++].Control));
                }

                continue;
            }

            // Replace the corner with a quadratic Bézier from A (before it) to C (after it); the arc's
            // segments take the lower of the two limits.
            double reach = Math.Min(FilletReachM, 0.45 * Math.Min(inLength, outLength));
            double ax = x[i] - ((x[i] - x[i - 1]) / inLength * reach), ay = y[i] - ((y[i] - y[i - 1]) / inLength * reach);
            double cx = x[i] + ((x[i + 1] - x[i]) / outLength * reach), cy = y[i] + ((y[i + 1] - y[i]) / outLength * reach);
            Add(ax, ay, limit[i - 1], roadClass[i - 1]);
            if (isNode)
            {
                controls.Add((s, nodeAt[nextNode++].Control));
            }

            bool slowerBefore = limit[i - 1] <= limit[i];
            double arcLimit = slowerBefore ? limit[i - 1] : limit[i];
            RoadClass arcClass = slowerBefore ? roadClass[i - 1] : roadClass[i];
            int steps = Math.Max(2, (int)Math.Ceiling(turn / FilletStepRad));
            for (int k = 1; k <= steps; k++)
            {
                double u = (double)k / steps;
                double a = (1 - u) * (1 - u), b = 2 * (1 - u) * u, c = u * u;
                Add((a * ax) + (b * x[i]) + (c * cx), (a * ay) + (b * y[i]) + (c * cy), arcLimit, arcClass);
            }
        }

        controls.RemoveAll(c => c.Control == NodeControl.None);
        return new TripPath(fx, fy, fl, fc, controls, lateral, factor);
    }

    private static double Square(double v) => v * v;
}
