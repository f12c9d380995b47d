using System.Text;
using System.Text.Json.Nodes;
using Tracker.Cloud.Local.Shadow;
using Tracker.Core.Control;
using Tracker.Core.Uplink;
using Tracker.Device.Storage;
using Tracker.HostLink;
using Tracker.Provisioning.Bundles;

namespace Tracker.Cloud.Local.Tests.Host;

/// <summary>
/// Remote configuration end to end on the real broker: an operator's desired change reaches a car as IoT Core's
/// delta, the car applies it with the firmware's own Control stage (on a real directory as its flash) and
/// reports it, and the shadow's delta ends. A refused change stays in the delta with the loader's reason reported.
/// </summary>
public sealed class ShadowTests(LocalHostFixture fixture) : IClassFixture<LocalHostFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task ADesiredChange_ReachesTheCar_IsApplied_AndReported_AndTheDeltaEnds()
    {
        const string car = "car-0031";
        using var flashFolder = new TempFolder();
        using var flash = new DirectoryFlashFileSystem();
        using MqttNetLink link = fixture.CarLink(car);
        Assert.Equal(LinkResult.Ok, link.Connect(new MqttConnectOptions(car, 60, null, null, true)));
        var topics = new ShadowTopics(car);
        Assert.Equal(LinkResult.Ok, link.Subscribe(topics.Delta));
        Assert.Equal(LinkResult.Ok, link.Subscribe(topics.UpdateRejected));
        string trackerConf = File.ReadAllText(fixture.Host.Pki.EnsureCar(car, fixture.Host.MqttPort).PathOf(BundleFiles.Config));
        RemoteConfig remote = RemoteConfig.Open(flash, flashFolder.Combine("cfg"), trackerConf);
        Assert.True(remote.Result.IsOk, remote.Result.Message);

        await OperatorSetsAsync(car, "{\"state\":{\"desired\":{\"cfg\":{\"upP\":600,\"mvMinP\":10}}}}");
        byte[] delta = await NextAsync(link, topics.Delta);
        Assert.Equal(ApplyOutcome.Applied, remote.Apply(delta, 0, delta.Length));
        Assert.Equal(600_000, remote.Result.Config!.Uplink.NormalPeriodMs);
        Report(link, topics, remote);

        await WaitUntilAsync(() => fixture.Host.Shadows.Read(car)?["state"]?["reported"]?["cfgVer"] is not null);
        JsonObject document = fixture.Host.Shadows.Read(car)!;
        Assert.Null(document["state"]!["delta"]);
        Assert.Equal(600, (int)document["state"]!["reported"]!["cfg"]!["upP"]!);

        // A change the loader refuses: the car keeps its config, reports the reason, and the delta stays.
        await OperatorSetsAsync(car, "{\"state\":{\"desired\":{\"cfg\":{\"upLiveP\":900}}}}");
        delta = await NextAsync(link, topics.Delta);
        Assert.Equal(ApplyOutcome.Refused, remote.Apply(delta, 0, delta.Length));
        Report(link, topics, remote);

        await WaitUntilAsync(() => fixture.Host.Shadows.Read(car)?["state"]?["reported"]?["cfgErr"] is JsonObject);
        document = fixture.Host.Shadows.Read(car)!;
        Assert.Equal("Inconsistent", (string)document["state"]!["reported"]!["cfgErr"]!["code"]!);
        Assert.Equal(900, (int)document["state"]!["delta"]!["cfg"]!["upLiveP"]!);
        Assert.Equal(600_000, remote.Result.Config!.Uplink.NormalPeriodMs);

        // The report brought the delta back (IoT Core does so after every update while desired differs): the same
        // change, refused again without a new answer, which would only bring it back once more (issue 18's loop).
        delta = await NextAsync(link, topics.Delta);
        Assert.Equal(ApplyOutcome.RefusedAgain, remote.Apply(delta, 0, delta.Length));
    }

    [Fact]
    public async Task ACar_MayNotTouchAnotherCarsShadow()
    {
        using MqttNetLink link = fixture.CarLink("car-0032");
        Assert.Equal(LinkResult.Ok, link.Connect(new MqttConnectOptions("car-0032", 60, null, null, true)));

        Assert.NotEqual(LinkResult.Ok, link.Subscribe(new ShadowTopics("car-0033").Delta));
        byte[] update = "{\"state\":{\"reported\":{\"x\":1}}}"u8.ToArray();
        link.Publish(new ShadowTopics("car-0033").Update, update, 0, update.Length, 1, out _);

        await WaitUntilAsync(() => !link.IsConnected);
        Assert.Null(fixture.Host.Shadows.Read("car-0033"));
    }

    private async Task OperatorSetsAsync(string car, string json) =>
        await fixture.Host.Broker.PublishShadowAsync(fixture.Host.Shadows.Update(car, Encoding.UTF8.GetBytes(json)));

    private static void Report(MqttNetLink link, ShadowTopics topics, RemoteConfig remote)
    {
        byte[] reported = ShadowReport.Build(remote);
        Assert.Equal(LinkResult.Ok, link.Publish(topics.Update, reported, 0, reported.Length, 1, out _));
    }

    private static async Task<byte[]> NextAsync(MqttNetLink link, string topic)
    {
        byte[] payload = [];
        await WaitUntilAsync(() => link.TryTakeMessage(out string t, out payload) && t == topic);
        Assert.True(payload.Length <= ShadowLimits.MaxMessageBytes, payload.Length.ToString());
        return payload;
    }

    private static async Task WaitUntilAsync(Func<bool> condition) =>
        Assert.True(await Poll.UntilAsync(condition, Wait), "timed out waiting");
}
