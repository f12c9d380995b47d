using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Tracker.Cloud.Core.Config;
using Tracker.Cloud.Local.Shadow;
using Tracker.Cloud.Testing;
using Tracker.Core.Control;
using Tracker.Provisioning.Bundles;

namespace Tracker.Cloud.Local.Tests.Host;

/// <summary>
/// Remote configuration end to end on the real local host: an operator's change through the API (per car and per
/// group) lands in the cars' shadows, the broker sends the deltas, simulated cars running the firmware's Control
/// stage (with their provisioned tracker.conf and a real directory as flash) apply it with the loader's rules and
/// report it, and the API shows what each car runs, what waits for a restart and what it refused.
/// </summary>
public sealed class RemoteConfigApiTests(LocalHostFixture fixture) : IClassFixture<LocalHostFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task AnOperatorsChange_IsAppliedByTheCar_RestartKeysWaitForAParkedRestart_AndARefusalIsShown()
    {
        string ops = await fixture.LoginAsync("ops");
        await using var car = StartCar("car-0041", restartQuietMs: 1500);

        // Live keys: running at once, reported with the shadow's version, nothing left in the delta.
        (int status, JsonNode? body) = await PutAsync("/cars/car-0041/config", ops, "{\"cfg\":{\"uplink.normalPeriodS\":600,\"mvMinP\":10}}");
        Assert.True(status == 202, body?.ToJsonString());
        Assert.Equal(600, (int)body!["desired"]!["uplink.normalPeriodS"]!);
        // Until the car's report of the change is stored: its connect-time report already names the key (with the old
        // value), and the view's version can be read between the report's write and the shadow's version bump. The
        // report itself is a later update than the one it applied; a report the car sent again (its PUBACK came late,
        // as on a loaded machine) is one more.
        JsonNode view = await UntilAsync("car-0041", ops, v => v["applied"]?["uplink.normalPeriodS"] is JsonValue period && (int)period == 600
            && v["version"] is JsonValue version && v["appliedVersion"] is JsonValue applied && (int)version > (int)applied);
        Assert.Equal(10, (int)view["applied"]!["report.moving.minPeriodS"]!);
        Assert.Empty(view["notApplied"]!.AsObject());
        Assert.Equal(600_000, car.Sim.Remote!.Result.Config!.Uplink.NormalPeriodMs);
        Assert.Equal(10, car.Sim.Remote.Result.Config.Report.MovingMinPeriodS);

        // A restart key: committed, reported pending, then run after the parked car's restart.
        (status, body) = await PutAsync("/cars/car-0041/config", ops, "{\"cfg\":{\"cell.rat\":\"nbiot\"}}");
        Assert.True(status == 202, body?.ToJsonString());
        view = await UntilAsync("car-0041", ops, v => v["pending"]!.AsArray().Count == 1);
        Assert.Equal("cell.rat", (string)view["pending"]![0]!);
        Assert.Equal("nbiot", (string)view["notApplied"]!["cell.rat"]!);
        Assert.Equal(0, car.Sim.Restarts);
        view = await UntilAsync("car-0041", ops, v => v["applied"]?["cell.rat"] is not null && v["pending"]!.AsArray().Count == 0);
        Assert.Equal(1, car.Sim.Restarts);
        Assert.Equal(Tracker.Core.Modem.RadioAccess.NbIot, car.Sim.Remote!.Result.Config!.Rat);
        Assert.Equal(600_000, car.Sim.Remote.Result.Config.Uplink.NormalPeriodMs);

        // A change the loader refuses (the live period may not exceed the normal one): reported with its reason,
        // kept in the delta, and the car runs on its old config.
        (status, body) = await PutAsync("/cars/car-0041/config", ops, "{\"cfg\":{\"uplink.livePeriodS\":900}}");
        Assert.True(status == 202, body?.ToJsonString());
        view = await UntilAsync("car-0041", ops, v => v["refused"] is JsonObject);
        Assert.Equal("Inconsistent", (string)view["refused"]!["code"]!);
        Assert.Equal(900, (int)view["notApplied"]!["uplink.livePeriodS"]!);
        Assert.Equal(600_000, car.Sim.Remote!.Result.Config!.Uplink.NormalPeriodMs);

        // Reported once: the delta the report brings back is the same change, not answered again, so the shadow's
        // version stops (issue 18: it grew by one per refusal report, endlessly).
        long settled = (long)(await UntilStableAsync("car-0041", ops))["version"]!;
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(settled, (long)(await GetAsync("/cars/car-0041/config", ops)).Body!["version"]!);

        // Setting it back clears the refusal.
        (status, _) = await PutAsync("/cars/car-0041/config", ops, "{\"cfg\":{\"uplink.livePeriodS\":5}}");
        Assert.Equal(202, status);
        view = await UntilAsync("car-0041", ops, v => v["refused"] is null && v["notApplied"]!.AsObject().Count == 0);
        Assert.Equal(5, (int)view["applied"]!["uplink.livePeriodS"]!);
    }

    [Fact]
    public async Task ARestartKeyThatKeepsTheCarOffline_FallsBackAfterItsTrialBoot_AndIsShownRefused_WhileAGoodOneIsAppliedAfterItsTrial()
    {
        string ops = await fixture.LoginAsync("ops");
        int port = fixture.Host.MqttPort;
        await using var car = StartCar("car-0047", restartQuietMs: 500, trialWindowMs: 3_000);
        await UntilAsync("car-0047", ops, v => v["appliedVersion"] is not null);

        // A port nothing listens on: the car restarts onto it at the safe moment, cannot connect, and after its trial
        // window runs the previous config again, connects, and says why.
        (int status, JsonNode? body) = await PutAsync("/cars/car-0047/config", ops, "{\"cfg\":{\"mqtt.port\":1}}");
        Assert.True(status == 202, body?.ToJsonString());
        JsonNode view = await UntilAsync("car-0047", ops, v => v["refused"] is JsonObject refused && (string?)refused["code"] == RefusalCodes.NotConfirmed);
        Assert.Equal("mqtt.port", (string)view["refused"]!["key"]!);
        Assert.Contains("mqtt.port = 1", (string)view["refused"]!["msg"]!, StringComparison.Ordinal);
        Assert.Contains("did not connect within 3000 ms", (string)view["refused"]!["msg"]!, StringComparison.Ordinal);
        Assert.Equal(1, (int)view["notApplied"]!["mqtt.port"]!);
        Assert.Empty(view["pending"]!.AsArray());
        Assert.Equal(1, car.Sim.Restarts);
        Assert.Equal(1, car.Sim.TrialFallBacks);
        Assert.Equal(port, car.Sim.Remote!.Result.Config!.MqttPort);
        Assert.True(car.Sim.Control!.IsConnected);

        // Refused once: the delta that still asks for it is not tried again, and the shadow's version stops.
        long settled = (long)(await UntilStableAsync("car-0047", ops))["version"]!;
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(settled, (long)(await GetAsync("/cars/car-0047/config", ops)).Body!["version"]!);
        Assert.Equal((1, 1), (car.Sim.Restarts, car.Sim.TrialFallBacks));

        // The operator puts the port back and changes a good restart key: one restart, a trial that connects, applied.
        (status, body) = await PutAsync("/cars/car-0047/config", ops, "{\"cfg\":{\"mqtt.port\":" + port + ",\"cell.rat\":\"nbiot\"}}");
        Assert.True(status == 202, body?.ToJsonString());
        view = await UntilAsync("car-0047", ops, v => v["refused"] is null && (string?)v["applied"]?["cell.rat"] == "nbiot" && v["pending"]!.AsArray().Count == 0);
        Assert.Equal(port, (int)view["applied"]!["mqtt.port"]!);
        Assert.Empty(view["notApplied"]!.AsObject());
        Assert.Equal((2, 1), (car.Sim.Restarts, car.Sim.TrialFallBacks));
        Assert.False(car.Sim.Remote!.OnTrial);
        Assert.Equal(Tracker.Core.Modem.RadioAccess.NbIot, car.Sim.Remote.Result.Config!.Rat);
    }

    [Fact]
    public async Task AGroupsChange_ReachesEveryCarOfTheGroup_AndOnlyThem()
    {
        string ops = await fixture.LoginAsync("ops");
        await using var a = StartCar("car-0051");
        await using var b = StartCar("car-0052");
        fixture.Host.Pki.EnsureCar("car-0053", fixture.Host.MqttPort);

        (int status, JsonNode? body) = await PutAsync("/groups/depot-north", ops, "{\"cars\":[\"car-0051\",\"car-0052\"]}");
        Assert.True(status == 200, body?.ToJsonString());
        (status, body) = await PutAsync("/groups/depot-north/config", ops, "{\"cfg\":{\"uplink.statusPeriodS\":1800}}");
        Assert.True(status == 202, body?.ToJsonString());
        Assert.Equal(2, body!["cars"]!.AsArray().Count);

        foreach (string id in new[] { "car-0051", "car-0052" })
        {
            JsonNode view = await UntilAsync(id, ops, v => v["applied"]?["uplink.statusPeriodS"] is not null);
            Assert.Equal(1800, (int)view["applied"]!["uplink.statusPeriodS"]!);
        }

        Assert.Null(fixture.Host.Shadows.Read("car-0053"));
        (status, body) = await GetAsync("/groups/depot-north/config", ops);
        Assert.Equal(200, status);
        Assert.All(body!["cars"]!.AsArray(), v => Assert.Equal(1800, (int)v!["applied"]!["uplink.statusPeriodS"]!));
    }

    [Fact]
    public async Task ACarThatJoinsAGroupLater_GetsTheGroupsConfig()
    {
        string ops = await fixture.LoginAsync("ops");
        fixture.Host.Pki.EnsureCar("car-0071", fixture.Host.MqttPort);
        fixture.Host.Pki.EnsureCar("car-0072", fixture.Host.MqttPort);
        Assert.Equal(200, (await PutAsync("/groups/g71", ops, "{\"cars\":[\"car-0071\"]}")).Status);
        Assert.Equal(202, (await PutAsync("/groups/g71/config", ops, "{\"cfg\":{\"uplink.statusPeriodS\":1800}}")).Status);
        Assert.Equal(202, (await PutAsync("/groups/g71/config", ops, "{\"cfg\":{\"uplink.normalPeriodS\":450}}")).Status);

        (int status, JsonNode? body) = await PutAsync("/groups/g71", ops, "{\"cars\":[\"car-0071\",\"car-0072\"]}");

        Assert.True(status == 200, body?.ToJsonString());
        Assert.Empty(body!["failed"]!.AsArray());
        JsonNode view = (await GetAsync("/cars/car-0072/config", ops)).Body!;
        Assert.Equal(1800, (int)view["desired"]!["uplink.statusPeriodS"]!); // both of the group's changes, not the last alone
        Assert.Equal(450, (int)view["desired"]!["uplink.normalPeriodS"]!);
        Assert.Equal(450, (int)(await GetAsync("/groups/g71/config", ops)).Body!["desired"]!["uplink.normalPeriodS"]!);
    }

    [Fact]
    public async Task AGroupsChangeOneCarCannotTake_IsWrittenToNone()
    {
        string ops = await fixture.LoginAsync("ops");
        fixture.Host.Pki.EnsureCar("car-0061", fixture.Host.MqttPort);
        fixture.Host.Pki.EnsureCar("car-0062", fixture.Host.MqttPort);
        Assert.Equal(200, (await PutAsync("/groups/g61", ops, "{\"cars\":[\"car-0061\",\"car-0062\"]}")).Status);

        // car-0062 already wants most of the report policy at its longest: one more key would take its delta over 1,024 bytes.
        JsonObject big = FullDesiredConfig.Build();

        var extra = JsonNode.Parse("{\"ssid\":\"" + new string('w', 32) + "\"}")!.AsObject();
        Assert.True(DesiredConfig.WorstCaseBytes(extra) <= ShadowLimits.MaxMessageBytes);
        (int status, JsonNode? body) = await PutAsync("/cars/car-0062/config", ops, new JsonObject { ["cfg"] = big }.ToJsonString());
        Assert.True(status == 202, body?.ToJsonString());
        (status, body) = await PutAsync("/groups/g61/config", ops, "{\"cfg\":" + extra.ToJsonString() + "}");
        Assert.Equal(422, status);
        Assert.Contains("car-0062", (string)body!["detail"]!, StringComparison.Ordinal);
        Assert.Null(fixture.Host.Shadows.Read("car-0061"));
    }

    [Fact]
    public async Task OnlyOperators_MayReadOrChangeConfig()
    {
        string renter = await fixture.LoginAsync("renter1");
        Assert.Equal(403, (await PutAsync("/cars/car-0001/config", renter, "{\"cfg\":{\"upP\":600}}")).Status);
        Assert.Equal(403, (await GetAsync("/cars/car-0001/config", renter)).Status);
        Assert.Equal(403, (await PutAsync("/groups/x", renter, "{\"cars\":[]}")).Status);
        Assert.Equal(401, (await PutAsync("/cars/car-0001/config", null, "{\"cfg\":{\"upP\":600}}")).Status);
        Assert.Equal(401, (await GetAsync("/groups", "not-a-token")).Status);
    }

    [Theory]
    [InlineData("", 422)]
    [InlineData("{", 422)]
    [InlineData("[]", 422)]
    [InlineData("{\"cfg\":{}}", 422)]
    [InlineData("{\"cfg\":[1]}", 422)]
    [InlineData("{\"cfg\":{\"upP\":600},\"x\":1}", 422)]
    [InlineData("{\"cfg\":{\"upP\":\"600\"}}", 422)]
    [InlineData("{\"cfg\":{\"upP\":null}}", 422)]
    [InlineData("{\"cfg\":{\"upP\":{\"a\":1}}}", 422)]
    [InlineData("{\"cfg\":{\"car.id\":\"car-9\"}}", 422)]
    [InlineData("{\"cfg\":{\"cell.password\":\"x\"}}", 422)]
    [InlineData("{\"cfg\":{\"no.such.key\":1}}", 422)]
    [InlineData("{\"cfg\":{\"rat\":5}}", 422)]
    [InlineData("{\"cfg\":{\"upP\":1,\"uplink.normalPeriodS\":2}}", 422)]
    public async Task AMalformedChange_IsRefusedWithAReason_AndTheShadowIsUntouched(string body, int expected)
    {
        string ops = await fixture.LoginAsync("ops");
        fixture.Host.Pki.EnsureCar("car-0071", fixture.Host.MqttPort);
        (int status, JsonNode? problem) = await PutAsync("/cars/car-0071/config", ops, body);
        Assert.Equal(expected, status);
        Assert.False(string.IsNullOrEmpty((string?)problem?["detail"]));
        Assert.Null(fixture.Host.Shadows.Read("car-0071"));
    }

    [Fact]
    public async Task UnknownCarsAndGroups_AndOversizedBodies_AreRefused()
    {
        string ops = await fixture.LoginAsync("ops");
        Assert.Equal(404, (await PutAsync("/cars/car-9999/config", ops, "{\"cfg\":{\"upP\":600}}")).Status);
        Assert.Equal(404, (await GetAsync("/cars/..%2F..%2Fetc/config", ops)).Status);
        Assert.Equal(404, (await PutAsync("/groups/nope/config", ops, "{\"cfg\":{\"upP\":600}}")).Status);
        Assert.Equal(422, (await PutAsync("/groups/g", ops, "{\"cars\":[\"car-9999\"]}")).Status);
        Assert.Equal(400, (await PutAsync("/groups/g", ops, "{\"cars\":[1]}")).Status);
        Assert.Equal(400, (await PutAsync("/groups/g", ops, "not json")).Status);
        Assert.Equal(400, (await PutAsync("/groups/g", ops, "{\"cars\":[\"\u00ff\"], \"\u00ff\":1}")).Status);
        fixture.Host.Pki.EnsureCar("car-0072", fixture.Host.MqttPort);
        Assert.Equal(413, (await PutAsync("/cars/car-0072/config", ops, "{\"cfg\":{\"x\":\"" + new string('a', 9000) + "\"}}")).Status);
    }

    private async Task<JsonNode> UntilAsync(string carId, string token, Func<JsonNode, bool> condition)
    {
        JsonNode? last = null;
        bool met = await Poll.UntilAsync(
            () =>
            {
                (int status, JsonNode? body) = GetAsync("/cars/" + carId + "/config", token).GetAwaiter().GetResult();
                last = body;
                return status == 200 && condition(body!);
            },
            Wait);
        Assert.True(met, "timed out; last view: " + last?.ToJsonString());
        return last!;
    }

    // The view once its version held still for a second (a report in flight when the refusal was read may land after it).
    private async Task<JsonNode> UntilStableAsync(string carId, string token)
    {
        JsonNode? previous = null;
        JsonNode? last = null;
        bool met = await Poll.UntilAsync(
            async () =>
            {
                last = (await GetAsync("/cars/" + carId + "/config", token)).Body;
                bool same = previous is not null && (long?)previous["version"] == (long?)last?["version"];
                previous = last;
                return same;
            },
            Wait,
            TimeSpan.FromSeconds(1));
        Assert.True(met, "the shadow's version kept growing; last view: " + last?.ToJsonString());
        return last!;
    }

    private Task<(int Status, JsonNode? Body)> GetAsync(string path, string? token) => fixture.GetAsync(path, token);

    private Task<(int Status, JsonNode? Body)> PutAsync(string path, string? token, string json) => fixture.SendAsync(HttpMethod.Put, path, token, json);

    /// <summary>A parked car running the firmware's Control stage on its provisioned tracker.conf.</summary>
    /// <remarks>The car connects only while its running mqtt.port is the broker's, as a device would.</remarks>
    private ParkedCar StartCar(string carId, long restartQuietMs = SafeRestart.DefaultQuietMs, long trialWindowMs = HealthWindow.DefaultWindowMs)
    {
        DeviceBundle bundle = fixture.Host.Pki.EnsureCar(carId, fixture.Host.MqttPort);
        return ParkedCar.Start(
            carId,
            fixture.CarLink(carId),
            File.ReadAllText(bundle.PathOf(BundleFiles.Config)),
            restartQuietMs,
            brokerMqttPort: fixture.Host.MqttPort,
            configTrialWindowMs: trialWindowMs);
    }
}
