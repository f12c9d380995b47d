using Tracker.Simulation.Routes;

namespace Tracker.Simulation.Tests.Support;

/// <summary>Shared networks and drives, generated once per test run (the town takes a few milliseconds to lay out).</summary>
internal static class Drives
{
    private static readonly Lazy<RoadNetwork> DefaultTown = new(() => RoadNetwork.Generate(RouteOptions.Default));

    /// <summary>The default town (Reno, seed 1).</summary>
    public static RoadNetwork Town => DefaultTown.Value;

    /// <summary>The first <paramref name="seconds"/> epochs of car <paramref name="carSeed"/> in <paramref name="network"/>.</summary>
    public static RouteEpoch[] Drive(RoadNetwork network, int carSeed, int seconds)
    {
        var route = new RouteGenerator(network, carSeed);
        var epochs = new RouteEpoch[seconds];
        for (int i = 0; i < seconds; i++)
        {
            epochs[i] = route.Next();
        }

        return epochs;
    }
}
