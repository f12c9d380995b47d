using Tracker.Core.Uplink;

namespace Tracker.Cloud.Core.Ingest;

/// <summary>
/// Reads the car id out of a fixes topic, in the two forms <see cref="UplinkTopics"/> writes:
/// <c>tracker/{car}/fixes</c> and the Basic Ingest <c>$aws/rules/{rule}/tracker/{car}/fixes</c>
/// (AWS IoT developer guide, "Reducing messaging costs with Basic Ingest").
/// </summary>
public static class IngestTopic
{
    /// <summary>Parses a fixes topic. Never throws.</summary>
    /// <param name="topic">The topic.</param>
    /// <param name="carId">The car id (a valid thing name), or empty.</param>
    /// <returns>True when the topic is a well-formed fixes topic.</returns>
    public static bool TryParse(string? topic, out string carId)
    {
        carId = string.Empty;
        if (topic is null || topic.Length > UplinkTopics.MaxTopicLength + 64)
        {
            return false;
        }

        string[] levels = topic.Split('/');
        int start = 0;
        if (levels.Length == 6 && levels[0] == "$aws" && levels[1] == "rules")
        {
            if (!UplinkTopics.IsValidRuleName(levels[2]))
            {
                return false;
            }

            start = 3;
        }
        else if (levels.Length != 3)
        {
            return false;
        }

        if (levels[start] != "tracker" || levels[start + 2] != "fixes" || !UplinkTopics.IsValidThingName(levels[start + 1]))
        {
            return false;
        }

        carId = levels[start + 1];
        return true;
    }
}
