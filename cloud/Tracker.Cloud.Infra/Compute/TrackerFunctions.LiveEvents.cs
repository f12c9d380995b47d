using Amazon.CDK;
using Amazon.CDK.AWS.Lambda;
using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Lambda.Functions;
using Tracker.Cloud.Lambda.Notify;

namespace Tracker.Cloud.Infra.Compute;

/// <summary>
/// The live event feed (issue 16 on AWS): the ingest and tick functions publish each event Derive stores or withdraws to
/// <c>fleet/{car}/events</c> through the IoT data plane's HTTPS Publish (<c>IotEventPublisher</c>). They get the account's
/// IoT data endpoint (the <see cref="IotDataEndpointParameter"/> the live-disconnect function reads too) and
/// <c>iot:Publish</c> on the events topics only: never a car's <c>tracker/</c> topics, nor fleet fixes or status.
/// </summary>
public sealed partial class TrackerFunctions
{
    /// <summary>The IoT topic pattern (IAM resource form) the feed may publish to.</summary>
    public const string LiveEventTopicResource = "topic/" + LiveTopics.FleetPrefix + "*/events";

    private string? _iotDataEndpointUrl;

    private void AllowLiveEventFeed(Function function, StageNames names)
    {
        Stack stack = Stack.Of(this);
        string endpoint = _iotDataEndpointUrl ?? throw new InvalidOperationException("the IoT data endpoint parameter is created with the live-disconnect function, before the event path");
        function.AddEnvironment(LiveDisconnectSettings.IotDataEndpointVariable, endpoint);
        function.AddEnvironment(NotifySettings.MetricNamespaceVariable, names.MetricNamespace);
        Allow(function, "arn:" + stack.Partition + ":iot:" + stack.Region + ":" + stack.Account + ":" + LiveEventTopicResource, "iot:Publish");
    }
}
