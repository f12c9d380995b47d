using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Tracker.Core.Common;
using Tracker.Core.Control;
using Tracker.Core.Tests.Storage;
using Tracker.Core.Uplink;

namespace Tracker.Core.Tests.Control;

/// <summary>
/// The car's IoT Jobs agent against an in-test IoT Jobs (the topics, versionNumber and expectedVersion as the broker's
/// service has them) over a fault-injecting flash: a job ends SUCCEEDED only once the new version confirmed; a power
/// cut at every tick of the whole update (download, verify, install, stage, record, the trial's boot and the
/// confirmation) still ends on the new version with the job SUCCEEDED, and every boot runs the old version or the new
/// one, never nothing; a version that never confirms ends FAILED on the old one; a corrupted image and another key's
/// signature are refused; a signed image whose manifest the loader would refuse (missing, cut short, garbage, another
/// version, lengths that do not fit the file, an assembly not its digest; 300 mutated) ends REJECTED BadImage with
/// nothing staged; malformed job messages never throw and stage nothing; a job document the car cannot run
/// (bad op, size, digest, signature or URL; fuzzed) ends REJECTED with the reason and the problem, a size larger than
/// the image served ends FAILED Stalled, and no job is left IN_PROGRESS.
/// </summary>
public class UpdateAgentTests
{
    private const string Dir = "app";
    private const string Car = "car-1";
    private static readonly RSA Key = RSA.Create(3072);
    internal static readonly byte[] Modulus = Key.ExportParameters(false).Modulus!;

    [Fact]
    public void AJob_IsDownloadedVerifiedSwitchedAndConfirmed_BeforeItIsReportedSucceeded()
    {
        var flash = new FaultyFlash();
        var jobs = new Jobs(Image(1024, "1.4.0"));
        var device = new Device(flash, jobs);
        device.RunUntil(() => jobs.Status is "SUCCEEDED" or "FAILED" or "REJECTED", 200);
        Assert.Equal("SUCCEEDED", jobs.Status);
        Assert.Equal("1.4.0", device.Running);
        Assert.Equal("IN_PROGRESS", jobs.Statuses[0]);
        Assert.Equal(["SUCCEEDED"], jobs.Statuses.Where(s => s != "IN_PROGRESS"));
        Assert.Equal("1.4.0", jobs.Details["version"]);
        Assert.Equal("1.4.0", UpdateAgent.Boot(flash, Dir, out BootReason reason));
        Assert.Equal(BootReason.Confirmed, reason);
    }

    [Fact]
    public void APowerCutAtEveryTickOfTheUpdate_StillEndsOnTheNewVersion_AndNoBootRunsNothing()
    {
        int total;
        {
            var flash = new FaultyFlash();
            var jobs = new Jobs(Image(1024, "1.4.0"));
            var device = new Device(flash, jobs);
            device.RunUntil(() => jobs.Status == "SUCCEEDED", 200);
            total = (int)flash.Ticks;
        }

        Assert.True(total > 1000, "ticks: " + total);
        for (int cut = 1; cut <= total; cut++)
        {
            var flash = new FaultyFlash(cut) { CutAt = cut };
            var jobs = new Jobs(Image(1024, "1.4.0"));
            var device = new Device(flash, jobs);
            device.RunUntil(() => jobs.Status is "SUCCEEDED" or "FAILED" or "REJECTED", 400);
            Assert.True(jobs.Status == "SUCCEEDED", "cut at tick " + cut + ": " + jobs.Status + " " + string.Join(",", jobs.Details.Select(p => p.Key + "=" + p.Value)));
            Assert.Equal("1.4.0", device.Running);
            Assert.All(device.Boots, v => Assert.True(v is "" or "1.4.0", "cut at tick " + cut + " booted '" + v + "'"));
        }
    }

    [Fact]
    public void AVersionThatNeverConfirms_FallsBackToTheOldOne_AndTheJobFails()
    {
        var flash = new FaultyFlash();
        var jobs = new Jobs(Image(1024, "1.4.0"));
        var device = new Device(flash, jobs) { Healthy = v => v != "1.4.0" };
        device.RunUntil(() => jobs.Status is "SUCCEEDED" or "FAILED" or "REJECTED", 400);
        Assert.Equal("FAILED", jobs.Status);
        Assert.Equal("NotConfirmed", jobs.Details["reason"]);
        Assert.Equal(string.Empty, device.Running);
        Assert.Equal("1.0", jobs.Details["version"]); // the version it runs, reported with the failure
        Assert.Equal(BootState.MaxAttempts, device.Boots.Count(v => v == "1.4.0"));
    }

    [Fact]
    public void ACorruptedImage_IsFailedWithDigest_AndAnotherKeysSignature_IsRejected_WithNothingSwitched()
    {
        (byte[] image, JsonObject document) = Image(2048, "1.4.0");
        byte[] corrupted = (byte[])image.Clone();
        corrupted[100] ^= 4;
        var flash = new FaultyFlash();
        var jobs = new Jobs((corrupted, document));
        var device = new Device(flash, jobs);
        device.RunUntil(() => jobs.Status is "SUCCEEDED" or "FAILED" or "REJECTED", 200);
        Assert.Equal(("FAILED", "Digest"), (jobs.Status, jobs.Details["reason"]));

        using RSA other = RSA.Create(3072);
        document["sig"] = Convert.ToBase64String(other.SignHash(UpdateVerifier.SignedDigest(SHA256.HashData(image), "1.4.0"), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        flash = new FaultyFlash();
        jobs = new Jobs((image, document));
        device = new Device(flash, jobs);
        device.RunUntil(() => jobs.Status is "SUCCEEDED" or "FAILED" or "REJECTED", 200);
        Assert.Equal(("REJECTED", "Signature"), (jobs.Status, jobs.Details["reason"]));
        Assert.Equal(string.Empty, device.Running);
        Assert.Equal(string.Empty, new BootStateStore(flash, Dir + "/boot").Load().Candidate);
    }

    [Fact]
    public void MalformedJobMessages_NeverThrow_AndStageNothing()
    {
        (byte[] image, JsonObject document) = Image(512, "1.4.0");
        var flash = new FaultyFlash();
        var jobs = new Jobs((image, document));
        var device = new Device(flash, jobs);
        byte[] good = Encoding.UTF8.GetBytes(jobs.Execution().ToJsonString());
        var random = new Random(18);
        for (int i = 0; i < 3000; i++)
        {
            byte[] bad = (byte[])good.Clone();
            switch (i % 3)
            {
                case 0:
                    bad = bad.AsSpan(0, random.Next(bad.Length)).ToArray();
                    break;
                case 1:
                    bad[random.Next(bad.Length)] = (byte)random.Next(256);
                    break;
                default:
                    bad = new byte[random.Next(200)];
                    random.NextBytes(bad);
                    break;
            }

            jobs.Link.Deliver("$aws/things/car-1/jobs/notify-next", bad);
            device.Agent.TryTakeMessage(out _, out _);
        }

        Assert.True(device.Agent.MalformedJobs > 1000, "malformed: " + device.Agent.MalformedJobs);
        Assert.Equal(string.Empty, new BootStateStore(flash, Dir + "/boot").Load().Candidate);
        jobs.Link.Deliver("$aws/things/car-1/jobs/notify-next", new byte[2000]); // over the modem's limit
        device.Agent.TryTakeMessage(out _, out _);
        Assert.Contains("1024", device.Agent.LastReason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("op", "\"factory-reset\"", "op")]
    [InlineData("size", "0", "size")]
    [InlineData("sha256", "\"abc\"", "sha256")]
    [InlineData("sig", "\"AAAA\"", "sig")]
    [InlineData("url", "\"https://images.example/a b\"", "url")]
    [InlineData("url", "\"http://images.example/app\"", "url")]
    [InlineData("version", "null", "version")]
    public void AJobDocumentTheCarCannotRun_EndsRejected_WithTheProblemForTheOperator(string field, string json, string named)
    {
        (byte[] image, JsonObject document) = Image(512, "1.4.0");
        document[field] = JsonNode.Parse(json);
        var flash = new FaultyFlash();
        var jobs = new Jobs((image, document));
        var device = new Device(flash, jobs);
        device.RunUntil(() => jobs.Status is "SUCCEEDED" or "FAILED" or "REJECTED", 20);

        Assert.Equal(("REJECTED", "BadDocument"), (jobs.Status, jobs.Details["reason"]));
        Assert.Contains(named, jobs.Details["problem"], StringComparison.Ordinal);
        Assert.Equal("1.0", jobs.Details["version"]);
        Assert.Equal(["REJECTED"], jobs.Statuses);
        Assert.Contains("BadDocument", device.Agent.LastReason, StringComparison.Ordinal);
        Assert.Equal(string.Empty, device.Running);
        Assert.Equal(string.Empty, new BootStateStore(flash, Dir + "/boot").Load().Candidate);
    }

    [Fact]
    public void ASizeLargerThanTheImageItsUrlServes_EndsFailedStalled_NotInProgressForever()
    {
        (byte[] image, JsonObject document) = Image(1024, "1.4.0");
        document["size"] = 1500;
        var jobs = new Jobs((image, document));
        var device = new Device(new FaultyFlash(), jobs);
        device.RunUntil(() => jobs.Status is "SUCCEEDED" or "FAILED" or "REJECTED", 20);

        Assert.Equal(("FAILED", "Stalled"), (jobs.Status, jobs.Details["reason"]));
        Assert.Equal(UpdateAgent.MaxStalledRanges + 1, device.Agent.Interruptions);
    }

    [Fact]
    public void ATransportThatCannotOpenTheUrl_FailsTheJob_InsteadOfThrowingOutOfTheMainLoop()
    {
        var jobs = new Jobs(Image(512, "1.4.0")) { RefuseUrls = true };
        var device = new Device(new FaultyFlash(), jobs);
        device.RunUntil(() => jobs.Status is "SUCCEEDED" or "FAILED" or "REJECTED", 20);

        Assert.Equal(("FAILED", "Transport"), (jobs.Status, jobs.Details["reason"]));
    }

    [Fact]
    public void FuzzedJobDocuments_NeverCrashTheAgent_AndEveryJobEnds()
    {
        string[] fields = ["op", "version", "size", "sha256", "sig", "url"];
        var random = new Random(18);
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < 200; i++)
        {
            (byte[] image, JsonObject document) = Image(256, "1.4.0");
            for (int m = random.Next(1, 3); m > 0; m--)
            {
                string field = fields[random.Next(fields.Length)];
                if (random.Next(8) == 0)
                {
                    document.Remove(field);
                }
                else
                {
                    document[field] = FuzzValue(random, document[field]);
                }
            }

            var jobs = new Jobs((image, document));
            var device = new Device(new FaultyFlash(), jobs);
            device.RunUntil(() => jobs.Status is "SUCCEEDED" or "FAILED" or "REJECTED", 20);

            string outcome = jobs.Status + " " + (jobs.Details.TryGetValue("reason", out string? reason) ? reason : string.Empty);
            Assert.True(jobs.Status is "SUCCEEDED" or "FAILED" or "REJECTED", "document " + i + " left the job " + outcome + " (agent: " + device.Agent.LastReason + ", " + device.Agent.Phase + "): " + document.ToJsonString());
            Assert.True(jobs.Status != "SUCCEEDED" || device.Running == "1.4.0", "succeeded without running the image: " + document.ToJsonString());
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }

        Assert.True(outcomes.GetValueOrDefault("REJECTED BadDocument") > 50, string.Join(", ", outcomes.Select(p => p.Key + ": " + p.Value)));
    }

    [Theory]
    [InlineData("no manifest", "not an application image")]
    [InlineData("truncated manifest", "cut short")]
    [InlineData("garbage manifest", "")]
    [InlineData("another version", "names version 1.5.0; the job names 1.4.0")]
    [InlineData("length overrun", "accounts for")]
    [InlineData("bytes after the assemblies", "accounts for")]
    [InlineData("assembly not its digest", "does not match its SHA-256")]
    public void ASignedImageTheLoaderWouldRefuse_IsRejectedBadImage_WithTheProblem_AndNothingIsStaged(string flaw, string problem)
    {
        (byte[] image, JsonObject document) = Signed(Flawed(flaw, UpdateImages.Pack("1.4.0", 1024)), "1.4.0");
        var flash = new FaultyFlash();
        var jobs = new Jobs((image, document));
        var device = new Device(flash, jobs);
        device.RunUntil(() => jobs.Status is "SUCCEEDED" or "FAILED" or "REJECTED", 20);

        Assert.Equal(("REJECTED", RefusalCodes.BadImage), (jobs.Status, jobs.Details["reason"]));
        Assert.Contains(problem, jobs.Details["problem"], StringComparison.Ordinal);
        Assert.Equal(["REJECTED"], jobs.Statuses.Where(s => s != "IN_PROGRESS"));
        Assert.Equal("1.0", jobs.Details["version"]); // still the old one
        Assert.True(jobs.LongestStatus <= ShadowLimits.MaxMessageBytes, "status of " + jobs.LongestStatus + " bytes");
        Assert.StartsWith(RefusalCodes.BadImage + ": ", device.Agent.LastReason, StringComparison.Ordinal);
        AssertNothingStaged(flash, device);
    }

    [Fact]
    public void ManifestsMutatedUnderAValidSignature_NeverThrow_AndOnlyARunnableImageIsStaged()
    {
        byte[] good = UpdateImages.Pack("1.4.0", 600, new Random(18));
        int head = UpdateImages.Overhead("1.4.0");
        var random = new Random(18);
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < 300; i++)
        {
            byte[] image = (byte[])good.Clone();
            switch (i % 4)
            {
                case 0:
                    image = image[..random.Next(1, head + 8)]; // cut in or just past the manifest
                    break;
                case 1:
                    image = [.. image, .. RandomNumberGenerator.GetBytes(random.Next(1, 40))];
                    break;
                default:
                    for (int m = random.Next(1, 4); m > 0; m--)
                    {
                        image[random.Next(head)] = (byte)(random.Next(3) == 0 ? random.Next(256) : image[random.Next(head)] ^ (1 << random.Next(8)));
                    }

                    break;
            }

            bool runnable = Runnable(image, "1.4.0");
            var flash = new FaultyFlash();
            var jobs = new Jobs(Signed(image, "1.4.0"));
            var device = new Device(flash, jobs);
            device.RunUntil(() => jobs.Status is "SUCCEEDED" or "FAILED" or "REJECTED", 20);

            string outcome = jobs.Status + " " + jobs.Details.GetValueOrDefault("reason", string.Empty);
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            if (runnable)
            {
                Assert.True(outcome == "SUCCEEDED " && device.Running == "1.4.0", "mutation " + i + " is runnable, yet: " + outcome);
            }
            else
            {
                Assert.True(outcome == "REJECTED BadImage", "mutation " + i + " is not runnable, yet: " + outcome + " (" + device.Agent.LastReason + ")");
                AssertNothingStaged(flash, device);
            }
        }

        Assert.True(outcomes.GetValueOrDefault("REJECTED BadImage") > 200, string.Join(", ", outcomes.Select(p => p.Key + ": " + p.Value)));
    }

    // The flaws a signed image can carry: each one the loader would refuse at boot.
    private static byte[] Flawed(string flaw, byte[] image)
    {
        int head = UpdateImages.Overhead("1.4.0");
        // The first assembly's length: after the magic, M, the three texts, the count and the first name.
        int lengthField = ImageManifest.HeaderBytes + 1 + "1.4.0".Length + 1 + UpdateImages.EntryType.Length + 1 + UpdateImages.EntryMethod.Length + 1 + 1 + UpdateImages.Assemblies[0].Length;
        switch (flaw)
        {
            case "no manifest":
                return RandomNumberGenerator.GetBytes(image.Length);
            case "truncated manifest":
                return image[..(head - 20)];
            case "garbage manifest":
                RandomNumberGenerator.Fill(image.AsSpan(ImageManifest.HeaderBytes, head - ImageManifest.HeaderBytes));
                return image;
            case "another version":
                return UpdateImages.Pack("1.5.0", 1024);
            case "length overrun":
                image[lengthField]++;
                return image;
            case "bytes after the assemblies":
                return [.. image, 0];
            case "assembly not its digest":
                image[^1] ^= 1;
                return image;
            default:
                throw new ArgumentException("no such flaw: " + flaw, nameof(flaw));
        }
    }

    // Independently of the agent: a manifest System.Security.Cryptography agrees with, naming the version and the file's length.
    private static bool Runnable(byte[] image, string version)
    {
        if (!ImageManifest.TryRead(image, image.Length, image.Length, out ImageManifest? manifest, out _) || manifest!.Version != version)
        {
            return false;
        }

        for (int i = 0; i < manifest.Count; i++)
        {
            if (!manifest.Matches(i, SHA256.HashData(image.AsSpan(manifest.OffsetAt(i), manifest.LengthAt(i)))))
            {
                return false;
            }
        }

        return true;
    }

    private static void AssertNothingStaged(FaultyFlash flash, Device device)
    {
        Assert.Equal(string.Empty, new BootStateStore(flash, Dir + "/boot").Load().Candidate);
        Assert.False(new ImageStore(flash, Dir + "/images").TryReadDigest("1.4.0", out _), "an image was installed");
        Assert.DoesNotContain(flash.Paths, p => p.StartsWith(Dir + "/staging/part.", StringComparison.Ordinal));
        Assert.All(device.Boots, v => Assert.Equal(string.Empty, v));
        Assert.Equal(string.Empty, device.Running);
    }

    private static JsonNode? FuzzValue(Random random, JsonNode? original)
    {
        string text = original?.ToJsonString().Trim('"') ?? "x";
        switch (random.Next(9))
        {
            case 0:
                return null;
            case 1:
                return random.Next(3) switch { 0 => -random.Next(), 1 => random.Next(), _ => (JsonNode)long.MaxValue };
            case 2:
                return string.Empty;
            case 3:
                return new JsonObject { ["a"] = 1 };
            case 4:
                return new JsonArray(1, "b");
            case 5:
                return random.Next(2) == 0;
            case 6:
                return new string((char)random.Next(32, 0x2FF), random.Next(1, 1500));
            default:
                char[] chars = text.ToCharArray();
                if (chars.Length > 0)
                {
                    chars[random.Next(chars.Length)] = (char)random.Next(32, 127);
                }

                return new string(chars);
        }
    }

    [Fact]
    public void TheJobTopics_AreThisCarsOnly()
    {
        var topics = new JobTopics("car-1");
        Assert.True(topics.TryParseUpdateAnswer("$aws/things/car-1/jobs/job-7/update/accepted", out string job, out bool accepted));
        Assert.Equal(("job-7", true), (job, accepted));
        Assert.True(topics.TryParseUpdateAnswer("$aws/things/car-1/jobs/job-7/update/rejected", out _, out accepted));
        Assert.False(accepted);
        Assert.False(topics.TryParseUpdateAnswer("$aws/things/car-2/jobs/job-7/update/accepted", out _, out _));
        Assert.False(topics.TryParseUpdateAnswer("$aws/things/car-1/jobs/a/b/update/accepted", out _, out _));
        Assert.False(topics.TryParseUpdateAnswer("$aws/things/car-1/jobs//update/accepted", out _, out _));
        Assert.False(topics.TryParseUpdateAnswer("$aws/things/car-1/jobs/job-7/get/accepted", out _, out _));
    }

    // A real update image (manifest and fake .pe assemblies, as codesign pack writes it), signed for the job's version.
    internal static (byte[] Image, JsonObject Document) Image(int size, string version) => Signed(UpdateImages.Pack(version, size), version);

    // Any bytes, signed by the fleet key as the image of the job's version: the digest and signature hold whatever they are.
    private static (byte[] Image, JsonObject Document) Signed(byte[] image, string version)
    {
        int size = image.Length;
        byte[] digest = SHA256.HashData(image);
        var document = new JsonObject
        {
            ["op"] = "app-update",
            ["version"] = version,
            ["size"] = size,
            ["sha256"] = Convert.ToHexStringLower(digest),
            ["sig"] = Convert.ToBase64String(Key.SignHash(UpdateVerifier.SignedDigest(digest, version), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)),
            ["url"] = "https://images.example/app",
        };
        return (image, document);
    }

    /// <summary>The car: the loader's boot, the agent, the main loop, and a reboot on a power cut or when the agent asks.</summary>
    private sealed class Device
    {
        private readonly FaultyFlash _flash;
        private readonly Jobs _jobs;
        private long _bootStep;
        private long _step;

        public Device(FaultyFlash flash, Jobs jobs)
        {
            _flash = flash;
            _jobs = jobs;
            Agent = BootOnce();
        }

        public UpdateAgent Agent { get; private set; }

        public string Running { get; private set; } = string.Empty;

        public List<string> Boots { get; } = [];

        public Func<string, bool> Healthy { get; init; } = _ => true;

        public void RunUntil(Func<bool> done, int maxBoots)
        {
            for (int guard = 0; guard < 20_000 && !done() && Boots.Count < maxBoots; guard++)
            {
                _step++;
                Agent.Step();
                while (Agent.TryTakeMessage(out _, out _))
                {
                }

                while (Agent.TryTakeCompletion(out _, out _))
                {
                }

                if (_flash.IsCut)
                {
                    Reboot(power: true);
                    continue;
                }

                if (Agent.TakeReboot())
                {
                    Reboot(power: false);
                    continue;
                }

                if (Agent.OnTrial)
                {
                    if (Healthy(Running))
                    {
                        Agent.Confirm();
                    }
                    else if (_step - _bootStep > 5)
                    {
                        Reboot(power: false); // not healthy in its window: the app asks for a reboot
                    }
                }
            }
        }

        private void Reboot(bool power)
        {
            if (power)
            {
                _flash.Reboot();
            }

            Agent.Disconnect();
            Agent = BootOnce();
        }

        private UpdateAgent BootOnce()
        {
            Running = UpdateAgent.Boot(_flash, Dir, out _);
            Boots.Add(Running);
            _bootStep = _step;
            var agent = new UpdateAgent(_jobs.Link, Car, _flash, Dir, Modulus, _jobs, Running.Length > 0 ? Running : "1.0");
            agent.Connect(new MqttConnectOptions(Car, 60, null, null, true));
            return agent;
        }
    }

    /// <summary>IoT Jobs with one job for the car, over a link that answers at once; also the image's transport.</summary>
    internal sealed class Jobs : IUpdateTransport
    {
        private readonly byte[] _image;
        private readonly JsonObject _document;
        private long _version = 1;

        public Jobs((byte[] Image, JsonObject Document) job)
        {
            _image = job.Image;
            _document = job.Document;
            Link = new JobsLink(this);
        }

        public JobsLink Link { get; }

        public string Status { get; private set; } = "QUEUED";

        public List<string> Statuses { get; } = [];

        public Dictionary<string, string> Details { get; private set; } = [];

        public JsonObject Execution() => new()
        {
            ["timestamp"] = 1,
            ["execution"] = new JsonObject
            {
                ["jobId"] = "job-1",
                ["status"] = Status,
                ["versionNumber"] = _version,
                ["executionNumber"] = 1,
                ["jobDocument"] = _document.DeepClone(),
            },
        };

        public bool RefuseUrls { get; init; }

        /// <summary>The longest status update the car sent (the SIM7080G's limit is 1,024 bytes).</summary>
        public int LongestStatus { get; private set; }

        public IRangeSource Open(string url) => RefuseUrls ? throw new ArgumentException("this transport takes no URL", nameof(url)) : new Source(_image);

        public void Close(IRangeSource source)
        {
        }

        public void Handle(string topic, byte[] payload)
        {
            if (topic == "$aws/things/car-1/jobs/$next/get")
            {
                Link.Deliver("$aws/things/car-1/jobs/$next/get/accepted", Encoding.UTF8.GetBytes((Status is "QUEUED" or "IN_PROGRESS" ? Execution() : new JsonObject { ["timestamp"] = 1 }).ToJsonString()));
                return;
            }

            if (topic != "$aws/things/car-1/jobs/job-1/update")
            {
                // Another job's id (a mutated message named it): no such execution.
                int end = topic.LastIndexOf('/');
                Link.Deliver(topic[..end] + "/update/rejected", Encoding.UTF8.GetBytes("{\"code\":\"ResourceNotFound\"}"));
                return;
            }

            LongestStatus = Math.Max(LongestStatus, payload.Length);
            JsonObject request = JsonNode.Parse(payload)!.AsObject();
            if ((long)request["expectedVersion"]! != _version || Status is not ("QUEUED" or "IN_PROGRESS"))
            {
                Link.Deliver("$aws/things/car-1/jobs/job-1/update/rejected", Encoding.UTF8.GetBytes("{\"code\":\"VersionMismatch\"}"));
                return;
            }

            Status = (string)request["status"]!;
            Statuses.Add(Status);
            Details = request["statusDetails"]!.AsObject().ToDictionary(p => p.Key, p => (string)p.Value!);
            _version++;
            Link.Deliver("$aws/things/car-1/jobs/job-1/update/accepted", Encoding.UTF8.GetBytes("{\"timestamp\":1}"));
        }

        private sealed class Source(byte[] image) : IRangeSource
        {
            public RangeResult Read(int offset, byte[] buffer, int count, out int read)
            {
                read = Math.Max(0, Math.Min(count, image.Length - offset)); // past the end: nothing (a job whose size is too large)
                Array.Copy(image, offset, buffer, 0, read);
                return RangeResult.Ok;
            }
        }
    }

    /// <summary>A link to the in-test IoT Jobs: publishes are delivered and answered at once; a reboot reconnects it.</summary>
    internal sealed class JobsLink(Jobs jobs) : IMqttLink
    {
        private readonly Queue<(string Topic, byte[] Payload)> _incoming = new();
        private readonly Queue<int> _completions = new();
        private int _id;

        public bool IsConnected { get; private set; }

        public int HeardFromBroker { get; private set; }

        public void Deliver(string topic, byte[] payload) => _incoming.Enqueue((topic, payload));

        public LinkResult Connect(MqttConnectOptions options)
        {
            IsConnected = true;
            _incoming.Clear();
            return LinkResult.Ok;
        }

        public LinkResult Publish(string topic, byte[] payload, int offset, int count, int qos, out int messageId)
        {
            messageId = ++_id;
            _completions.Enqueue(messageId);
            jobs.Handle(topic, payload.AsSpan(offset, count).ToArray());
            return LinkResult.Ok;
        }

        public bool TryTakeCompletion(out int messageId, out bool delivered)
        {
            delivered = true;
            bool any = _completions.TryDequeue(out messageId);
            HeardFromBroker += any ? 1 : 0;
            return any;
        }

        public LinkResult Subscribe(string topic) => LinkResult.Ok;

        public bool TryTakeMessage(out string topic, out byte[] payload)
        {
            bool any = _incoming.TryDequeue(out (string Topic, byte[] Payload) m);
            topic = m.Topic ?? string.Empty;
            payload = m.Payload ?? [];
            return any;
        }

        public void Disconnect()
        {
            IsConnected = false;
            _incoming.Clear();
            _completions.Clear();
        }
    }
}
