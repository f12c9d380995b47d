using Amazon.CDK;
using Tracker.Cloud.Lambda.Functions;

namespace Tracker.Cloud.Infra.Compute;

/// <summary>
/// Issue 18's remote config on AWS: the API function serves the cars' config and the groups (<c>ConfigApi</c>). It gets
/// the IoT data endpoint (the stack's <see cref="IotDataEndpointParameter"/>, which turns the routes on) and exactly what
/// <c>ThingGroups</c> and <c>IotShadows</c> call, each on the resource type IoT authorizes it by (Service Authorization
/// Reference, "Actions defined by AWS IoT"): <c>GetThingShadow</c>, <c>UpdateThingShadow</c> and <c>DescribeThing</c> on
/// things; <c>CreateThingGroup</c> and <c>UpdateThingGroup</c> on thing groups; <c>AddThingToThingGroup</c> and
/// <c>RemoveThingFromThingGroup</c> on both; <c>ListThingGroups</c> on <c>*</c> (no resource-level permission).
/// <c>DescribeThingGroup</c> and <c>ListThingsInThingGroup</c> on thing groups it holds already for rollouts
/// (<see cref="ServeUpdates"/>), which the stack always wires.
/// </summary>
public sealed partial class TrackerFunctions
{
    /// <summary>The IoT actions the config routes add to the API function's role.</summary>
    public static readonly IReadOnlyList<string> ConfigIotActions =
    [
        "iot:GetThingShadow", "iot:UpdateThingShadow", "iot:DescribeThing", "iot:CreateThingGroup", "iot:UpdateThingGroup",
        "iot:AddThingToThingGroup", "iot:RemoveThingFromThingGroup", "iot:ListThingGroups",
    ];

    /// <summary>Wires the API function to the cars' shadows and the thing groups.</summary>
    public void ServeConfig()
    {
        Stack stack = Stack.Of(this);
        string iot = "arn:" + stack.Partition + ":iot:" + stack.Region + ":" + stack.Account + ":";
        string endpoint = _iotDataEndpointUrl ?? throw new InvalidOperationException("the IoT data endpoint parameter is created with the live-disconnect function, before the config routes");
        Api.AddEnvironment(LiveDisconnectSettings.IotDataEndpointVariable, endpoint);
        Allow(Api, iot + "thing/*", "iot:GetThingShadow", "iot:UpdateThingShadow", "iot:DescribeThing");
        Allow(Api, iot + "thinggroup/*", "iot:CreateThingGroup", "iot:UpdateThingGroup");
        Allow(Api, [iot + "thinggroup/*", iot + "thing/*"], "iot:AddThingToThingGroup", "iot:RemoveThingFromThingGroup");
        Allow(Api, "*", "iot:ListThingGroups");
    }
}
