using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Amazon.S3;
using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Core.Query;
using Tracker.Cloud.Lambda.Api;
using Tracker.Cloud.Lambda.Functions;
using Tracker.Cloud.Lambda.Updates;
using Tracker.Cloud.Testing;
using Tracker.Core.Common;
using Tracker.Core.Control;
using Tracker.Testing;
using Xunit.Abstractions;

namespace Tracker.Cloud.Tests.Lambda;

/// <summary>
/// Issue 18's update routes on AWS, through the API handler: images checked with the car's verifier and stored in S3
/// (s3rver), rollouts as IoT jobs on the loopback control plane, which recomputes every request's SigV4 signature and
/// keeps the jobs' state; IoT's refusals and malformed answers become problems, and so does every bad request body.
/// </summary>
public sealed class RolloutsApiTests(S3rverServer s3rver, ITestOutputHelper output) : IClassFixture<S3rverServer>, IAsyncLifetime
{
    private const string Region = "eu-west-1";
    private const string KeyId = "AKIDEXAMPLE";
    private const string Secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private const string Operator = "9d3b7e52-operator-0001";
    private const string Origin = "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com";

    private static readonly RSA Fleet = RSA.Create(3072);
    private static readonly byte[] FleetModulus = Fleet.ExportParameters(false).Modulus!;

    private readonly LoopbackIotControlPlane _iot = new(Region, Secret);
    private readonly ManualClock _clock = new(LambdaEvents.SampleNowMs);
    private AmazonS3Client? _s3;
    private string _bucket = string.Empty;
    private ApiHandler? _api;

    public async Task InitializeAsync()
    {
        if (s3rver.ServiceUrl.Port == 0)
        {
            return; // s3rver is missing: the tests that need it are skipped
        }

        _s3 = s3rver.CreateClient();
        _bucket = await s3rver.CreateBucketAsync();
        _iot.AddGroup("north", "car-1", "car-2", "car-3");
        _iot.AddGroup("empty");
        _api = Handler(Secret);
    }

    public async Task DisposeAsync()
    {
        await _iot.DisposeAsync();
        _s3?.Dispose();
    }

    [FactNeeding(Part.S3rver)]
    public async Task ASignedImage_IsStoredInTheUpdatesBucket_AndListed()
    {
        byte[] image = Image(20_000, 1);

        (int status, JsonObject body) = await Call("/updates/images", "POST", Upload(image, "1.4.0"));

        Assert.Equal(201, status);
        Assert.Equal("1.4.0", (string?)body["version"]);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(image)), (string?)body["sha256"]);
        using (var stored = await _s3!.GetObjectAsync(_bucket, "images/1.4.0.bin"))
        using (var copy = new MemoryStream())
        {
            await stored.ResponseStream.CopyToAsync(copy);
            Assert.Equal(image, copy.ToArray());
        }

        (int listed, JsonObject list) = await Call("/updates/images", "GET");
        Assert.Equal(200, listed);
        Assert.Equal("1.4.0", (string?)Assert.Single(list["images"]!.AsArray())!["version"]);
        Assert.Equal(201, (await Call("/updates/images", "POST", Upload(image, "1.4.0"))).Status); // the same bytes again: accepted, nothing replaced
        (int again, JsonObject replaced) = await Call("/updates/images", "POST", Upload(Image(20_000, 2), "1.4.0"));
        Assert.Equal(409, again);
        Assert.Equal("/problems/version-exists", (string?)replaced["type"]);
    }

    [FactNeeding(Part.S3rver)]
    public async Task AnImageTheCarsWouldRefuse_IsRefused_AndNotStored()
    {
        byte[] image = Image(5_000, 3);
        using RSA stranger = RSA.Create(3072);
        (int wrongKey, JsonObject wrongKeyBody) = await Call("/updates/images", "POST", Upload(image, "2.0.0", stranger));
        Assert.Equal(422, wrongKey);
        Assert.Equal("/problems/signature", (string?)wrongKeyBody["type"]);

        JsonObject tampered = JsonNode.Parse(Upload(image, "2.0.0"))!.AsObject();
        tampered["image"] = Convert.ToBase64String(Image(5_000, 4));
        (int digest, JsonObject digestBody) = await Call("/updates/images", "POST", tampered.ToJsonString());
        Assert.Equal(422, digest);
        Assert.Equal("/problems/digest", (string?)digestBody["type"]);

        JsonObject renamed = JsonNode.Parse(Upload(image, "2.0.0"))!.AsObject();
        renamed["signature"]!["version"] = "2.0.1"; // a genuine image replayed under another version's name
        Assert.Equal("/problems/signature", (string?)(await Call("/updates/images", "POST", renamed.ToJsonString())).Body["type"]);

        Assert.Empty((await Call("/updates/images", "GET")).Body["images"]!.AsArray());
    }

    [FactNeeding(Part.S3rver)]
    public async Task MalformedUploadsAndRolloutBodies_AreProblems_NeverServerErrors()
    {
        string good = Upload(Image(300, 5), "3.0.0");
        string[] uploads =
        [
            string.Empty, "{", "[]", "null", "42", "\"x\"", "{\"image\":1,\"signature\":{}}", "{\"image\":\"@@@\",\"signature\":{}}",
            "{\"image\":\"AAAA\"}", "{\"image\":\"AAAA\",\"signature\":[]}", "{\"image\":\"AAAA\",\"signature\":{},\"x\":1}",
            "{\"image\":\"AAAA\",\"signature\":{\"version\":\"../x\",\"size\":3,\"sha256\":\"00\",\"sig\":\"AA==\"}}",
            "{\"image\":\"AAAA\",\"signature\":{\"version\":\"1\",\"size\":\"3\",\"sha256\":\"00\",\"sig\":\"AA==\"}}",
            "{\"image\":\"AAAA\",\"signature\":{\"version\":\"1\",\"size\":3,\"sha256\":\"00\",\"sig\":\"not base64\"}}",
            "{\"image\":\"AAAA\",\"signature\":{\"op\":7,\"version\":\"1\",\"size\":3,\"sha256\":\"00\",\"sig\":\"AA==\"}}",
            "{\"image\":\"\",\"signature\":{}}", new string('[', 5000), "{\"image\":\"" + new string('A', RolloutsApi.MaxUploadBytes) + "\"}",
            good[..(good.Length / 2)], good.Replace("\"version\"", "\"versi\\u0000on\"", StringComparison.Ordinal),
        ];
        var random = new Random(18);
        var fuzzed = Enumerable.Range(0, 40).Select(_ =>
        {
            char[] text = good.ToCharArray();
            for (int i = 0; i < 3; i++)
            {
                text[random.Next(text.Length)] = (char)random.Next(32, 127);
            }

            return new string(text);
        });

        foreach (string body in uploads.Concat(fuzzed))
        {
            (int status, JsonObject problem) = await Call("/updates/images", "POST", body);
            Assert.True(status is 201 or 400 or 409 or 413 or 422, status + " for " + body[..Math.Min(body.Length, 80)]);
            Assert.True(status == 201 || ((string?)problem["type"])!.StartsWith("/problems/", StringComparison.Ordinal));
        }

        string[] rollouts =
        [
            string.Empty, "{", "[]", "{}", "{\"version\":\"1.0\"}", "{\"version\":1,\"ratePerMinute\":5}", "{\"version\":\"1.0\",\"ratePerMinute\":0}",
            "{\"version\":\"1.0\",\"ratePerMinute\":1001}", "{\"version\":\"1.0\",\"ratePerMinute\":1.5}", "{\"version\":\"1.0\",\"ratePerMinute\":\"5\"}",
            "{\"version\":\"1.0\",\"ratePerMinute\":5,\"abort\":7}", "{\"version\":\"1.0\",\"ratePerMinute\":5,\"abort\":{\"failurePercent\":0}}",
            "{\"version\":\"1.0\",\"ratePerMinute\":5,\"abort\":{\"failurePercent\":50,\"minCount\":0}}", "{\"version\":\"1.0\",\"ratePerMinute\":5,\"abort\":{\"failurePercent\":50,\"x\":1}}",
            "{\"version\":\"1.0\",\"ratePerMinute\":5,\"extra\":true}", "{\"version\":\"" + new string('9', 40) + "\",\"ratePerMinute\":5}",
            "{\"version\":\"1.0\",\"ratePerMinute\":99999999999999999999}", new string('{', 3000), "{\"version\":\"" + new string('x', 5000) + "\"}",
        ];
        foreach (string body in rollouts)
        {
            (int status, JsonObject problem) = await Call("/groups/north/rollouts", "POST", body);
            Assert.True(status is 400 or 413 or 422, status + " for " + body[..Math.Min(body.Length, 80)]);
            Assert.StartsWith("/problems/", (string?)problem["type"], StringComparison.Ordinal);
        }

        Assert.Empty(_iot.Created);
    }

    [FactNeeding(Part.S3rver)]
    public async Task ARollout_IsOneIotJobForTheThingGroup_WithRateAndAbort_AndADocumentTheCarAccepts_WhoseUrlDownloadsTheImage()
    {
        byte[] image = UpdateImages.Pack("1.5.0+b.7", 40_000, new Random(6));
        Assert.Equal(201, (await Call("/updates/images", "POST", Upload(image, "1.5.0+b.7"))).Status);

        (int status, JsonObject rollout) = await Call("/groups/north/rollouts", "POST", "{\"version\":\"1.5.0+b.7\",\"ratePerMinute\":2,\"abort\":{\"failurePercent\":50,\"minCount\":2}}");

        Assert.Equal(201, status);
        string id = (string)rollout["id"]!;
        Assert.Equal("rollout-" + id, (string?)rollout["jobId"]);
        Assert.Equal("running", (string?)rollout["state"]);
        Assert.Equal("north", (string?)rollout["group"]);
        Assert.Equal("1.5.0+b.7", (string?)rollout["version"]);
        Assert.Equal(2, (int)rollout["released"]!);
        Assert.Equal("{\"PENDING\":1,\"QUEUED\":2}", rollout["counts"]!.ToJsonString());
        Assert.Equal(["car-1", "car-2", "car-3"], rollout["cars"]!.AsArray().Select(c => (string)c!["car"]!));

        JsonObject job = _iot.Created["rollout-" + id];
        Assert.Equal("arn:aws:iot:eu-west-1:123456789012:thinggroup/north", (string?)job["targets"]![0]);
        Assert.Equal(2, (int)job["jobExecutionsRolloutConfig"]!["maximumPerMinute"]!);
        Assert.Null(job["presignedUrlConfig"]); // the URL is the API's own, not one IoT Jobs pre-signs
        JsonObject criterion = job["abortConfig"]!["criteriaList"]![0]!.AsObject();
        Assert.Equal("{\"failureType\":\"ALL\",\"action\":\"CANCEL\",\"thresholdPercentage\":50,\"minNumberOfExecutedThings\":2}", criterion.ToJsonString());

        // The document as IoT Jobs delivers it (nothing to replace: the URL is the API's short one), read by the car's own
        // reader: the whole message fits the modem's 1,024 bytes (a URL pre-signed by a role, with X-Amz-Security-Token,
        // did not: every SIM7080G car refused it as BadDocument).
        Assert.DoesNotContain("\\u00", (string)job["document"]!, StringComparison.Ordinal); // '+' and '&' as themselves
        JsonObject document = JsonNode.Parse((string)job["document"]!)!.AsObject();
        string url = (string)document["url"]!;
        Assert.StartsWith(Origin + "/images/1.5.0%2Bb.7?e=", url, StringComparison.Ordinal);
        Assert.DoesNotContain("X-Amz", url, StringComparison.Ordinal);
        Assert.Null(document["keyId"]);
        byte[] message = Notify("rollout-" + id, document);
        Assert.True(message.Length <= 1024, message.Length + " bytes");
        Assert.True(UpdateJob.TryParse(message, 0, message.Length, out UpdateJob? parsed, out string problem), problem);
        Assert.Equal("1.5.0+b.7", parsed!.Version);
        Assert.Equal(url, parsed.Url);
        Assert.Equal(image.Length, parsed.Size);
        Assert.Equal(UpdateCheck.Ok, UpdateVerifier.Check(SHA256.HashData(image), parsed.Sha256, parsed.Version, parsed.Signature, FleetModulus));

        // The URL holds while the job can run: its last car released, in progress an hour, then a week for cars offline.
        long expiry = long.Parse(url[(url.IndexOf("?e=", StringComparison.Ordinal) + 3)..url.IndexOf('&', StringComparison.Ordinal)]);
        Assert.Equal(_clock.GetUtcNow().Add(IotRollouts.UrlLifetime(3, 2)).ToUnixTimeSeconds(), expiry);
        Assert.Equal(TimeSpan.FromMinutes(2 + 60) + IotRollouts.OfflineGrace, IotRollouts.UrlLifetime(3, 2));

        // The car downloads the image from that URL through the same function, in its chunks, with its own range client.
        var client = new HttpRangeClient(parsed.Url, new HttpApiConnection(_api!));
        byte[] received = new byte[parsed.Size];
        byte[] chunk = new byte[StagedDownload.DefaultChunkBytes];
        for (int offset = 0; offset < received.Length; offset += chunk.Length)
        {
            int want = Math.Min(chunk.Length, received.Length - offset);
            Assert.Equal(RangeResult.Ok, client.Read(offset, chunk, want, out int read));
            Array.Copy(chunk, 0, received, offset, read);
        }

        Assert.Equal(image, received);
        _clock.Now = DateTimeOffset.FromUnixTimeSeconds(expiry + 1);
        Assert.Equal(RangeResult.Refused, client.Read(0, chunk, 16, out _)); // expired: 403
        Assert.Equal("refused: 403", client.LastProblem);

        Assert.All(_iot.Requests, r => Assert.EndsWith(" ok", r, StringComparison.Ordinal));
    }

    [FactNeeding(Part.S3rver)]
    public async Task TheJobMessage_InIotsNotifyNextShape_FitsForAShortVersion_AndARolloutThatCouldNotFitIsRefused()
    {
        string shortVersion = "1.6.2";
        string longVersion = "1.0.0-" + new string('r', UpdateLimits.MaxVersionLength - 6);
        string shortId = await StartAsync("north", shortVersion, 1);

        // notify-next for a queued job as IoT Jobs sends it (AWS IoT developer guide, "Jobs device MQTT API").
        byte[] queued = NextMessage(shortId, false);
        Assert.True(UpdateJob.TryParse(queued, 0, queued.Length, out UpdateJob? parsed, out string problem), problem + ": " + Encoding.UTF8.GetString(queued));
        Assert.Equal(shortVersion, parsed!.Version);
        byte[] inProgress = NextMessage(shortId, true);
        Assert.True(UpdateJob.TryParse(inProgress, 0, inProgress.Length, out _, out problem), problem);

        // The API's own bound for the widest message (in progress, the longest car name, 10-digit times) is never below
        // what this test builds independently.
        JsonObject document = JsonNode.Parse((string)_iot.Created["rollout-" + shortId]["document"]!)!.AsObject();
        int bound = IotRollouts.NotifyNextBytes("rollout-" + shortId, "car-1", document);
        Assert.InRange(inProgress.Length, 1, bound);
        Assert.Equal(200, (await Call("/rollouts/" + shortId + "/cancel", "POST")).Status);

        // A 32-character version stands twice (the field and the URL) and would not fit: refused at the start, with the
        // size, rather than REJECTED by every car; no job is created.
        if ((await Call("/updates/images", "GET")).Body["images"]!.AsArray().All(i => (string?)i!["version"] != longVersion))
        {
            Assert.Equal(201, (await Call("/updates/images", "POST", Upload(Image(1000, longVersion.Length), longVersion))).Status);
        }

        int jobs = _iot.Created.Count;
        (int status, JsonObject refusal) = await Call("/groups/north/rollouts", "POST", "{\"version\":\"" + longVersion + "\",\"ratePerMinute\":1}");
        Assert.Equal(422, status);
        Assert.EndsWith("/job-too-large", (string?)refusal["type"], StringComparison.Ordinal);
        Assert.Contains("over the 1024", (string?)refusal["detail"], StringComparison.Ordinal);
        Assert.Equal(jobs, _iot.Created.Count);
        output.WriteLine("notify-next, version '" + shortVersion + "': queued " + queued.Length + " bytes, in progress " + inProgress.Length + " bytes, the API's bound " + bound + " bytes; a 32-character version: " + (string?)refusal["detail"]);

        byte[] NextMessage(string id, bool started)
        {
            JsonObject job = JsonNode.Parse((string)_iot.Created["rollout-" + id]["document"]!)!.AsObject();
            var execution = new JsonObject { ["jobId"] = "rollout-" + id, ["thingName"] = "car-1", ["status"] = started ? "IN_PROGRESS" : "QUEUED", ["queuedAt"] = 1765110000L };
            if (started)
            {
                execution["startedAt"] = 1765110060L;
            }

            execution["lastUpdatedAt"] = 1765110060L;
            execution["versionNumber"] = started ? 2 : 1;
            execution["executionNumber"] = 1;
            execution["jobDocument"] = job;
            return Encoding.UTF8.GetBytes(new JsonObject { ["timestamp"] = 1765110060L, ["execution"] = execution }.ToJsonString(IotRollouts.DocumentJson));
        }
    }

    [FactNeeding(Part.S3rver)]
    public async Task EachCarsState_FollowsItsExecution_AndTheCarsViewNamesItsVersion()
    {
        string id = await StartAsync("north", "1.6.0", 3);
        string job = "rollout-" + id;
        _iot.SetExecution("car-1", job, "SUCCEEDED", new Dictionary<string, string> { ["version"] = "1.6.0", ["step"] = "confirmed" });
        _iot.SetExecution("car-2", job, "FAILED", new Dictionary<string, string> { ["step"] = "verify", ["reason"] = "signature" });
        _iot.SetExecution("car-3", job, "IN_PROGRESS", new Dictionary<string, string> { ["step"] = "download" });

        (int status, JsonObject rollout) = await Call("/rollouts/" + id, "GET");

        Assert.Equal(200, status);
        JsonArray cars = rollout["cars"]!.AsArray();
        Assert.Equal("{\"car\":\"car-2\",\"state\":\"FAILED\",\"step\":\"verify\",\"reason\":\"signature\"}", cars[1]!.ToJsonString());
        Assert.Equal("download", (string?)cars[2]!["step"]);
        Assert.Equal("{\"FAILED\":1,\"IN_PROGRESS\":1,\"SUCCEEDED\":1}", rollout["counts"]!.ToJsonString());

        (int carStatus, JsonObject car) = await Call("/cars/car-1/update", "GET");
        Assert.Equal(200, carStatus);
        Assert.Equal("{\"car\":\"car-1\",\"version\":\"1.6.0\",\"rollout\":\"" + id + "\",\"target\":\"1.6.0\",\"state\":\"SUCCEEDED\",\"step\":\"confirmed\",\"reason\":null}", car.ToJsonString());
        Assert.Equal(404, (await Call("/cars/car-9/update", "GET")).Status);

        (int listStatus, JsonObject list) = await Call("/rollouts", "GET");
        Assert.Equal(200, listStatus);
        JsonObject listed = Assert.Single(list["rollouts"]!.AsArray())!.AsObject();
        Assert.Equal(id, (string?)listed["id"]);
        Assert.Null(listed["cars"]);
    }

    [FactNeeding(Part.S3rver)]
    public async Task Cancel_CancelsTheJobWithoutForce_PauseIsRefusedBecauseIotJobsHasNone_AndAbortShowsIotsReason()
    {
        string id = await StartAsync("north", "1.7.0", 1);
        (int paused, JsonObject pause) = await Call("/rollouts/" + id + "/pause", "POST");
        Assert.Equal(409, paused);
        Assert.Equal("/problems/no-pause", (string?)pause["type"]);
        Assert.Equal(409, (await Call("/rollouts/" + id + "/resume", "POST")).Status);
        Assert.Equal(409, (await Call("/groups/north/rollouts", "POST", "{\"version\":\"1.7.0\",\"ratePerMinute\":1}")).Status); // one running rollout a group

        _iot.SetExecution("car-1", "rollout-" + id, "IN_PROGRESS");
        (int canceled, JsonObject after) = await Call("/rollouts/" + id + "/cancel", "POST");

        Assert.Equal(200, canceled);
        Assert.Equal("canceled", (string?)after["state"]);
        Assert.Contains(_iot.Requests, r => r.StartsWith("PUT /jobs/rollout-" + id + "/cancel?force=false ", StringComparison.Ordinal));
        Assert.Equal("IN_PROGRESS", (string?)after["cars"]![0]!["state"]); // a car already updating finishes
        Assert.Equal("/problems/invalid-state", (string?)(await Call("/rollouts/" + id + "/cancel", "POST")).Body["type"]);
        Assert.Equal(404, (await Call("/rollouts/" + id + "/explode", "POST")).Status);

        string second = await StartAsync("north", "1.7.0", 3);
        _iot.Abort("rollout-" + second);
        JsonObject aborted = (await Call("/rollouts/" + second, "GET")).Body;
        Assert.Equal("aborted", (string?)aborted["state"]);
        Assert.Contains("failure threshold", (string?)aborted["abortReason"], StringComparison.Ordinal);
    }

    [FactNeeding(Part.S3rver)]
    public async Task UnknownGroupsRolloutsAndImages_AreNotFound_AndRentersAreForbidden()
    {
        Assert.Equal("/problems/no-group", (string?)(await Call("/groups/south/rollouts", "POST", "{\"version\":\"1.0.0\",\"ratePerMinute\":5}")).Body["type"]);
        Assert.Equal("/problems/no-image", (string?)(await Call("/groups/north/rollouts", "POST", "{\"version\":\"1.0.0\",\"ratePerMinute\":5}")).Body["type"]);
        Assert.Equal(201, (await Call("/updates/images", "POST", Upload(Image(100, 7), "1.0.0"))).Status);
        Assert.Equal("/problems/empty-group", (string?)(await Call("/groups/empty/rollouts", "POST", "{\"version\":\"1.0.0\",\"ratePerMinute\":5}")).Body["type"]);
        Assert.Equal(404, (await Call("/rollouts/r1-nothere", "GET")).Status);
        Assert.Equal(404, (await Call("/rollouts/..%2F..%2Fthing-groups", "GET")).Status);
        Assert.Equal(405, (await Call("/rollouts", "DELETE")).Status);
        (int renter, _) = await Call("/rollouts", "GET", claims: LambdaEvents.Claims("renter-1", "renters", (LambdaEvents.SampleNowMs / 1000) + 3600));
        Assert.Equal(403, renter);
        Assert.Equal(401, (await Call("/rollouts", "GET", claims: new Dictionary<string, object>())).Status);
    }

    [TheoryNeeding(Part.S3rver)]
    [InlineData(429, "ThrottlingException", 503, "/problems/iot-busy")]
    [InlineData(503, "ServiceUnavailableException", 503, "/problems/iot-busy")]
    [InlineData(403, "AccessDeniedException", 502, "/problems/iot-failed")]
    [InlineData(500, "InternalFailureException", 502, "/problems/iot-failed")]
    [InlineData(409, "ConflictException", 409, "/problems/iot-conflict")]
    public async Task IotRefusals_BecomeProblems(int iotStatus, string errorType, int status, string type)
    {
        _iot.FailNext(iotStatus, errorType);

        (int answered, JsonObject problem) = await Call("/rollouts", "GET");

        Assert.Equal(status, answered);
        Assert.Equal(type, (string?)problem["type"]);
        Assert.Contains(errorType, (string?)problem["detail"], StringComparison.Ordinal);
    }

    [TheoryNeeding(Part.S3rver)]
    [InlineData("not json")]
    [InlineData("")]
    [InlineData("[1,2]")]
    [InlineData("{\"job\":7}")]
    [InlineData("{\"job\":{\"status\":3}}")]
    [InlineData("{\"job\":{}}")]
    [InlineData("{\"executionSummaries\":{}}")]
    [InlineData("{\"executionSummaries\":[1]}")]
    [InlineData("{\"executionSummaries\":[{\"thingArn\":\"arn:aws:iot:x:1:thing/\"}]}")]
    [InlineData("{\"executionSummaries\":[{\"thingArn\":\"arn:aws:iot:x:1:thing/car-1\",\"jobExecutionSummary\":{}}]}")]
    [InlineData("\u00ff\u00fe")]
    public async Task MalformedIotAnswers_AreBadGateway_NeverAnInventedRollout(string answer)
    {
        string id = await StartAsync("north", "1.8.0", 1);

        // The first answer read is DescribeJob's; the loopback's own answer follows for the rest.
        _iot.AnswerNext(answer.StartsWith("{\"executionSummaries", StringComparison.Ordinal) ? "{\"job\":{\"status\":\"IN_PROGRESS\",\"description\":\"{}\"}}" : answer);
        if (answer.StartsWith("{\"executionSummaries", StringComparison.Ordinal))
        {
            _iot.AnswerNext(answer);
        }

        (int status, JsonObject problem) = await Call("/rollouts/" + id, "GET");

        Assert.Equal(502, status);
        Assert.Equal("/problems/iot-failed", (string?)problem["type"]);
    }

    [FactNeeding(Part.S3rver)]
    public async Task ARequestSignedWithTheWrongSecret_IsRefusedByTheLoopback_AndAnsweredBadGateway()
    {
        ApiHandler wrong = Handler("not-the-secret");

        (int status, JsonObject problem) = await Call("/rollouts", "GET", handler: wrong);

        Assert.Equal(502, status);
        Assert.Contains("InvalidSignatureException", (string?)problem["detail"], StringComparison.Ordinal);
        Assert.EndsWith(" bad-signature", _iot.Requests.Last(), StringComparison.Ordinal);
    }

    [Fact]
    public void TheSettings_AreOffWithoutTheBucket_AndFailTheStartNamingAMissingOrBadVariable()
    {
        Assert.Null(UpdatesSettings.Read(_ => null));
        var env = new Dictionary<string, string> { [UpdatesSettings.BucketVariable] = "b" };
        Assert.Contains(UpdatesSettings.ImageOriginVariable, Assert.Throws<InvalidOperationException>(() => UpdatesSettings.Read(env.GetValueOrDefault)).Message, StringComparison.Ordinal);
        foreach (string bad in new[] { "http://a.example", "https://a.example/path", "https://a.example?x=1", "https://u:p@a.example", "not a url", "https://a_b.example" })
        {
            env[UpdatesSettings.ImageOriginVariable] = bad;
            Assert.Contains(UpdatesSettings.ImageOriginVariable, Assert.Throws<InvalidOperationException>(() => UpdatesSettings.Read(env.GetValueOrDefault)).Message, StringComparison.Ordinal);
        }

        env[UpdatesSettings.ImageOriginVariable] = Origin;
        Assert.Contains("AWS_REGION", Assert.Throws<InvalidOperationException>(() => UpdatesSettings.Read(env.GetValueOrDefault)).Message, StringComparison.Ordinal);
        env["AWS_REGION"] = Region;
        Assert.Equal(new Uri("https://iot.eu-west-1.amazonaws.com"), UpdatesSettings.Read(env.GetValueOrDefault)!.IotEndpoint);
        Assert.Equal(new Uri(Origin), UpdatesSettings.Read(env.GetValueOrDefault)!.ImageOrigin);
        env[UpdatesSettings.SigningKeyVariable] = "AAAA";
        Assert.Contains(UpdatesSettings.SigningKeyVariable, Assert.Throws<InvalidOperationException>(() => UpdatesSettings.Read(env.GetValueOrDefault)).Message, StringComparison.Ordinal);
        env[UpdatesSettings.SigningKeyVariable] = Convert.ToBase64String(FleetModulus);
        Assert.Equal(FleetModulus, UpdatesSettings.Read(env.GetValueOrDefault)!.SigningKey);
        env[UpdatesSettings.IotEndpointVariable] = "https://iot.example.com/path";
        Assert.Contains(UpdatesSettings.IotEndpointVariable, Assert.Throws<InvalidOperationException>(() => UpdatesSettings.Read(env.GetValueOrDefault)).Message, StringComparison.Ordinal);
    }

    private async Task<string> StartAsync(string group, string version, int rate)
    {
        if ((await Call("/updates/images", "GET")).Body["images"]!.AsArray().All(i => (string?)i!["version"] != version))
        {
            Assert.Equal(201, (await Call("/updates/images", "POST", Upload(Image(1000, version.Length), version))).Status);
        }

        (int status, JsonObject rollout) = await Call("/groups/" + group + "/rollouts", "POST", "{\"version\":\"" + version + "\",\"ratePerMinute\":" + rate + "}");
        Assert.Equal(201, status);
        return (string)rollout["id"]!;
    }

    private ApiHandler Handler(string secret)
    {
        ManualClock clock = _clock;
        var fixes = new InMemoryFixStore();
        var rentals = new InMemoryRentalStore();
        var images = new ImageBucket(_s3!, _bucket);
        var urls = new ImageUrls(images, new Uri(Origin), clock);
        var iot = new IotControlPlane(new HttpClient { Timeout = TimeSpan.FromSeconds(10) }, _iot.Endpoint, Region, () => new ImmutableCredentials(KeyId, secret, "session-token"), clock);
        return new ApiHandler(new QueryService(fixes, new AccessPolicy(rentals, clock)), clock)
        {
            Rollouts = new RolloutsApi(new IotRollouts(iot, images, urls, clock), images, FleetModulus),
            Images = new ImagesApi(urls, images),
        };
    }

    private static byte[] Notify(string jobId, JsonObject document) =>
        Encoding.UTF8.GetBytes(new JsonObject { ["execution"] = new JsonObject { ["jobId"] = jobId, ["versionNumber"] = 1, ["jobDocument"] = document.DeepClone() } }.ToJsonString(IotRollouts.DocumentJson));

    private static byte[] Image(int size, int seed)
    {
        byte[] image = new byte[size];
        new Random(seed).NextBytes(image);
        return image;
    }

    private static string Upload(byte[] image, string version, RSA? key = null)
    {
        byte[] digest = SHA256.HashData(image);
        byte[] sig = (key ?? Fleet).SignHash(UpdateVerifier.SignedDigest(digest, version), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return new JsonObject
        {
            ["image"] = Convert.ToBase64String(image),
            ["signature"] = new JsonObject { ["op"] = UpdateJob.Operation, ["version"] = version, ["size"] = image.Length, ["sha256"] = Convert.ToHexStringLower(digest), ["sig"] = Convert.ToBase64String(sig), ["keyId"] = "test" },
        }.ToJsonString();
    }

    private async Task<(int Status, JsonObject Body)> Call(string path, string method, string? body = null, object? claims = null, ApiHandler? handler = null)
    {
        JsonObject evt = JsonNode.Parse(LambdaEvents.Http(path, null, claims ?? LambdaEvents.Claims(Operator, "operators", (LambdaEvents.SampleNowMs / 1000) + 3600), method))!.AsObject();
        if (body is not null)
        {
            evt["body"] = body;
            evt["isBase64Encoded"] = false;
        }

        using Stream output = await (handler ?? _api!).HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes(evt.ToJsonString())), CancellationToken.None);
        JsonObject response = (JsonObject)JsonNode.Parse(output)!;
        string text = (string?)response["body"] ?? string.Empty;
        return ((int)response["statusCode"]!, text.Length == 0 ? [] : (JsonObject)JsonNode.Parse(text)!);
    }
}
