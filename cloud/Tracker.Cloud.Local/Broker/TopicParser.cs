using Tracker.Cloud.Core.Access;
using Tracker.Core.Uplink;

namespace Tracker.Cloud.Local.Broker;

/// <summary>
/// Reads the two topic families the broker's rules decide on: a car's own <c>tracker/{car}/{leaf}</c> and the
/// browsers' <c>fleet/{car}/{leaf}</c> (names in <see cref="LiveTopics"/>, shared with the AWS authorizer).
/// </summary>
public static class TopicParser
{
    /// <summary>The first level of every browser topic (<see cref="LiveTopics.FleetPrefix"/> without its slash).</summary>
    public static readonly string Root = LiveTopics.FleetPrefix.TrimEnd('/');

    /// <summary>Splits <c>tracker/{car}/{leaf}</c> (a device topic) into its car and leaf; never throws.</summary>
    /// <param name="topic">The topic.</param>
    /// <param name="carId">The car.</param>
    /// <param name="leaf">fixes, status or live.</param>
    /// <returns>True for a well-formed device topic.</returns>
    public static bool TryParseDeviceTopic(string? topic, out string carId, out string leaf) =>
        TryParse(topic, "tracker", out carId, out leaf);

    /// <summary>Splits <c>fleet/{car}/{leaf}</c> into its car and leaf; never throws.</summary>
    /// <param name="topic">The topic.</param>
    /// <param name="carId">The car.</param>
    /// <param name="leaf">fixes or status.</param>
    /// <returns>True for a well-formed browser topic.</returns>
    public static bool TryParseFleetTopic(string? topic, out string carId, out string leaf) =>
        TryParse(topic, Root, out carId, out leaf);

    private static bool TryParse(string? topic, string root, out string carId, out string leaf)
    {
        carId = string.Empty;
        leaf = string.Empty;
        if (topic is null || topic.Length > UplinkTopics.MaxTopicLength + 16)
        {
            return false;
        }

        string[] levels = topic.Split('/');
        if (levels.Length != 3 || levels[0] != root || !UplinkTopics.IsValidThingName(levels[1]) || levels[2].Length == 0)
        {
            return false;
        }

        carId = levels[1];
        leaf = levels[2];
        return true;
    }
}
