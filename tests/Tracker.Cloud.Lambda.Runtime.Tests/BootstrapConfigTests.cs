using System.Text.Json.Nodes;
using Tracker.Cloud.Lambda.Functions;
using Tracker.Cloud.Lambda.Runtime.Tests.Support;
using Tracker.Core.Control;
using Xunit.Abstractions;

namespace Tracker.Cloud.Lambda.Runtime.Tests;

/// <summary>
/// Issue 18's remote config on AWS, through the published bootstrap: the API function, configured only by its environment
/// as the stack configures it, makes a group (a static thing group) and writes the group's config into each car's shadow
/// at the loopback IoT, which recomputes every signature: the control plane's as <c>iot</c>, the shadows' as <c>iotdata</c>.
/// </summary>
[Collection(PublishedPackageCollection.Name)]
public sealed class BootstrapConfigTests(PublishedPackage package, DynaliteServer dynalite, ITestOutputHelper output) : IClassFixture<DynaliteServer>
{
    [BootstrapFact]
    public async Task TheApiFunction_MakesAGroup_AndWritesItsConfigIntoEachCarsShadow_Signed()
    {
        await using var iot = new LoopbackIotThings("us-east-1", "S3RVER");
        iot.AddThings("car-1", "car-2");
        Dictionary<string, string> environment = RunningFunction.DynamoDbEnvironment("t" + Guid.NewGuid().ToString("N")[..10], dynalite.ServiceUrl);
        environment[LiveDisconnectSettings.IotDataEndpointVariable] = iot.Endpoint.ToString().TrimEnd('/');
        environment[UpdatesSettings.IotEndpointVariable] = iot.Endpoint.ToString().TrimEnd('/');
        await using RunningFunction api = await RunningFunction.StartAsync(package, FunctionCatalog.Api, environment, output);

        (int grouped, _) = await OperatorCall.SendAsync(api, "/groups/north", "PUT", "{\"cars\":[\"car-1\",\"car-2\"]}");
        (int configured, JsonObject body) = await OperatorCall.SendAsync(api, "/groups/north/config", "PUT", "{\"cfg\":{\"uplink.statusPeriodS\":1800}}");

        Assert.Equal(200, grouped);
        Assert.Equal(202, configured);
        Assert.Equal(2, body["cars"]!.AsArray().Count);
        foreach (string car in new[] { "car-1", "car-2" })
        {
            Assert.Equal(1800, (int)iot.ShadowOf(car)!["state"]!["desired"]!["cfg"]![ShadowNames.NameOf("uplink.statusPeriodS")]!);
        }

        Assert.NotEmpty(iot.Requests);
        Assert.All(iot.Requests, r => Assert.EndsWith(" ok", r, StringComparison.Ordinal)); // signed with the function's keys and session token
    }
}
