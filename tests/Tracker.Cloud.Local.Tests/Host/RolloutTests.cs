using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Tracker.Cloud.Local.Updates;
using Tracker.Cloud.Testing;
using Tracker.Core.Control;
using Tracker.Provisioning.Pki;
using Tracker.Simulation.Car;

namespace Tracker.Cloud.Local.Tests.Host;

/// <summary>
/// Over-the-air rollouts end to end on the real local host: an operator uploads an image signed by the provisioning
/// tool's code-signing key, rolls it out to a group, and simulated cars running the firmware's IoT Jobs agent (with a
/// real directory as flash) take the job from the embedded broker, download the image from the host's HTTPS image
/// server with its short-lived URL tokens, verify it with the car's own SHA-256 and RSA check, switch through the
/// loader's boot state, confirm, and report; the API shows each car's version and state. The faults: the link cut
/// mid-download many times, a corrupted image, another key's signature, a version that never confirms, the abort
/// criterion, pause and cancel.
/// </summary>
public sealed class RolloutTests(LocalHostFixture fixture) : IClassFixture<LocalHostFixture>
{
    private const string Pass = "a long code-signing passphrase";
    private const int Size = 100 * 1024;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(40);

    [Fact]
    public async Task ARolloutToAGroupOfThree_EndsWithEveryCarOnTheNewVersion()
    {
        string ops = await LoginAsync("ops");
        await UploadAsync(ops, "2.0.0", NewImage("2.0.0"));
        await using var a = StartCar("car-0201");
        await using var b = StartCar("car-0202");
        await using var c = StartCar("car-0203");
        Assert.Equal(200, (await fixture.SendAsync(HttpMethod.Put, "/groups/g200", ops, "{\"cars\":[\"car-0201\",\"car-0202\",\"car-0203\"]}")).Status);

        (int status, JsonNode? body) = await fixture.SendAsync(HttpMethod.Post, "/groups/g200/rollouts", ops, "{\"version\":\"2.0.0\",\"ratePerMinute\":600}");
        Assert.True(status == 201, body?.ToJsonString());
        string id = (string)body!["id"]!;
        JsonNode view = await UntilRolloutAsync(id, ops, v => (string)v["state"]! == "completed");
        Assert.All(view["cars"]!.AsArray(), car => Assert.Equal("SUCCEEDED", (string)car!["state"]!));
        foreach (ParkedCar car in new[] { a, b, c })
        {
            Assert.Equal("2.0.0", car.Sim.RunningVersion);
            Assert.False(car.Sim.Updates!.OnTrial);
            (status, body) = await fixture.GetAsync("/cars/" + car.Sim.CarId + "/update", ops);
            Assert.Equal(200, status);
            Assert.Equal("2.0.0", (string)body!["version"]!);
            Assert.Equal("SUCCEEDED", (string)body["state"]!);
        }

        // The job's statuses went through the broker's IoT Jobs topics: each car's execution ended SUCCEEDED with its version.
        (string Status, IReadOnlyDictionary<string, string> Details, long VersionNumber)? execution = fixture.Host.Updates.Jobs.Describe("car-0201", (string)view["jobId"]!);
        Assert.Equal("SUCCEEDED", execution!.Value.Status);
        Assert.Equal("2.0.0", execution.Value.Details["version"]);
    }

    [Fact]
    public async Task ALinkCutManyTimesMidDownload_StillEndsOnTheNewVersion()
    {
        string ops = await LoginAsync("ops");
        await UploadAsync(ops, "2.1.0", NewImage("2.1.0"));
        await using var car = StartCar("car-0211");
        var random = new Random(211);
        ImageServer server = fixture.Host.Updates.Server!;
        int before = server.Requests;
        int cutsBefore = server.Cuts;
        server.CutAfter = n => n - before <= 40 ? random.Next(0, 4000) : -1;
        try
        {
            string id = await StartRolloutAsync(ops, "g211", ["car-0211"], "2.1.0");
            JsonNode view = await UntilRolloutAsync(id, ops, v => (string)v["state"]! == "completed");
            Assert.Equal("SUCCEEDED", (string)view["cars"]![0]!["state"]!);
        }
        finally
        {
            server.CutAfter = null;
        }

        Assert.Equal("2.1.0", car.Sim.RunningVersion);
        Assert.True(server.Cuts - cutsBefore >= 20, "cuts: " + (server.Cuts - cutsBefore));
    }

    [Fact]
    public async Task ACorruptedImage_IsReportedFailedWithDigest_AndTheCarKeepsItsVersion()
    {
        string ops = await LoginAsync("ops");
        byte[] image = NewImage("2.2.0");
        await UploadAsync(ops, "2.2.0", image);
        image[Size / 3] ^= 0x01; // rot in the bucket: the bytes served are not the ones signed
        File.WriteAllBytes(Path.Combine(fixture.Host.Updates.Images.Folder, ImageLibrary.FileOf("2.2.0")), image);
        await using var car = StartCar("car-0221");

        string id = await StartRolloutAsync(ops, "g221", ["car-0221"], "2.2.0");
        JsonNode view = await UntilRolloutAsync(id, ops, v => (string)v["state"]! == "completed");
        Assert.Equal("FAILED", (string)view["cars"]![0]!["state"]!);
        Assert.Equal("Digest", (string)view["cars"]![0]!["reason"]!);
        Assert.Equal("sim-1.0", car.Sim.RunningVersion);
        Assert.Equal(0, car.Sim.UpdateReboots);
    }

    [Fact]
    public async Task ASignedImageWhoseManifestNamesAnotherVersion_IsRejectedBadImageByTheCar_WhichNeverSwitches()
    {
        string ops = await LoginAsync("ops");
        await UploadAsync(ops, "2.9.0", NewImage("2.9.1")); // the fleet key signed it as 2.9.0, but it is packed as 2.9.1
        await using var car = StartCar("car-0291");

        string id = await StartRolloutAsync(ops, "g291", ["car-0291"], "2.9.0");
        JsonNode view = await UntilRolloutAsync(id, ops, v => (string)v["state"]! == "completed");
        Assert.Equal("REJECTED", (string)view["cars"]![0]!["state"]!);
        Assert.Equal("BadImage: the manifest names version 2.9.1; the job names 2.9.0", (string)view["cars"]![0]!["reason"]!); // what the operator sees
        Assert.Equal("sim-1.0", car.Sim.RunningVersion);
        Assert.Equal(0, car.Sim.UpdateReboots);
    }

    [Fact]
    public async Task AnImageSignedWithAnotherKey_IsRefusedAtUpload_AndRejectedByTheCarWhenAJobNamesIt()
    {
        string ops = await LoginAsync("ops");
        using var other = new TempFolder();
        FleetCa.Create(other.Combine("ca"), Pass, new FleetCaOptions { KdfIterations = 1000 }).Dispose();
        CodeSigning.Create(other.Combine("ca"), Pass, kdfIterations: 1000);
        byte[] image = NewImage("2.3.0");
        ImageSignature foreign = CodeSigning.Sign(other.Combine("ca"), Pass, image, "2.3.0");
        (int status, JsonNode? body) = await fixture.SendAsync(HttpMethod.Post, "/updates/images", ops, UploadBody(image, foreign));
        Assert.Equal(422, status);
        Assert.Equal("signature", ((string)body!["type"]!).Split('/')[^1]);

        // A job naming the genuine bytes with the other fleet's signature (as a forged job would): the car refuses it.
        await UploadAsync(ops, "2.3.0", image);
        await using var car = StartCar("car-0231");
        JsonObject document = JsonNode.Parse(foreign.ToJobJson())!.AsObject();
        document["url"] = "${local:image-url}";
        fixture.Host.Updates.Jobs.CreateJob("forged-0231", document);
        await fixture.Host.Broker.PublishShadowAsync(fixture.Host.Updates.Jobs.Queue("car-0231", "forged-0231"));
        Assert.True(await Poll.UntilAsync(() => fixture.Host.Updates.Jobs.Describe("car-0231", "forged-0231")?.Status == "REJECTED", Wait));
        Assert.Equal("Signature", fixture.Host.Updates.Jobs.Describe("car-0231", "forged-0231")!.Value.Details["reason"]);
        Assert.Equal("sim-1.0", car.Sim.RunningVersion);
    }

    [Fact]
    public async Task AVersionThatNeverConfirms_FallsBackAfterItsAttempts_AndTheJobFails()
    {
        string ops = await LoginAsync("ops");
        await UploadAsync(ops, "2.4.0", NewImage("2.4.0"));
        await using var car = StartCar("car-0241", neverHealthy: "2.4.0");

        string id = await StartRolloutAsync(ops, "g241", ["car-0241"], "2.4.0");
        JsonNode view = await UntilRolloutAsync(id, ops, v => (string)v["state"]! == "completed");
        Assert.Equal("FAILED", (string)view["cars"]![0]!["state"]!);
        Assert.Equal("NotConfirmed", (string)view["cars"]![0]!["reason"]!);
        Assert.Equal("sim-1.0", car.Sim.RunningVersion);
        Assert.True(car.Sim.UpdateReboots >= 1 + BootState.MaxAttempts, "reboots: " + car.Sim.UpdateReboots); // into it, then each failed trial
        (int status, JsonNode? body) = await fixture.GetAsync("/cars/car-0241/update", ops);
        Assert.Equal(200, status);
        Assert.Equal("sim-1.0", (string)body!["version"]!);
    }

    [Fact]
    public async Task TheAbortCriterion_StopsTheRollout_BeforeEveryCarGetsIt()
    {
        string ops = await LoginAsync("ops");
        byte[] image = NewImage("2.5.0");
        await UploadAsync(ops, "2.5.0", image);
        image[10] ^= 0x80;
        File.WriteAllBytes(Path.Combine(fixture.Host.Updates.Images.Folder, ImageLibrary.FileOf("2.5.0")), image);
        string[] ids = ["car-0251", "car-0252", "car-0253", "car-0254"];
        var cars = ids.Select(i => StartCar(i)).ToList();
        try
        {
            string id = await StartRolloutAsync(ops, "g251", ids, "2.5.0", rate: 2, abort: "{\"failurePercent\":50,\"minCount\":1}");
            JsonNode view = await UntilRolloutAsync(id, ops, v => (string)v["state"]! == "aborted");
            Assert.Contains("abort at 50 %", (string)view["abortReason"]!, StringComparison.Ordinal);
            await Task.Delay(1500);
            view = (await fixture.GetAsync("/rollouts/" + id, ops)).Body!;
            Assert.True((int)view["released"]! < ids.Length, view.ToJsonString());
            Assert.Contains(view["cars"]!.AsArray(), c => (string)c!["state"]! is "PENDING" or "CANCELED");
            Assert.DoesNotContain(view["cars"]!.AsArray(), c => (string)c!["state"]! == "SUCCEEDED");
            Assert.Equal(409, (await fixture.SendAsync(HttpMethod.Post, "/rollouts/" + id + "/resume", ops, string.Empty)).Status);
        }
        finally
        {
            foreach (ParkedCar car in cars)
            {
                await car.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task PauseHoldsTheRelease_ResumeGoesOn_AndCancelLeavesTheRestUntouched()
    {
        string ops = await LoginAsync("ops");
        await UploadAsync(ops, "2.6.0", NewImage("2.6.0"));
        string[] ids = ["car-0261", "car-0262", "car-0263"];
        foreach (string car in ids)
        {
            fixture.Host.Pki.EnsureCar(car, fixture.Host.MqttPort); // provisioned, never connected: the job waits for them
        }

        string id = await StartRolloutAsync(ops, "g261", ids, "2.6.0", rate: 1);
        (int status, JsonNode? view) = await fixture.SendAsync(HttpMethod.Post, "/rollouts/" + id + "/pause", ops, string.Empty);
        Assert.True(status == 200, view?.ToJsonString());
        Assert.Equal("paused", (string)view!["state"]!);
        await Task.Delay(1000);
        view = (await fixture.GetAsync("/rollouts/" + id, ops)).Body!;
        Assert.True((int)view["released"]! <= 1, view.ToJsonString());
        Assert.Equal(409, (await fixture.SendAsync(HttpMethod.Post, "/rollouts/" + id + "/pause", ops, string.Empty)).Status);
        Assert.Equal("running", (string)(await fixture.SendAsync(HttpMethod.Post, "/rollouts/" + id + "/resume", ops, string.Empty)).Body!["state"]!);
        (status, view) = await fixture.SendAsync(HttpMethod.Post, "/rollouts/" + id + "/cancel", ops, string.Empty);
        Assert.Equal(200, status);
        Assert.Equal("canceled", (string)view!["state"]!);
        Assert.All(view["cars"]!.AsArray(), c => Assert.True((string)c!["state"]! is "PENDING" or "CANCELED", c.ToJsonString()));
        Assert.Null(fixture.Host.Updates.Jobs.Describe("car-0262", (string)view["jobId"]!)); // never released
        Assert.Equal(409, (await fixture.SendAsync(HttpMethod.Post, "/rollouts/" + id + "/resume", ops, string.Empty)).Status);
        Assert.Equal(404, (await fixture.SendAsync(HttpMethod.Post, "/rollouts/" + id + "/explode", ops, string.Empty)).Status);
        Assert.Equal(404, (await fixture.SendAsync(HttpMethod.Post, "/rollouts/nope/cancel", ops, string.Empty)).Status);
    }

    [Fact]
    public async Task OnlyOperators_MayUploadOrRollOut()
    {
        string renter = await LoginAsync("renter1");
        Assert.Equal(403, (await fixture.SendAsync(HttpMethod.Post, "/updates/images", renter, "{}")).Status);
        Assert.Equal(403, (await fixture.SendAsync(HttpMethod.Post, "/groups/g/rollouts", renter, "{}")).Status);
        Assert.Equal(403, (await fixture.GetAsync("/rollouts", renter)).Status);
        Assert.Equal(403, (await fixture.GetAsync("/cars/car-0001/update", renter)).Status);
        Assert.Equal(401, (await fixture.SendAsync(HttpMethod.Post, "/updates/images", null, "{}")).Status);
        Assert.Equal(401, (await fixture.GetAsync("/rollouts/x", "not-a-token")).Status);
    }

    [Theory]
    [InlineData("", 400)]
    [InlineData("{", 400)]
    [InlineData("[]", 400)]
    [InlineData("{}", 422)]
    [InlineData("{\"image\":\"AAAA\"}", 422)]
    [InlineData("{\"image\":\"not base64!\",\"signature\":{}}", 422)]
    [InlineData("{\"image\":\"AAAA\",\"signature\":{}}", 422)]
    [InlineData("{\"image\":\"AAAA\",\"signature\":{\"version\":\"../x\",\"size\":3,\"sha256\":\"00\",\"sig\":\"AA==\"}}", 422)]
    [InlineData("{\"image\":\"AAAA\",\"signature\":{\"version\":\"1.0\",\"size\":3,\"sha256\":\"00\",\"sig\":\"AA==\"}}", 422)]
    [InlineData("{\"image\":\"AAAA\",\"signature\":{\"version\":\"1.0\",\"size\":\"3\",\"sha256\":\"00\",\"sig\":\"AA==\"}}", 422)]
    [InlineData("{\"image\":\"AAAA\",\"signature\":{\"op\":\"format-disk\",\"version\":\"1.0\",\"size\":3,\"sha256\":\"00\",\"sig\":\"AA==\"}}", 422)]
    [InlineData("{\"image\":\"\",\"signature\":{\"version\":\"1.0\",\"size\":0,\"sha256\":\"00\",\"sig\":\"AA==\"}}", 422)]
    public async Task AMalformedUpload_IsRefusedWithAReason_AndStoresNothing(string body, int expected)
    {
        string ops = await LoginAsync("ops");
        EnsureSigningKey();
        int before = fixture.Host.Updates.Images.All().Count;
        (int status, JsonNode? problem) = await fixture.SendAsync(HttpMethod.Post, "/updates/images", ops, body);
        Assert.Equal(expected, status);
        Assert.False(string.IsNullOrEmpty((string?)problem?["detail"]));
        Assert.Equal(before, fixture.Host.Updates.Images.All().Count);
    }

    [Theory]
    [InlineData("{}", 422)]
    [InlineData("{\"version\":\"9.9.9\",\"ratePerMinute\":10}", 422)]
    [InlineData("{\"version\":\"2.7.0\"}", 422)]
    [InlineData("{\"version\":\"2.7.0\",\"ratePerMinute\":0}", 422)]
    [InlineData("{\"version\":\"2.7.0\",\"ratePerMinute\":1001}", 422)]
    [InlineData("{\"version\":\"2.7.0\",\"ratePerMinute\":1.5}", 422)]
    [InlineData("{\"version\":\"2.7.0\",\"ratePerMinute\":\"10\"}", 422)]
    [InlineData("{\"version\":\"2.7.0\",\"ratePerMinute\":10,\"abort\":{\"failurePercent\":0}}", 422)]
    [InlineData("{\"version\":\"2.7.0\",\"ratePerMinute\":10,\"abort\":{\"failurePercent\":101}}", 422)]
    [InlineData("{\"version\":\"2.7.0\",\"ratePerMinute\":10,\"abort\":{\"failurePercent\":50,\"minCount\":0}}", 422)]
    [InlineData("{\"version\":\"2.7.0\",\"ratePerMinute\":10,\"abort\":[]}", 422)]
    [InlineData("{\"version\":\"2.7.0\",\"ratePerMinute\":10,\"x\":1}", 422)]
    [InlineData("{\"version\":2.7,\"ratePerMinute\":10}", 422)]
    [InlineData("not json", 400)]
    public async Task AMalformedRollout_IsRefusedWithAReason_AndReleasesNothing(string body, int expected)
    {
        string ops = await LoginAsync("ops");
        if (fixture.Host.Updates.Images.Find("2.7.0") is null)
        {
            await UploadAsync(ops, "2.7.0", NewImage("2.7.0", 1024));
        }

        fixture.Host.Pki.EnsureCar("car-0271", fixture.Host.MqttPort);
        Assert.Equal(200, (await fixture.SendAsync(HttpMethod.Put, "/groups/g271", ops, "{\"cars\":[\"car-0271\"]}")).Status);
        int before = ((JsonArray)(await fixture.GetAsync("/rollouts", ops)).Body!["rollouts"]!).Count;
        (int status, JsonNode? problem) = await fixture.SendAsync(HttpMethod.Post, "/groups/g271/rollouts", ops, body);
        Assert.Equal(expected, status);
        Assert.False(string.IsNullOrEmpty((string?)problem?["detail"]));
        Assert.Equal(before, ((JsonArray)(await fixture.GetAsync("/rollouts", ops)).Body!["rollouts"]!).Count);
        Assert.Equal(404, (await fixture.SendAsync(HttpMethod.Post, "/groups/nope/rollouts", ops, "{\"version\":\"2.7.0\",\"ratePerMinute\":10}")).Status);
        Assert.Equal(404, (await fixture.GetAsync("/cars/car-9999/update", ops)).Status);
    }

    [Fact]
    public async Task FuzzedUploadAndRolloutBodies_NeverFailTheServer_AndStoreNothing()
    {
        string ops = await LoginAsync("ops");
        byte[] image = NewImage("2.8.0", 2048);
        ImageSignature signature = await UploadAsync(ops, "2.8.0", image);
        fixture.Host.Pki.EnsureCar("car-0281", fixture.Host.MqttPort);
        Assert.Equal(200, (await fixture.SendAsync(HttpMethod.Put, "/groups/g281", ops, "{\"cars\":[\"car-0281\"]}")).Status);
        byte[] upload = Encoding.UTF8.GetBytes(UploadBody(image, signature).Replace("2.8.0", "2.8.1", StringComparison.Ordinal));
        byte[] rollout = Encoding.UTF8.GetBytes("{\"version\":\"2.8.0\",\"ratePerMinute\":10,\"abort\":{\"failurePercent\":50,\"minCount\":2}}");
        var random = new Random(281);
        int images = fixture.Host.Updates.Images.All().Count;
        for (int i = 0; i < 300; i++)
        {
            foreach ((string path, byte[] seed) in new[] { ("/updates/images", upload), ("/groups/g281/rollouts", rollout) })
            {
                byte[] body = Mutate(seed, random);
                using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ops);
                using HttpResponseMessage response = await fixture.Http.SendAsync(request);
                int status = (int)response.StatusCode;
                Assert.True(status is 201 or 400 or 409 or 413 or 422, path + " answered " + status + " to " + Convert.ToBase64String(body.AsSpan(0, Math.Min(body.Length, 200))));
                if (status == 201 && path.StartsWith("/groups/", StringComparison.Ordinal))
                {
                    JsonNode created = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
                    Assert.Equal(200, (await fixture.SendAsync(HttpMethod.Post, "/rollouts/" + (string)created["id"]! + "/cancel", ops, string.Empty)).Status);
                }
            }
        }

        // The upload names 2.8.1 over a signature of 2.8.0, so no mutation of it can verify: nothing was stored.
        Assert.Equal(images, fixture.Host.Updates.Images.All().Count);
    }

    private static byte[] Mutate(byte[] seed, Random random)
    {
        byte[] body = (byte[])seed.Clone();
        switch (random.Next(4))
        {
            case 0:
                return body.AsSpan(0, random.Next(body.Length)).ToArray(); // truncated
            case 1:
                for (int k = random.Next(1, 6); k > 0; k--)
                {
                    body[random.Next(body.Length)] = (byte)random.Next(256); // garbage bytes, invalid UTF-8 included
                }

                return body;
            case 2:
                for (int k = random.Next(1, 4); k > 0; k--)
                {
                    body[random.Next(body.Length)] = "{}[]\",:0-e."u8[random.Next(11)]; // structural damage
                }

                return body;
            default:
                byte[] noise = new byte[random.Next(0, 64)];
                random.NextBytes(noise);
                return noise;
        }
    }

    // One sign-in per user for the class's host: the login endpoint limits attempts, as it should.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<LocalHostFixture, Dictionary<string, string>> Tokens = [];

    private async Task<string> LoginAsync(string user)
    {
        Dictionary<string, string> tokens = Tokens.GetOrCreateValue(fixture);
        lock (tokens)
        {
            if (tokens.TryGetValue(user, out string? token))
            {
                return token;
            }
        }

        string fresh = await fixture.LoginAsync(user);
        lock (tokens)
        {
            tokens[user] = fresh;
        }

        return fresh;
    }

    // A real update image (manifest and fake .pe assemblies), as codesign pack writes one.
    private static byte[] NewImage(string version, int size = Size) => UpdateImages.Pack(version, size);

    private void EnsureSigningKey()
    {
        lock (typeof(RolloutTests))
        {
            if (CodeSigning.ReadPublicKey(fixture.Host.Pki.FleetCa.Directory) is null)
            {
                CodeSigning.Create(fixture.Host.Pki.FleetCa.Directory, Pass, kdfIterations: 1000);
            }
        }
    }

    private async Task<ImageSignature> UploadAsync(string token, string version, byte[] image)
    {
        EnsureSigningKey();
        ImageSignature signature = CodeSigning.Sign(fixture.Host.Pki.FleetCa.Directory, Pass, image, version);
        (int status, JsonNode? body) = await fixture.SendAsync(HttpMethod.Post, "/updates/images", token, UploadBody(image, signature));
        Assert.True(status == 201, body?.ToJsonString());
        Assert.Equal(signature.Sha256, (string)body!["sha256"]!);
        return signature;
    }

    private static string UploadBody(byte[] image, ImageSignature signature) =>
        new JsonObject { ["image"] = Convert.ToBase64String(image), ["signature"] = JsonNode.Parse(signature.ToJobJson()) }.ToJsonString();

    private async Task<string> StartRolloutAsync(string token, string group, string[] cars, string version, int rate = 600, string? abort = null)
    {
        (int status, JsonNode? body) = await fixture.SendAsync(HttpMethod.Put, "/groups/" + group, token, new JsonObject { ["cars"] = new JsonArray([.. cars.Select(c => (JsonNode)c)]) }.ToJsonString());
        Assert.True(status == 200, body?.ToJsonString());
        (status, body) = await fixture.SendAsync(HttpMethod.Post, "/groups/" + group + "/rollouts", token,
            "{\"version\":\"" + version + "\",\"ratePerMinute\":" + rate + (abort is null ? string.Empty : ",\"abort\":" + abort) + "}");
        Assert.True(status == 201, body?.ToJsonString());
        return (string)body!["id"]!;
    }

    private async Task<JsonNode> UntilRolloutAsync(string id, string token, Func<JsonNode, bool> condition)
    {
        JsonNode? last = null;
        bool met = await Poll.UntilAsync(
            () =>
            {
                (int status, JsonNode? body) = fixture.GetAsync("/rollouts/" + id, token).GetAwaiter().GetResult();
                last = body;
                return status == 200 && condition(body!);
            },
            Wait);
        Assert.True(met, "timed out; last view: " + last?.ToJsonString());
        return last!;
    }

    /// <summary>A parked car running the firmware's IoT Jobs agent with the fleet's code-signing key, downloading from the host's image server.</summary>
    private ParkedCar StartCar(string carId, string? neverHealthy = null)
    {
        fixture.Host.Pki.EnsureCar(carId, fixture.Host.MqttPort);
        byte[] key = CodeSigning.ReadPublicKey(fixture.Host.Pki.FleetCa.Directory) ?? throw new InvalidOperationException("no code-signing key yet");
        var transport = new HttpUpdateTransport(fixture.Host.Pki.EndpointCa, TimeSpan.FromSeconds(10));
        return ParkedCar.Start(carId, fixture.CarLink(carId), updates: app => new SimulatedUpdates
        {
            Directory = app, CodeSigningKey = key, Transport = transport, ConfirmWindowMs = 1500, NeverHealthy = neverHealthy is null ? null : v => v == neverHealthy,
        });
    }
}
