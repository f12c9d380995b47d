using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Local.Jobs;
using Tracker.Cloud.Local.Shadow;
using Tracker.Core.Uplink;

namespace Tracker.Cloud.Local.Broker;

/// <summary>
/// What each MQTT client may do, as the AWS IoT policies say it (the thing-name-scoped device policy, and the custom
/// authorizer's policy for browsers). Pure decisions over names and times: the broker adapter calls them. Whether a
/// viewer may see a car is <see cref="ViewerAccess"/>'s one rule, shared with the API and the live authorizer.
/// </summary>
public static class BrokerPolicy
{
    /// <summary>The client id prefix browsers use; a car id can never take a browser's session or the reverse.</summary>
    public const string ViewerClientPrefix = LiveTopics.WebClientIdPrefix;

    /// <summary>A car (its certificate CN) may publish its own fixes and status, and requests to its own shadow and jobs, nothing else.</summary>
    /// <param name="carId">The certificate's CN.</param>
    /// <param name="topic">The publish topic.</param>
    /// <returns>True when allowed.</returns>
    public static bool MayDevicePublish(string carId, string topic) =>
        (TopicParser.TryParseDeviceTopic(topic, out string car, out string leaf)
            && string.Equals(car, carId, StringComparison.Ordinal)
            && leaf is "fixes" or "status")
        || (ShadowService.TryParseRequestTopic(topic, out string thing, out _) && string.Equals(thing, carId, StringComparison.Ordinal))
        || (JobsService.TryParseRequestTopic(topic, out string jobThing, out _, out _) && string.Equals(jobThing, carId, StringComparison.Ordinal));

    /// <summary>The answers a car may subscribe to on its own classic shadow (no wildcards, as the device policy names them).</summary>
    private static readonly string[] ShadowAnswers =
        ["update/delta", "update/accepted", "update/rejected", "update/documents", "get/accepted", "get/rejected", "delete/accepted", "delete/rejected"];

    /// <summary>A car may subscribe to its own live (watch) topic and its own shadow's and jobs' answers only.</summary>
    /// <param name="carId">The certificate's CN.</param>
    /// <param name="filter">The topic filter.</param>
    /// <returns>True when allowed.</returns>
    public static bool MayDeviceSubscribe(string carId, string filter) =>
        string.Equals(filter, "tracker/" + carId + "/live", StringComparison.Ordinal)
        || (filter is not null && filter.StartsWith(ShadowService.Prefix(carId), StringComparison.Ordinal)
            && ShadowAnswers.Contains(filter[ShadowService.Prefix(carId).Length..], StringComparer.Ordinal))
        || (filter is not null && filter.StartsWith(JobsService.Prefix(carId), StringComparison.Ordinal) && IsJobsAnswer(filter[JobsService.Prefix(carId).Length..]));

    // notify-next, or {jobId|$next|+}/{get|update}/{accepted|rejected} ($next only with get), as the device policy names them.
    private static bool IsJobsAnswer(string rest)
    {
        if (rest == "notify-next")
        {
            return true;
        }

        string[] levels = rest.Split('/');
        return levels.Length == 3 && levels[2] is "accepted" or "rejected" && levels[1] is "get" or "update"
            && (levels[0] == "+" || JobsService.IsValidJobId(levels[0]) || (levels[0] == "$next" && levels[1] == "get"));
    }

    /// <summary>
    /// May a viewer subscribe to <paramref name="filter"/>? Operators: any filter inside <c>fleet/</c> (wildcards
    /// included). Renters: exactly <c>fleet/{car}/fixes</c> or <c>fleet/{car}/status</c> of a car whose rental is
    /// running, no wildcards.
    /// </summary>
    /// <param name="viewer">The viewer.</param>
    /// <param name="filter">The topic filter.</param>
    /// <param name="nowMs">Now, UTC epoch ms.</param>
    /// <returns>True when allowed.</returns>
    public static bool MayViewerSubscribe(Viewer viewer, string filter, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        if (filter is null || nowMs >= viewer.TokenExpiresMs)
        {
            return false;
        }

        if (viewer.Identity.IsOperator)
        {
            return IsFleetFilter(filter);
        }

        return viewer.Identity.IsRenter
            && TopicParser.TryParseFleetTopic(filter, out string car, out string leaf)
            && leaf is "fixes" or "status"
            && ViewerAccess.MaySee(viewer.Identity, viewer.Rentals, car, nowMs);
    }

    /// <summary>May a message on <paramref name="topic"/> be delivered to the viewer now? (A rental can end mid-session.)</summary>
    /// <param name="viewer">The viewer.</param>
    /// <param name="topic">The message's topic.</param>
    /// <param name="nowMs">Now, UTC epoch ms.</param>
    /// <returns>True when it may be delivered.</returns>
    public static bool MayViewerReceive(Viewer viewer, string topic, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        if (nowMs >= viewer.TokenExpiresMs || !TopicParser.TryParseFleetTopic(topic, out string car, out string leaf))
        {
            return false;
        }

        if (!viewer.Identity.IsOperator && leaf is not ("fixes" or "status"))
        {
            // The fleet's events (fleet/{car}/events) and anything else under a car are for operators only.
            return false;
        }

        return ViewerAccess.MaySee(viewer.Identity, viewer.Rentals, car, nowMs);
    }

    /// <summary>
    /// May a viewer publish this message? Only a watch request (ASCII seconds, <see cref="LiveCommand"/>) to
    /// <c>tracker/{car}/live</c> of a car they may see now.
    /// </summary>
    /// <param name="viewer">The viewer.</param>
    /// <param name="topic">The publish topic.</param>
    /// <param name="payload">The payload.</param>
    /// <param name="nowMs">Now, UTC epoch ms.</param>
    /// <returns>True when allowed.</returns>
    public static bool MayViewerPublish(Viewer viewer, string topic, byte[] payload, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        if (nowMs >= viewer.TokenExpiresMs
            || !TopicParser.TryParseDeviceTopic(topic, out string car, out string leaf)
            || leaf != "live"
            || !LiveCommand.TryParseWatchSeconds(payload, out _))
        {
            return false;
        }

        return ViewerAccess.MaySee(viewer.Identity, viewer.Rentals, car, nowMs);
    }

    /// <summary>Is <paramref name="filter"/> a well-formed MQTT filter inside <c>fleet/</c>? (MQTT 3.1.1 §4.7.1.)</summary>
    /// <param name="filter">The filter.</param>
    /// <returns>True when it is.</returns>
    public static bool IsFleetFilter(string filter)
    {
        if (string.IsNullOrEmpty(filter) || filter.Length > UplinkTopics.MaxTopicLength + 16)
        {
            return false;
        }

        string[] levels = filter.Split('/');
        if (levels[0] != TopicParser.Root)
        {
            return false;
        }

        for (int i = 1; i < levels.Length; i++)
        {
            string level = levels[i];
            bool lastLevel = i == levels.Length - 1;
            if (level == "#" ? !lastLevel : level != "+" && (level.Contains('#', StringComparison.Ordinal) || level.Contains('+', StringComparison.Ordinal) || level.Length == 0))
            {
                return false;
            }
        }

        return levels.Length > 1;
    }
}
