using Tracker.Simulation.Routes;
using Tracker.Simulation.Tests.Support;

namespace Tracker.Simulation.Tests.Routes;

public class RoadNetworkTests
{
    [Fact]
    public void Generate_SameOptions_GivesTheSameTown()
    {
        RoadNetwork a = RoadNetwork.Generate(RouteOptions.Default with { RadiusM = 2000 });
        RoadNetwork b = RoadNetwork.Generate(RouteOptions.Default with { RadiusM = 2000 });
        Assert.Equal(a.Nodes.Count, b.Nodes.Count);
        Assert.Equal(a.Edges.Count, b.Edges.Count);
        for (int i = 0; i < a.Nodes.Count; i++)
        {
            Assert.Equal((a.Nodes[i].EastM, a.Nodes[i].NorthM, a.Nodes[i].Control), (b.Nodes[i].EastM, b.Nodes[i].NorthM, b.Nodes[i].Control));
        }
    }

    [Fact]
    public void Generate_AnotherSeed_GivesAnotherTown()
    {
        RoadNetwork a = RoadNetwork.Generate(RouteOptions.Default with { RadiusM = 2000 });
        RoadNetwork b = RoadNetwork.Generate(RouteOptions.Default with { RadiusM = 2000, Seed = 2 });
        Assert.NotEqual(a.Nodes.Select(n => n.EastM), b.Nodes.Select(n => n.EastM));
    }

    [Fact]
    public void Generate_Default_HasEveryRoadClassAndControl()
    {
        RoadNetwork town = Drives.Town;
        Assert.All(Enum.GetValues<RoadClass>(), c => Assert.True(town.LengthKm(c) > 5, $"{c}: {town.LengthKm(c)} km"));
        Assert.All(Enum.GetValues<NodeControl>(), c => Assert.Contains(town.Nodes, n => n.Control == c));
    }

    [Fact]
    public void Generate_Default_IsConnected()
    {
        RoadNetwork town = Drives.Town;
        ILookup<int, RoadEdge> incident = town.Edges.SelectMany(e => new[] { (e.From, e), (e.To, e) }).ToLookup(p => p.Item1, p => p.e);
        var seen = new bool[town.Nodes.Count];
        var stack = new Stack<int>([0]);
        seen[0] = true;
        while (stack.Count > 0)
        {
            int v = stack.Pop();
            foreach (RoadEdge e in incident[v])
            {
                int w = e.From == v ? e.To : e.From;
                if (!seen[w])
                {
                    seen[w] = true;
                    stack.Push(w);
                }
            }
        }

        Assert.All(seen, Assert.True);
    }

    [Fact]
    public void Edges_AreRoadLikePolylines_WithoutLongStraightJumps()
    {
        RoadNetwork town = Drives.Town;
        foreach (RoadEdge e in town.Edges)
        {
            Assert.True(e.PointCount >= 2);
            Assert.Equal((town.Nodes[e.From].EastM, town.Nodes[e.From].NorthM), (e.EastM(0), e.NorthM(0)));
            Assert.Equal((town.Nodes[e.To].EastM, town.Nodes[e.To].NorthM), (e.EastM(e.PointCount - 1), e.NorthM(e.PointCount - 1)));
            for (int i = 1; i < e.PointCount; i++)
            {
                double step = Math.Sqrt(Math.Pow(e.EastM(i) - e.EastM(i - 1), 2) + Math.Pow(e.NorthM(i) - e.NorthM(i - 1), 2));
                Assert.InRange(step, 0.05, e.Class == RoadClass.Residential ? 160 : 250);
            }
        }

        // The highway curves: no stretch of it is straight for long (a heading change at every sample).
        RoadEdge ring = town.Edges.First(e => e.Class == RoadClass.Highway && e.PointCount > 10);
        double h0 = Math.Atan2(ring.EastM(1) - ring.EastM(0), ring.NorthM(1) - ring.NorthM(0));
        double h1 = Math.Atan2(ring.EastM(10) - ring.EastM(9), ring.NorthM(10) - ring.NorthM(9));
        Assert.NotEqual(h0, h1, 3);
    }

    [Theory]
    [InlineData(-33.8688, 151.2093)]
    [InlineData(64.1466, -21.9426)]
    [InlineData(0.0, 179.99)]
    public void Generate_AnyCentre_PlacesTheTownAroundIt(double lat, double lon)
    {
        RoadNetwork town = RoadNetwork.Generate(RouteOptions.Default with { CenterLatitudeDeg = lat, CenterLongitudeDeg = lon, RadiusM = 1500 });
        Assert.NotEmpty(town.Nodes);
        foreach (RoadNode n in town.Nodes)
        {
            double nodeLat = town.Latitude(n.NorthM), nodeLon = town.Longitude(n.EastM);
            Assert.InRange(nodeLon, -180, 180);
            double dLon = ((nodeLon - lon + 540) % 360) - 180;
            double metres = Math.Sqrt(Math.Pow((nodeLat - lat) * 111_000, 2) + Math.Pow(dLon * 111_000 * Math.Cos(lat * Math.PI / 180), 2));
            Assert.True(metres < 1600, $"node {n.Id} is {metres:0} m from the centre");
        }
    }

    [Fact]
    public void FindRoute_BetweenRandomNodes_MostlyFindsOneWithoutUTurns()
    {
        RoadNetwork town = Drives.Town;
        var random = new Random(4);
        int found = 0;
        for (int i = 0; i < 40; i++)
        {
            int from = random.Next(town.Nodes.Count), to = random.Next(town.Nodes.Count);
            int[]? route = town.FindRoute(from, to);
            if (route == null)
            {
                continue;
            }

            found++;
            Assert.Equal(to, town.EndNode(route[^1]));
            for (int k = 1; k < route.Length; k++)
            {
                Assert.NotEqual(RoadNetwork.EdgeOf(route[k - 1]), RoadNetwork.EdgeOf(route[k]));
            }
        }

        Assert.True(found >= 36, $"{found} of 40");
    }
}
