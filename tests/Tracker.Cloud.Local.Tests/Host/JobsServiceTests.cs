using System.Text;
using System.Text.Json.Nodes;
using Tracker.Cloud.Local.Broker;
using Tracker.Cloud.Local.Jobs;
using Tracker.Cloud.Local.Shadow;

namespace Tracker.Cloud.Local.Tests.Host;

/// <summary>
/// IoT Jobs on the local broker, as the device sees it: notify-next when the next execution changes, $next/get, status
/// updates with expectedVersion and the documented refusals, only a car's own jobs topics, and malformed requests
/// answered with a refusal, never a crash.
/// </summary>
public sealed class JobsServiceTests
{
    private static readonly JsonObject Document = JsonNode.Parse("{\"op\":\"app-update\",\"version\":\"1.4.0\",\"url\":\"${local:image-url}\"}")!.AsObject();

    [Fact]
    public void AQueuedExecution_IsNotifiedGotUpdatedAndFinished_WithItsVersionNumber()
    {
        var jobs = new JobsService(TimeProvider.System);
        var changes = new List<string>();
        jobs.ExecutionChanged += (thing, job, status, _) => changes.Add(thing + " " + job + " " + status);
        jobs.Render = (thing, job, doc) =>
        {
            doc["url"] = "https://host/" + thing;
            return doc;
        };
        jobs.CreateJob("job-1", Document);
        IReadOnlyList<ShadowMessage> queued = jobs.Queue("car-1", "job-1");
        JsonNode notify = Single(queued, "$aws/things/car-1/jobs/notify-next");
        Assert.Equal("QUEUED", (string)notify["execution"]!["status"]!);
        Assert.Equal(1, (int)notify["execution"]!["versionNumber"]!);
        Assert.Equal("https://host/car-1", (string)notify["execution"]!["jobDocument"]!["url"]!);

        JsonNode got = Single(jobs.Handle("car-1", "$next", "get", "{}"u8), "$aws/things/car-1/jobs/$next/get/accepted");
        Assert.Equal("job-1", (string)got["execution"]!["jobId"]!);

        JsonNode accepted = Single(jobs.Handle("car-1", "job-1", "update", "{\"status\":\"IN_PROGRESS\",\"expectedVersion\":1,\"statusDetails\":{\"step\":\"download\"}}"u8), "$aws/things/car-1/jobs/job-1/update/accepted");
        Assert.Equal(2, (int)accepted["executionState"]!["versionNumber"]!);

        JsonNode stale = Single(jobs.Handle("car-1", "job-1", "update", "{\"status\":\"SUCCEEDED\",\"expectedVersion\":1}"u8), "$aws/things/car-1/jobs/job-1/update/rejected");
        Assert.Equal("VersionMismatch", (string)stale["code"]!);

        IReadOnlyList<ShadowMessage> done = jobs.Handle("car-1", "job-1", "update", "{\"status\":\"SUCCEEDED\",\"expectedVersion\":2,\"statusDetails\":{\"version\":\"1.4.0\"}}"u8);
        Single(done, "$aws/things/car-1/jobs/job-1/update/accepted");
        Assert.Null(Single(done, "$aws/things/car-1/jobs/notify-next")["execution"]); // nothing is next any more
        Assert.Equal("SUCCEEDED", jobs.Describe("car-1", "job-1")!.Value.Status);
        Assert.Equal("1.4.0", jobs.Describe("car-1", "job-1")!.Value.Details["version"]);

        JsonNode terminal = Single(jobs.Handle("car-1", "job-1", "update", "{\"status\":\"IN_PROGRESS\"}"u8), "$aws/things/car-1/jobs/job-1/update/rejected");
        Assert.Equal("InvalidStateTransition", (string)terminal["code"]!);
        Assert.Null(Single(jobs.Handle("car-1", "$next", "get", "{}"u8), "$aws/things/car-1/jobs/$next/get/accepted")["execution"]);
        Assert.Equal(["car-1 job-1 QUEUED", "car-1 job-1 IN_PROGRESS", "car-1 job-1 SUCCEEDED"], changes);
    }

    [Fact]
    public void Cancel_TakesOnlyQueuedExecutions_AndTellsTheirCars()
    {
        var jobs = new JobsService(TimeProvider.System);
        jobs.CreateJob("job-2", Document);
        jobs.Queue("car-1", "job-2");
        jobs.Queue("car-2", "job-2");
        jobs.Handle("car-2", "job-2", "update", "{\"status\":\"IN_PROGRESS\"}"u8);
        IReadOnlyList<ShadowMessage> canceled = jobs.Cancel("job-2", force: false);
        Assert.Equal(["$aws/things/car-1/jobs/notify-next"], canceled.Select(m => m.Topic));
        Assert.Equal("CANCELED", jobs.Describe("car-1", "job-2")!.Value.Status);
        Assert.Equal("IN_PROGRESS", jobs.Describe("car-2", "job-2")!.Value.Status);
    }

    [Theory]
    [InlineData("{", "InvalidJson")]
    [InlineData("[]", "InvalidJson")]
    [InlineData("{}", "InvalidRequest")]
    [InlineData("{\"status\":\"QUEUED\"}", "InvalidRequest")]
    [InlineData("{\"status\":\"CANCELED\"}", "InvalidRequest")]
    [InlineData("{\"status\":5}", "InvalidRequest")]
    [InlineData("{\"status\":\"FAILED\",\"statusDetails\":{\"a\":1}}", "InvalidRequest")]
    [InlineData("{\"status\":\"FAILED\",\"statusDetails\":[]}", "InvalidRequest")]
    [InlineData("{\"status\":\"FAILED\",\"expectedVersion\":\"1\"}", "InvalidRequest")]
    [InlineData("{\"status\":\"FAILED\",\"expectedVersion\":1.5}", "InvalidRequest")]
    [InlineData("{\"status\":\"FAILED\",\"clientToken\":5}", "InvalidRequest")]
    public void AMalformedUpdate_IsRejectedWithTheDocumentedCode_AndChangesNothing(string body, string code)
    {
        var jobs = new JobsService(TimeProvider.System);
        jobs.CreateJob("job-3", Document);
        jobs.Queue("car-1", "job-3");
        JsonNode rejected = Single(jobs.Handle("car-1", "job-3", "update", Encoding.UTF8.GetBytes(body)), "$aws/things/car-1/jobs/job-3/update/rejected");
        Assert.Equal(code, (string)rejected["code"]!);
        Assert.Equal(("QUEUED", 1L), (jobs.Describe("car-1", "job-3")!.Value.Status, jobs.Describe("car-1", "job-3")!.Value.VersionNumber));
        Assert.Equal("ResourceNotFound", (string)Single(jobs.Handle("car-1", "job-9", "update", "{\"status\":\"FAILED\"}"u8), "$aws/things/car-1/jobs/job-9/update/rejected")["code"]!);
    }

    [Fact]
    public void FuzzedRequests_NeverThrow_AndAlwaysGetAnAnswer()
    {
        var jobs = new JobsService(TimeProvider.System);
        jobs.CreateJob("job-4", Document);
        jobs.Queue("car-1", "job-4");
        byte[] seed = "{\"status\":\"IN_PROGRESS\",\"statusDetails\":{\"step\":\"download\",\"version\":\"1.3.0\"},\"expectedVersion\":1}"u8.ToArray();
        var random = new Random(4);
        for (int i = 0; i < 5000; i++)
        {
            byte[] body = (byte[])seed.Clone();
            for (int k = random.Next(1, 4); k > 0; k--)
            {
                body[random.Next(body.Length)] = (byte)random.Next(256);
            }

            if (i % 5 == 0)
            {
                body = body.AsSpan(0, random.Next(body.Length)).ToArray();
            }

            IReadOnlyList<ShadowMessage> answer = jobs.Handle("car-1", "job-4", i % 7 == 0 ? "get" : "update", body);
            Assert.NotEmpty(answer);
            Assert.All(answer, m => JsonNode.Parse(m.Payload));
        }

        Assert.Equal("InvalidRequest", (string)Single(jobs.Handle("car-1", "job-4", "update", new byte[JobsService.MaxRequestBytes + 1]), "$aws/things/car-1/jobs/job-4/update/rejected")["code"]!);
    }

    [Theory]
    [InlineData("$aws/things/car-1/jobs/$next/get", true)]
    [InlineData("$aws/things/car-1/jobs/job-1/update", true)]
    [InlineData("$aws/things/car-1/jobs/job-1/get", true)]
    [InlineData("$aws/things/car-2/jobs/job-1/update", false)]
    [InlineData("$aws/things/car-1/jobs/$next/update", false)]
    [InlineData("$aws/things/car-1/jobs/job+1/update", false)]
    [InlineData("$aws/things/car-1/jobs/notify-next", false)]
    [InlineData("$aws/things/car-1/jobs/job-1/update/accepted", false)]
    public void ACar_MayPublishOnlyItsOwnJobsRequests(string topic, bool allowed) =>
        Assert.Equal(allowed, BrokerPolicy.MayDevicePublish("car-1", topic));

    [Theory]
    [InlineData("$aws/things/car-1/jobs/notify-next", true)]
    [InlineData("$aws/things/car-1/jobs/$next/get/accepted", true)]
    [InlineData("$aws/things/car-1/jobs/+/update/accepted", true)]
    [InlineData("$aws/things/car-1/jobs/job-1/update/rejected", true)]
    [InlineData("$aws/things/car-2/jobs/notify-next", false)]
    [InlineData("$aws/things/+/jobs/notify-next", false)]
    [InlineData("$aws/things/car-1/jobs/#", false)]
    [InlineData("$aws/things/car-1/jobs/$next/update/accepted", false)]
    [InlineData("$aws/things/car-1/jobs/+/+/accepted", false)]
    public void ACar_MaySubscribeOnlyToItsOwnJobsAnswers(string filter, bool allowed) =>
        Assert.Equal(allowed, BrokerPolicy.MayDeviceSubscribe("car-1", filter));

    private static JsonNode Single(IReadOnlyList<ShadowMessage> messages, string topic) =>
        JsonNode.Parse(Assert.Single(messages, m => m.Topic == topic).Payload)!;
}
