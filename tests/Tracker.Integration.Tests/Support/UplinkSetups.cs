using Tracker.Core.Uplink;

namespace Tracker.Integration.Tests.Support;

/// <summary>Uplink options for the drives: the firmware's defaults, and variants.</summary>
public static class UplinkSetups
{
    /// <summary>
    /// The defaults of <see cref="UplinkOptions"/> (300 s keep-alive, 5 min normal and 5 s live
    /// period, live while moving, 4 messages in flight, 100 fixes a batch, 1,024-byte messages as on
    /// the SIM7080G, 60 s PUBACK timeout, 2 s to 5 min backoff).
    /// </summary>
    public static UplinkOptions Default(UplinkTopics topics) => With(topics, liveWhenMoving: true);

    /// <summary>The defaults, except that a moving car is not live: fixes wait for the 5-minute period.</summary>
    public static UplinkOptions NotLive(UplinkTopics topics) => With(topics, liveWhenMoving: false);

    private static UplinkOptions With(UplinkTopics topics, bool liveWhenMoving) => new(
        topics,
        UplinkOptions.DefaultKeepAliveS,
        UplinkOptions.DefaultNormalPeriodMs,
        UplinkOptions.DefaultLivePeriodMs,
        liveWhenMoving,
        UplinkOptions.DefaultMaxWatchMs,
        UplinkOptions.DefaultStatusPeriodMs,
        UplinkOptions.DefaultMaxInFlight,
        UplinkOptions.DefaultMaxFixesPerBatch,
        UplinkOptions.DefaultMaxMessageBytes,
        UplinkOptions.DefaultAckTimeoutMs,
        UplinkOptions.DefaultBackoffBaseMs,
        UplinkOptions.DefaultBackoffCapMs);
}
