using System.Reflection;

namespace Tracker.Cloud.Tests.Architecture;

/// <summary>
/// The cloud's libraries see the car only through its contract (firmware/Tracker.Contract: the fix, the wire codec,
/// topics, the status codec, geo maths), never the firmware host build (Tracker.Core: the NMEA reader, the FixLog, the
/// uplink engine, the modem driver), so none of that ships in a Lambda package.
/// </summary>
public sealed class ContractBoundaryTests
{
    /// <summary>The firmware's host assemblies other than the contract (AssemblyName of each project).</summary>
    private static readonly string[] FirmwareHostBuild = ["Tracker.Core", "Tracker.Device.Host", "Tracker.HostLink", "Tracker.Simulation"];

    public static TheoryData<string> CloudLibraries => new()
    {
        "Tracker.Cloud.Core",
        "Tracker.Cloud.Lambda",
        "Tracker.Cloud.Sqlite",
        "Tracker.Cloud.DynamoDb",
        "Tracker.Cloud.Archive",
    };

    [Theory]
    [MemberData(nameof(CloudLibraries))]
    public void CloudLibrary_ReachesTheFirmwareOnlyThroughTheContract(string library)
    {
        IReadOnlySet<string> reached = TrackerAssembliesReachedFrom(library);

        Assert.Contains("Tracker.Contract", reached);
        Assert.Empty(reached.Intersect(FirmwareHostBuild));
    }

    // The Tracker.* assemblies a library references, directly or through others (loaded from this test's output folder).
    private static IReadOnlySet<string> TrackerAssembliesReachedFrom(string library)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<AssemblyName>([new AssemblyName(library)]);
        while (pending.TryPop(out AssemblyName? name))
        {
            if (name.Name is not { } simple || !simple.StartsWith("Tracker.", StringComparison.Ordinal) || !seen.Add(simple))
            {
                continue;
            }

            foreach (AssemblyName reference in Assembly.Load(name).GetReferencedAssemblies())
            {
                pending.Push(reference);
            }
        }

        seen.Remove(library);
        return seen;
    }
}
