using Tracker.Core.Uplink;
using Tracker.Simulation.Car;

namespace Tracker.Simulation.Tests.Support;

/// <summary>A simulated car's options as the tests build them: the firmware's uplink defaults, the car's own flash folder.</summary>
internal static class CarSetups
{
    /// <summary>Options for car <paramref name="carId"/> whose FixLog lives in <paramref name="folder"/>.</summary>
    public static SimulatedCarOptions Options(string carId, string folder, uint jitterSeed) => new()
    {
        CarId = carId,
        LogDirectory = folder,
        Uplink = new UplinkOptions(
            UplinkTopics.Create(carId, null),
            UplinkOptions.DefaultKeepAliveS,
            UplinkOptions.DefaultNormalPeriodMs,
            UplinkOptions.DefaultLivePeriodMs,
            true,
            UplinkOptions.DefaultMaxWatchMs,
            UplinkOptions.DefaultStatusPeriodMs,
            UplinkOptions.DefaultMaxInFlight,
            UplinkOptions.DefaultMaxFixesPerBatch,
            UplinkOptions.DefaultMaxMessageBytes,
            UplinkOptions.DefaultAckTimeoutMs,
            UplinkOptions.DefaultBackoffBaseMs,
            UplinkOptions.DefaultBackoffCapMs),
        JitterSeed = jitterSeed,
    };
}
