using FsCheck.Xunit;
using Tracker.Cloud.Derive.Observations;
using Tracker.Cloud.Derive.Tests.Processors;
using Tracker.Cloud.Derive.Tests.Support;

namespace Tracker.Cloud.Derive.Tests.Engine;

/// <summary>
/// Issue 17's late-data promise as a property: however a car's data arrives (batches of any size, dead zones sent
/// newest first then the backlog, batches twice), once it has all arrived and the clock has passed, the stored trips and
/// stops are exactly those of in-order delivery: same starts, ends, places and figures; none twice, none lost.
/// </summary>
public sealed class TripDeliveryOrderProperties
{
    [Property(MaxTest = 25)]
    public void AnyDeliveryOrder_EndsWithTheTripsAndStopsOfInOrderDelivery(int seed)
    {
        var drive = new RandomDrive(seed);
        Rig inOrder = drive.NewRig();
        inOrder.DeliverEach(drive.Observations);
        inOrder.Tick(drive.End + 3_600_000);

        Rig shuffled = drive.NewRig();
        var random = new Random(seed ^ 0x7219);
        List<Observation[]> batches = [];
        for (int i = 0; i < drive.Observations.Count;)
        {
            int n = Math.Min(drive.Observations.Count - i, random.Next(1, 60));
            batches.Add(drive.Observations.Skip(i).Take(n).ToArray());
            i += n;
        }

        for (int i = 0; i < batches.Count;)
        {
            int run = random.Next(1, 8);
            List<Observation[]> held = batches.Skip(i).Take(run).ToList();
            i += held.Count;
            if (random.Next(3) == 0 && i < batches.Count)
            {
                Observation[] next = batches[i++];
                shuffled.Deliver(next[^1]);
                held.ForEach(b => shuffled.Deliver(b));
                shuffled.Deliver(next[..^1]);
            }
            else
            {
                held.ForEach(b => shuffled.Deliver(b));
            }

            if (random.Next(10) == 0)
            {
                shuffled.Deliver(batches[random.Next(i)]);
            }
        }

        shuffled.Tick(drive.End + 3_600_000);

        string expected = TripTests.Describe(inOrder.Trips.Trips);
        Assert.NotEqual(string.Empty, expected);
        Assert.Equal(expected, TripTests.Describe(shuffled.Trips.Trips));
        Assert.Equal(
            string.Join("\n", inOrder.Trips.Stops.Select(s => s with { DecidedTs = 0 })),
            string.Join("\n", shuffled.Trips.Stops.Select(s => s with { DecidedTs = 0 })));
    }
}
