namespace Tracker.Simulation.Routes;

/// <summary>
/// Lays out a town from <see cref="RouteOptions"/>: a street grid clipped to a disc (jittered
/// intersections, bent blocks, some residential blocks missing), arterials every few streets, a
/// wobbly ring highway with two ramps per interchange, and traffic control at the intersections.
/// Only the largest connected part is kept, so every node can reach every other.
/// </summary>
internal sealed class RoadNetworkBuilder
{
    // Ring samples are about this far apart along the curve.
    private const double RingSampleM = 40;

    // Ramps are sampled about this often.
    private const double RampSampleM = 15;

    // Ramp ends on the ring sit this far along the ring either side of the interchange.
    private const double RampOffsetM = 150;

    private readonly RouteOptions _options;
    private readonly SimRandom _random;
    private readonly List<double> _nodeEast = [];
    private readonly List<double> _nodeNorth = [];
    private readonly List<(int From, int To, RoadClass Class, double[] East, double[] North, string Name)> _edges = [];

    public RoadNetworkBuilder(RouteOptions options)
    {
        _options = options;
        _random = new SimRandom(SimRandom.Derive(options.Seed, 0x6E6574));
    }

    public (RoadNode[] Nodes, RoadEdge[] Edges) Build()
    {
        Dictionary<(int I, int J), int> grid = BuildGrid();
        BuildRing(grid);
        return Finish();
    }

    private Dictionary<(int I, int J), int> BuildGrid()
    {
        double s = _options.StreetSpacingM;
        double r = _options.RadiusM;
        int k = _options.ArterialEvery;
        int n = (int)Math.Floor(r / s);
        double jitter = _options.NodeJitterM;
        var grid = new Dictionary<(int I, int J), int>();
        for (int i = -n; i <= n; i++)
        {
            for (int j = -n; j <= n; j++)
            {
                double east = i * s, north = j * s;
                if (Math.Sqrt((east * east) + (north * north)) > r)
                {
                    continue;
                }

                // A node on an arterial keeps close to its line across the arterial, so arterials run
                // nearly straight while residential streets wander.
                double jx = (IsArterialLine(i, k) ? jitter / 4 : jitter) * _random.Uniform(-1, 1);
                double jy = (IsArterialLine(j, k) ? jitter / 4 : jitter) * _random.Uniform(-1, 1);
                grid[(i, j)] = AddNode(east + jx, north + jy);
            }
        }

        for (int i = -n; i <= n; i++)
        {
            for (int j = -n; j <= n; j++)
            {
                if (!grid.TryGetValue((i, j), out int a))
                {
                    continue;
                }

                // East-west block: on an arterial when its row is one; north-south: when its column is.
                if (grid.TryGetValue((i + 1, j), out int east))
                {
                    AddStreet(a, east, IsArterialLine(j, k), StreetNames.EastWest(j, -n, IsArterialLine(j, k), k));
                }

                if (grid.TryGetValue((i, j + 1), out int north))
                {
                    AddStreet(a, north, IsArterialLine(i, k), StreetNames.NorthSouth(i, IsArterialLine(i, k), k));
                }
            }
        }

        return grid;
    }

    private static bool IsArterialLine(int index, int every) => index % every == 0;

    private void AddStreet(int a, int b, bool arterial, string name)
    {
        if (!arterial && _random.Chance(_options.StreetRemovalShare))
        {
            return;
        }

        double ax = _nodeEast[a], ay = _nodeNorth[a], bx = _nodeEast[b], by = _nodeNorth[b];
        if (arterial)
        {
            _edges.Add((a, b, RoadClass.Arterial, [ax, bx], [ay, by], name));
            return;
        }

        // A residential block bends a little at its middle, as real streets follow lots and terrain.
        double dx = bx - ax, dy = by - ay;
        double length = Math.Sqrt((dx * dx) + (dy * dy));
        double offset = _options.NodeJitterM / 2 * _random.Uniform(-1, 1);
        double mx = ((ax + bx) / 2) - (dy / length * offset);
        double my = ((ay + by) / 2) + (dx / length * offset);
        _edges.Add((a, b, RoadClass.Residential, [ax, mx, bx], [ay, my, by], name));
    }

    private void BuildRing(Dictionary<(int I, int J), int> grid)
    {
        double baseRadius = _options.RingRadiusShare * _options.RadiusM;
        double phase2 = _random.Uniform(0, 2 * Math.PI), phase3 = _random.Uniform(0, 2 * Math.PI);
        int samples = Math.Max(24, (int)Math.Ceiling(2 * Math.PI * baseRadius / RingSampleM));
        var east = new double[samples];
        var north = new double[samples];
        for (int m = 0; m < samples; m++)
        {
            // Two harmonics make the ring an irregular loop rather than a circle (curves of differing radius).
            double theta = 2 * Math.PI * m / samples;
            double radius = baseRadius * (1 + (0.06 * Math.Sin((2 * theta) + phase2)) + (0.04 * Math.Sin((3 * theta) + phase3)));
            east[m] = radius * Math.Sin(theta);
            north[m] = radius * Math.Cos(theta);
        }

        int interchanges = _options.Interchanges;
        int offset = Math.Max(1, (int)Math.Round(RampOffsetM / (2 * Math.PI * baseRadius / samples)));
        double start = _random.Uniform(0, 1);
        var ringIndex = new List<int>();
        var rampTarget = new List<(int RingSample, int Node, int Direction, int Interchange)>();
        for (int c = 0; c < interchanges; c++)
        {
            int centre = (int)Math.Round((c + start) * samples / interchanges) % samples;
            int grid0 = NearestArterialNode(east[centre], north[centre], grid);
            if (grid0 < 0)
            {
                continue;
            }

            // Two ramps: the one behind the interchange leaves along the ring's forward direction, the
            // one ahead along the backward direction, so traffic both ways can exit and enter without
            // a hairpin.
            int before = ((centre - offset) % samples + samples) % samples;
            int after = (centre + offset) % samples;
            ringIndex.Add(before);
            ringIndex.Add(after);
            rampTarget.Add((before, grid0, +1, c));
            rampTarget.Add((after, grid0, -1, c));
        }

        ringIndex = ringIndex.Distinct().Order().ToList();
        if (ringIndex.Count < 2)
        {
            return; // a town too small for a ring: streets only
        }

        var ringNode = new Dictionary<int, int>();
        foreach (int m in ringIndex)
        {
            ringNode[m] = AddNode(east[m], north[m]);
        }

        for (int q = 0; q < ringIndex.Count; q++)
        {
            int a = ringIndex[q], b = ringIndex[(q + 1) % ringIndex.Count];
            int count = ((b - a + samples - 1) % samples) + 2;
            var xs = new double[count];
            var ys = new double[count];
            for (int p = 0; p < count; p++)
            {
                int m = (a + p) % samples;
                xs[p] = east[m];
                ys[p] = north[m];
            }

            _edges.Add((ringNode[a], ringNode[b], RoadClass.Highway, xs, ys, StreetNames.Ring));
        }

        foreach ((int sample, int node, int direction, int interchange) in rampTarget)
        {
            int next = ((sample + direction) % samples + samples) % samples;
            AddRamp(ringNode[sample], east[sample], north[sample], east[next] - east[sample], north[next] - north[sample], node, StreetNames.Ramp(interchange));
        }
    }

    private int NearestArterialNode(double east, double north, Dictionary<(int I, int J), int> grid)
    {
        // The ramp's grid end is an arterial node well inside the ring, so the ramp curves inwards.
        double ring = Math.Sqrt((east * east) + (north * north));
        int k = _options.ArterialEvery;
        int best = -1;
        double bestDistance = double.MaxValue;
        foreach (((int i, int j), int id) in grid)
        {
            if (!IsArterialLine(i, k) && !IsArterialLine(j, k))
            {
                continue;
            }

            double x = _nodeEast[id], y = _nodeNorth[id];
            if (Math.Sqrt((x * x) + (y * y)) > ring - 100)
            {
                continue;
            }

            double d = Math.Sqrt(Square(x - east) + Square(y - north));
            if (d < bestDistance)
            {
                bestDistance = d;
                best = id;
            }
        }

        return best;
    }

    private void AddRamp(int ringNode, double qx, double qy, double tx, double ty, int gridNode, string name)
    {
        // Quadratic Bézier from the ring point, leaving along the ring's tangent, to the arterial node.
        double tl = Math.Sqrt((tx * tx) + (ty * ty));
        double gx = _nodeEast[gridNode], gy = _nodeNorth[gridNode];
        double span = Math.Sqrt(Square(gx - qx) + Square(gy - qy));
        double reach = (0.5 * span) + 40;
        double cx = qx + (tx / tl * reach), cy = qy + (ty / tl * reach);
        int count = Math.Max(3, (int)Math.Ceiling((span + reach) / RampSampleM) + 1);
        var xs = new double[count];
        var ys = new double[count];
        for (int p = 0; p < count; p++)
        {
            double u = (double)p / (count - 1);
            double a = (1 - u) * (1 - u), b = 2 * (1 - u) * u, c = u * u;
            xs[p] = (a * qx) + (b * cx) + (c * gx);
            ys[p] = (a * qy) + (b * cy) + (c * gy);
        }

        _edges.Add((ringNode, gridNode, RoadClass.Arterial, xs, ys, name));
    }

    private (RoadNode[] Nodes, RoadEdge[] Edges) Finish()
    {
        int count = _nodeEast.Count;
        var adjacency = new List<int>[count];
        for (int v = 0; v < count; v++)
        {
            adjacency[v] = [];
        }

        for (int e = 0; e < _edges.Count; e++)
        {
            adjacency[_edges[e].From].Add(e);
            adjacency[_edges[e].To].Add(e);
        }

        // Keep the largest connected component: every trip then has a route (up to turn rules).
        var component = new int[count];
        Array.Fill(component, -1);
        int best = -1, bestSize = 0, label = 0;
        var stack = new Stack<int>();
        for (int v = 0; v < count; v++)
        {
            if (component[v] >= 0)
            {
                continue;
            }

            int size = 0;
            component[v] = label;
            stack.Push(v);
            while (stack.Count > 0)
            {
                int u = stack.Pop();
                size++;
                foreach (int e in adjacency[u])
                {
                    int w = _edges[e].From == u ? _edges[e].To : _edges[e].From;
                    if (component[w] < 0)
                    {
                        component[w] = label;
                        stack.Push(w);
                    }
                }
            }

            if (size > bestSize)
            {
                bestSize = size;
                best = label;
            }

            label++;
        }

        var newId = new int[count];
        var nodes = new List<RoadNode>();
        for (int v = 0; v < count; v++)
        {
            newId[v] = -1;
            if (component[v] == best)
            {
                newId[v] = nodes.Count;
                nodes.Add(new RoadNode(nodes.Count, _nodeEast[v], _nodeNorth[v], ControlOf(v, adjacency[v])));
            }
        }

        var edges = new List<RoadEdge>();
        foreach ((int from, int to, RoadClass roadClass, double[] xs, double[] ys, string name) in _edges)
        {
            if (newId[from] >= 0 && newId[to] >= 0)
            {
                edges.Add(new RoadEdge(edges.Count, newId[from], newId[to], roadClass, xs, ys, name));
            }
        }

        return (nodes.ToArray(), edges.ToArray());
    }

    private NodeControl ControlOf(int node, List<int> incident)
    {
        int arterial = 0, residential = 0, highway = 0;
        foreach (int e in incident)
        {
            switch (_edges[e].Class)
            {
                case RoadClass.Arterial: arterial++; break;
                case RoadClass.Residential: residential++; break;
                default: highway++; break;
            }
        }

        // The draw happens for every node, in node order, so one option does not reshuffle the rest.
        bool light = _random.Chance(_options.LightShare);
        if (highway > 0 || arterial + residential < 3)
        {
            return NodeControl.None; // ring junctions, bends and dead ends
        }

        if (arterial >= 3)
        {
            return light ? NodeControl.TrafficLight : NodeControl.AllWayStop;
        }

        return arterial > 0 ? NodeControl.MinorStop : NodeControl.None;
    }

    private int AddNode(double east, double north)
    {
        _nodeEast.Add(east);
        _nodeNorth.Add(north);
        return _nodeEast.Count - 1;
    }

    private static double Square(double x) => x * x;
}
