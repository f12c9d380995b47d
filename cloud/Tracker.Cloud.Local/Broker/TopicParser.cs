using Tracker.Core.Uplink;

namespace Tracker.Cloud.Local.Broker;

/// <summary>
/// The browser-facing topics (the same names the AWS IoT rules republish to): <c>fleet/{car}/fixes</c> carries the
/// device's fix batch verbatim (wire format v1), <c>fleet/{car}/status</c> (retained) its status message or the text
/// <c>offline</c>.
/// </summary>
public static class LiveTopics
{
    /// <summary>The first level of every browser topic.</summary>
    public const string Root = "fleet";

    /// <summary>The topic a car's republished fix batches go to.</summary>
    /// <param name="carId">The car.</param>
    /// <returns>The topic.</returns>
    public static string Fixes(string carId) => Root + "/" + carId + "/fixes";

    /// <summary>The retained topic a car's status goes to.</summary>
    /// <param name="carId">The car.</param>
    /// <returns>The topic.</returns>
    public static string Status(string carId) => Root + "/" + carId + "/status";

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
