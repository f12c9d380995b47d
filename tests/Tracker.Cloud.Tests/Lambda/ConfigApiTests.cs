using System.Text;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Core.Config;
using Tracker.Cloud.Core.Query;
using Tracker.Cloud.Lambda.Api;
using Tracker.Cloud.Lambda.Config;
using Tracker.Cloud.Lambda.Functions;
using Tracker.Cloud.Lambda.Live;
using Tracker.Cloud.Lambda.Updates;
using Tracker.Cloud.Testing;
using Tracker.Core.Control;
using Tracker.Testing;

namespace Tracker.Cloud.Tests.Lambda;

/// <summary>
/// Issue 18's remote config and groups on AWS, through the API handler: a car's config in its classic shadow and groups
/// as static thing groups on the loopback IoT stand-in (which recomputes every SigV4 signature, the control plane's as
/// <c>iot</c> and the shadows' as <c>iotdata</c>, and keeps versions as IoT does), with the local host's paths, JSON and
/// problems; refusals, IoT's failures and malformed answers, and every bad body become problems, never server errors.
/// </summary>
public sealed class ConfigApiTests : IAsyncLifetime
{
    private const string Region = "eu-west-1";
    private const string KeyId = "AKIDEXAMPLE";
    private const string Secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private const string Operator = "9d3b7e52-operator-0001";
    private const string Period = "uplink.normalPeriodS";
    private const string Status = "uplink.statusPeriodS";

    private readonly LoopbackIotThings _iot = new(Region, Secret);
    private ApiHandler _api = null!;

    public Task InitializeAsync()
    {
        _iot.AddThings("car-1", "car-2", "car-3", "car-4");
        _iot.SetReported("car-1", new JsonObject { ["cfg"] = new JsonObject { [ShadowNames.NameOf(Period)] = 300 }, ["cfgVer"] = 4 });
        _api = Handler(Secret);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _iot.DisposeAsync();

    [Fact]
    public async Task ACarsChange_IsWrittenToItsShadowsDesiredCfg_AndReadBackAsTheLocalHostShowsIt()
    {
        (int status, JsonObject body) = await Call("/cars/car-1/config", "PUT", "{\"cfg\":{\"" + Period + "\":600}}");

        Assert.Equal(202, status);
        Assert.Equal("car-1", (string?)body["car"]);
        Assert.Equal(600, (int)body["desired"]![Period]!);
        Assert.Equal(300, (int)body["applied"]![Period]!);
        Assert.Equal(4, (int)body["appliedVersion"]!);
        Assert.Equal(600, (int)body["notApplied"]![Period]!);
        JsonObject shadow = _iot.ShadowOf("car-1")!;
        Assert.Equal(600, (int)shadow["state"]!["desired"]!["cfg"]![ShadowNames.NameOf(Period)]!); // by shadow name, as the car reads it
        Assert.Equal(2L, (long)shadow["version"]!);

        (int read, JsonObject again) = await Call("/cars/car-1/config", "GET");
        Assert.Equal(200, read);
        Assert.Equal(ConfigView.Of("car-1", _iot.ShadowOf("car-1")).ToJsonString(), again.ToJsonString());
        Assert.All(_iot.Requests, r => Assert.EndsWith(" ok", r, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ACarWithNoShadowYet_ReadsEmpty_AndItsFirstChangeCreatesIt_ButACarIoTDoesNotKnowIs404()
    {
        (int status, JsonObject body) = await Call("/cars/car-2/config", "GET");
        Assert.Equal(200, status);
        Assert.Null(body["version"]);
        Assert.Empty(body["desired"]!.AsObject());

        Assert.Equal(202, (await Call("/cars/car-2/config", "PUT", "{\"cfg\":{\"" + Period + "\":900}}")).Status);
        Assert.Equal(1L, (long)_iot.ShadowOf("car-2")!["version"]!);

        foreach (string method in new[] { "GET", "PUT" })
        {
            (int missing, JsonObject problem) = await Call("/cars/ghost/config", method, "{\"cfg\":{\"" + Period + "\":900}}");
            Assert.Equal(404, missing);
            Assert.Equal("/problems/no-car", (string?)problem["type"]);
        }

        Assert.Null(_iot.ShadowOf("ghost")); // never a shadow for a thing IoT does not have
        Assert.Equal(404, (await Call("/cars/" + Uri.EscapeDataString("../x") + "/config", "GET")).Status);
    }

    [Fact]
    public async Task ChangesTheCarWouldRefuse_AreRefusedAsTheLocalHostRefusesThem_AndNothingIsWritten()
    {
        string[] refused =
        [
            "{\"cfg\":{\"no.such.key\":1}}", "{\"cfg\":{\"car.id\":\"car-9\"}}", "{\"cfg\":{\"" + Period + "\":\"600\"}}",
            "{\"cfg\":{\"" + Period + "\":null}}", "{\"cfg\":{}}", "{\"cfg\":{\"" + Period + "\":1},\"x\":1}", "{\"cfg\":[]}",
            "{\"cfg\":{\"" + Period + "\":1,\"" + ShadowNames.NameOf(Period) + "\":2}}", "[]", "null", "{", string.Empty, "\"cfg\"",
        ];
        long before = (long)_iot.ShadowOf("car-1")!["version"]!;
        foreach (string body in refused)
        {
            (int status, JsonObject problem) = await Call("/cars/car-1/config", "PUT", body);
            Assert.True(status == 422, body + " -> " + status);
            Assert.Equal("/problems/bad-config", (string?)problem["type"]);
            Assert.StartsWith("car-1: ", (string?)problem["detail"], StringComparison.Ordinal);
            Assert.True(DesiredConfig.TryRead(Encoding.UTF8.GetBytes(body), null, out _, out _, out string local) is false);
            Assert.EndsWith(local, (string?)problem["detail"], StringComparison.Ordinal); // the local host's words
        }

        Assert.Equal(before, (long)_iot.ShadowOf("car-1")!["version"]!);
        Assert.Equal(413, (await Call("/cars/car-1/config", "PUT", "{\"cfg\":{\"x\":\"" + new string('x', DesiredConfig.MaxBodyBytes) + "\"}}")).Status);
    }

    [Fact]
    public async Task AChangeThatWouldOverflowTheModem_IsRefused_CountingWhatTheCarAlreadyWants()
    {
        JsonObject big = FullDesiredConfig.Build();
        Assert.Equal(202, (await Call("/cars/car-3/config", "PUT", new JsonObject { ["cfg"] = big.DeepClone() }.ToJsonString())).Status);

        (int status, JsonObject problem) = await Call("/cars/car-3/config", "PUT", "{\"cfg\":{\"ssid\":\"" + new string('w', 32) + "\"}}");

        Assert.Equal(422, status);
        Assert.Contains("over the modem's " + ShadowLimits.MaxMessageBytes, (string?)problem["detail"], StringComparison.Ordinal);
        Assert.False(_iot.ShadowOf("car-3")!["state"]!["desired"]!["cfg"]!.AsObject().ContainsKey("ssid"));
    }

    [Fact]
    public async Task AShadowThatMovedOnBetweenReadAndWrite_IsAConflict_NotOverwritten()
    {
        _iot.MoveOnBeforeNextUpdate("car-1");

        (int status, JsonObject problem) = await Call("/cars/car-1/config", "PUT", "{\"cfg\":{\"" + Period + "\":700}}");

        Assert.Equal(409, status);
        Assert.Equal("/problems/conflict", (string?)problem["type"]);
        Assert.Null(_iot.ShadowOf("car-1")!["state"]!["desired"]);
        Assert.Equal(202, (await Call("/cars/car-1/config", "PUT", "{\"cfg\":{\"" + Period + "\":700}}")).Status); // read again, it goes
    }

    [Fact]
    public async Task Groups_AreStaticThingGroups_MadeAndChangedThroughTheApi()
    {
        (int status, JsonObject body) = await Call("/groups/north", "PUT", "{\"cars\":[\"car-2\",\"car-1\",\"car-1\"]}");
        Assert.Equal(200, status);
        Assert.Equal("[\"car-1\",\"car-2\"]", body["cars"]!.ToJsonString());
        Assert.NotNull(_iot.GroupOf("north"));

        Assert.Equal(200, (await Call("/groups/north", "PUT", "{\"cars\":[\"car-2\",\"car-3\"]}")).Status);
        Assert.Equal(200, (await Call("/groups/south", "PUT", "{\"cars\":[]}")).Status);
        (int listed, JsonObject groups) = await Call("/groups", "GET");
        Assert.Equal(200, listed);
        Assert.Equal("{\"groups\":[{\"group\":\"north\",\"cars\":[\"car-2\",\"car-3\"]},{\"group\":\"south\",\"cars\":[]}]}", groups.ToJsonString());

        (int unknown, JsonObject problem) = await Call("/groups/north", "PUT", "{\"cars\":[\"car-1\",\"ghost\"]}");
        Assert.Equal(422, unknown);
        Assert.Equal("/problems/no-car", (string?)problem["type"]);
        Assert.Equal("{\"group\":\"north\",\"cars\":[\"car-2\",\"car-3\"]}", (await Call("/groups", "GET")).Body["groups"]![0]!.ToJsonString()); // unchanged

        Assert.Equal(400, (await Call("/groups/" + Uri.EscapeDataString("bad name!"), "PUT", "{\"cars\":[]}")).Status);
        foreach (string bad in new[] { "{", "[]", "{\"cars\":\"car-1\"}", "{\"cars\":[1]}", "{\"cars\":[],\"x\":1}", "{\"cars\":[null]}", string.Empty })
        {
            (int refused, JsonObject why) = await Call("/groups/north", "PUT", bad);
            Assert.True(refused == 400, bad + " -> " + refused);
            Assert.Equal("/problems/bad-group", (string?)why["type"]);
        }
    }

    [Fact]
    public async Task AGroupsChange_IsWrittenToEveryCar_StoredInTheGroup_AndGivenToACarThatJoinsLater()
    {
        Assert.Equal(200, (await Call("/groups/north", "PUT", "{\"cars\":[\"car-1\",\"car-2\"]}")).Status);

        (int status, JsonObject body) = await Call("/groups/north/config", "PUT", "{\"cfg\":{\"" + Status + "\":1800}}");

        Assert.Equal(202, status);
        Assert.Equal(2, body["cars"]!.AsArray().Count);
        Assert.Empty(body["failed"]!.AsArray());
        foreach (string car in new[] { "car-1", "car-2" })
        {
            Assert.Equal(1800, (int)_iot.ShadowOf(car)!["state"]!["desired"]!["cfg"]![ShadowNames.NameOf(Status)]!);
        }

        Assert.Equal(ThingGroups.Describe(new JsonObject { [ShadowNames.NameOf(Status)] = 1800 }), _iot.GroupOf("north")!.Value.Description);
        (int read, JsonObject group) = await Call("/groups/north/config", "GET");
        Assert.Equal(200, read);
        Assert.Equal(1800, (int)group["desired"]![Status]!);
        Assert.All(group["cars"]!.AsArray(), v => Assert.Equal(1800, (int)v!["desired"]![Status]!));

        // A second change keeps the first for the cars that join later.
        Assert.Equal(202, (await Call("/groups/north/config", "PUT", "{\"cfg\":{\"" + Period + "\":450}}")).Status);
        (int joined, JsonObject members) = await Call("/groups/north", "PUT", "{\"cars\":[\"car-1\",\"car-2\",\"car-4\"]}");
        Assert.Equal(200, joined);
        Assert.Empty(members["failed"]!.AsArray());
        JsonObject late = _iot.ShadowOf("car-4")!["state"]!["desired"]!["cfg"]!.AsObject();
        Assert.Equal(1800, (int)late[ShadowNames.NameOf(Status)]!);
        Assert.Equal(450, (int)late[ShadowNames.NameOf(Period)]!);
    }

    [Fact]
    public async Task AGroupsChangeOneCarCannotTake_IsWrittenToNone_AndNotStored()
    {
        Assert.Equal(202, (await Call("/cars/car-3/config", "PUT", new JsonObject { ["cfg"] = FullDesiredConfig.Build() }.ToJsonString())).Status);
        Assert.Equal(200, (await Call("/groups/g3", "PUT", "{\"cars\":[\"car-2\",\"car-3\"]}")).Status);
        long groupVersion = _iot.GroupOf("g3")!.Value.Version;

        (int status, JsonObject problem) = await Call("/groups/g3/config", "PUT", "{\"cfg\":{\"ssid\":\"" + new string('w', 32) + "\"}}");

        Assert.Equal(422, status);
        Assert.Contains("car-3", (string?)problem["detail"], StringComparison.Ordinal);
        Assert.Null(_iot.ShadowOf("car-2"));
        Assert.Equal(groupVersion, _iot.GroupOf("g3")!.Value.Version);
        Assert.Equal(404, (await Call("/groups/nowhere/config", "PUT", "{\"cfg\":{\"" + Period + "\":450}}")).Status);
        Assert.Equal("/problems/no-group", (string?)(await Call("/groups/nowhere/config", "GET")).Body["type"]);
    }

    [Fact]
    public async Task AGroupsChangeOneCarsShadowRefuses_IsReportedPerCar_WithTheOthersWritten()
    {
        Assert.Equal(200, (await Call("/groups/north", "PUT", "{\"cars\":[\"car-1\",\"car-2\"]}")).Status);
        _iot.MoveOnBeforeNextUpdate("car-1");

        (int status, JsonObject body) = await Call("/groups/north/config", "PUT", "{\"cfg\":{\"" + Period + "\":450}}");

        Assert.Equal(409, status);
        Assert.StartsWith("car-1: ", (string?)Assert.Single(body["failed"]!.AsArray()), StringComparison.Ordinal);
        Assert.Equal("car-2", (string?)Assert.Single(body["cars"]!.AsArray())!["car"]);
        Assert.Equal(450, (int)_iot.ShadowOf("car-2")!["state"]!["desired"]!["cfg"]![ShadowNames.NameOf(Period)]!);
    }

    [Fact]
    public async Task AGroupMadeByHandWithANote_ReadsAsNoConfig_AndAStaleGroupVersionIsAConflict()
    {
        _iot.Describe("hand", "Cars at the north depot");
        (int read, JsonObject group) = await Call("/groups/hand/config", "GET");
        Assert.Equal(200, read);
        Assert.Empty(group["desired"]!.AsObject());

        var groups = new ThingGroups(Plane(Secret, IotControlPlane.SigningService));
        StoredGroup stored = (await groups.DescribeAsync("hand", CancellationToken.None))!;
        _iot.Describe("hand", "edited in the console meanwhile");
        IotControlPlaneException e = await Assert.ThrowsAsync<IotControlPlaneException>(() => groups.StoreCfgAsync("hand", [], stored.Version, CancellationToken.None));
        Assert.Equal(IotFailure.Conflict, e.Kind);
    }

    [Fact]
    public async Task OnlyOperators_MayReadOrChangeConfig()
    {
        object renter = LambdaEvents.Claims("renter-1", "renters", (LambdaEvents.SampleNowMs / 1000) + 3600);
        foreach ((string path, string method) in new[] { ("/cars/car-1/config", "GET"), ("/cars/car-1/config", "PUT"), ("/groups", "GET"), ("/groups/north", "PUT"), ("/groups/north/config", "PUT") })
        {
            Assert.Equal(403, (await Call(path, method, "{\"cfg\":{\"" + Period + "\":1}}", renter)).Status);
        }

        Assert.Null(_iot.ShadowOf("car-1")!["state"]!["desired"]);
        (int wrong, _) = await Call("/groups", "DELETE");
        Assert.Equal(405, wrong);
        Assert.Equal(405, (await Call("/cars/car-1/config", "POST", "{}")).Status);
    }

    [Fact]
    public async Task IotFailures_BecomeProblems_ThrottlingWithRetryAfter()
    {
        (int, string?, string?)[] cases =
        [
            (429, "ThrottlingException", "/problems/iot-busy"), (503, "ServiceUnavailableException", "/problems/iot-busy"),
            (403, "AccessDeniedException", "/problems/iot-failed"), (500, "InternalFailureException", "/problems/iot-failed"),
        ];
        foreach ((int status, string? type, string? problem) in cases)
        {
            _iot.FailNext(status, type!);
            (int answered, JsonObject body) = await Call("/cars/car-1/config", "GET");
            Assert.Equal(problem, (string?)body["type"]);
            Assert.True(answered is 502 or 503, type);
        }

        (int signed, JsonObject refused) = await Call("/groups", "GET", handler: Handler("not-the-secret"));
        Assert.Equal(502, signed);
        Assert.Contains("InvalidSignatureException", (string?)refused["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedIotAnswers_AreProblems_NeverInventedConfig()
    {
        string[] answers =
        [
            "not json", "[]", "{\"version\":\"2\"}", "{\"version\":1.5,\"state\":{}}", "{\"version\":2,\"state\":[]}", "{\"version\":2,\"state\":{\"desired\":7}}",
            "{\"state\":{\"desired\":{\"cfg\":{}}}}", "{\"version\":-1}", "\u00ff\u00fe",
        ];
        foreach (string answer in answers)
        {
            _iot.AnswerNext(answer);
            (int status, JsonObject body) = await Call("/cars/car-1/config", "GET");
            Assert.True(status == 502, answer + " -> " + status);
            Assert.Equal("/problems/iot-failed", (string?)body["type"]);
        }

        foreach (string answer in new[] { "{\"thingGroups\":7}", "{\"thingGroups\":[1]}", "{\"thingGroups\":[null]}", "{\"thingGroups\":[],\"nextToken\":[]}" })
        {
            _iot.AnswerNext(answer);
            Assert.Equal(502, (await Call("/groups", "GET")).Status);
        }

        Assert.Equal(200, (await Call("/groups/north", "PUT", "{\"cars\":[\"car-1\"]}")).Status);
        _iot.AnswerNext("{\"thingGroupName\":\"north\"}"); // DescribeThingGroup without a version
        Assert.Equal(502, (await Call("/groups/north/config", "GET")).Status);
        Assert.Null(_iot.ShadowOf("car-1")!["state"]!["desired"]);
    }

    [Fact]
    public async Task FuzzedBodies_AreRefused_NeverServerErrors_AndNothingIsWritten()
    {
        var random = new Random(18);
        string good = "{\"cfg\":{\"" + Period + "\":600,\"ssid\":\"depot\"}}";
        var bodies = new List<string>();
        for (int i = 1; i < good.Length; i++)
        {
            bodies.Add(good[..i]);
        }

        for (int i = 0; i < 60; i++)
        {
            byte[] bytes = new byte[random.Next(1, 200)];
            random.NextBytes(bytes);
            bodies.Add(Encoding.Latin1.GetString(bytes));
            char[] flipped = good.ToCharArray();
            flipped[random.Next(flipped.Length)] = (char)random.Next(32, 127);
            bodies.Add(new string(flipped));
        }

        long before = (long)_iot.ShadowOf("car-1")!["version"]!;
        int accepted = 0;
        foreach (string body in bodies)
        {
            (int status, _) = await Call("/cars/car-1/config", "PUT", body);
            Assert.True(status is 202 or 400 or 413 or 422, body + " -> " + status);
            accepted += status == 202 ? 1 : 0;
            Assert.True((await Call("/groups/fuzz", "PUT", body)).Status is 200 or 400 or 422);
        }

        Assert.Equal(before + accepted, (long)_iot.ShadowOf("car-1")!["version"]!); // only what was accepted was written
        (int encoded, _) = await Call("/cars/car-1/config", "PUT", "%%% not base64", base64: true);
        Assert.Equal(422, encoded);
    }

    [Fact]
    public void TheSettings_TurnTheRoutesOnWithTheDataEndpoint_AndNameABadVariable()
    {
        Assert.Null(ConfigSettings.Read(_ => null));
        var environment = new Dictionary<string, string>
        {
            [LiveDisconnectSettings.IotDataEndpointVariable] = "https://abc-ats.iot.eu-west-1.amazonaws.com",
            [LiveDisconnectSettings.RegionVariable] = Region,
        };
        ConfigSettings settings = ConfigSettings.Read(environment.GetValueOrDefault)!;
        Assert.Equal(IotControlPlane.DefaultEndpoint(Region), settings.ControlEndpoint);
        environment[UpdatesSettings.IotEndpointVariable] = "http://127.0.0.1:9/x";
        Assert.Contains(UpdatesSettings.IotEndpointVariable, Assert.Throws<InvalidOperationException>(() => ConfigSettings.Read(environment.GetValueOrDefault)).Message, StringComparison.Ordinal);
        environment.Remove(LiveDisconnectSettings.RegionVariable);
        Assert.Contains(LiveDisconnectSettings.RegionVariable, Assert.Throws<InvalidOperationException>(() => ConfigSettings.Read(environment.GetValueOrDefault)).Message, StringComparison.Ordinal);
    }

    private IotControlPlane Plane(string secret, string service) =>
        new(new HttpClient { Timeout = TimeSpan.FromSeconds(10) }, _iot.Endpoint, Region, () => new ImmutableCredentials(KeyId, secret, "session-token"), new ManualClock(LambdaEvents.SampleNowMs), service);

    private ApiHandler Handler(string secret)
    {
        var clock = new ManualClock(LambdaEvents.SampleNowMs);
        return new ApiHandler(new QueryService(new InMemoryFixStore(), new AccessPolicy(new InMemoryRentalStore(), clock)), clock)
        {
            Config = new ConfigApi(new ThingGroups(Plane(secret, IotControlPlane.SigningService)), new IotShadows(Plane(secret, IotDataPlaneSigner.SigningService))),
        };
    }

    private async Task<(int Status, JsonObject Body)> Call(string path, string method, string? body = null, object? claims = null, ApiHandler? handler = null, bool base64 = false)
    {
        JsonObject evt = JsonNode.Parse(LambdaEvents.Http(path, null, claims ?? LambdaEvents.Claims(Operator, "operators", (LambdaEvents.SampleNowMs / 1000) + 3600), method))!.AsObject();
        if (body is not null)
        {
            evt["body"] = body;
            evt["isBase64Encoded"] = base64;
        }

        using Stream output = await (handler ?? _api).HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes(evt.ToJsonString())), CancellationToken.None);
        JsonObject response = (JsonObject)JsonNode.Parse(output)!;
        string text = (string?)response["body"] ?? string.Empty;
        return ((int)response["statusCode"]!, text.Length == 0 ? [] : (JsonObject)JsonNode.Parse(text)!);
    }
}
