using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tracker.Core.Control;

namespace Tracker.Cloud.Lambda.Updates;

/// <summary>A rollout operation's answer: the status and the body, or the problem's code and detail.</summary>
/// <param name="Status">The HTTP status.</param>
/// <param name="Body">The JSON answered (2xx), or null.</param>
/// <param name="Code">The problem's code (<c>/problems/{code}</c>), or null.</param>
/// <param name="Detail">The problem's detail, or null.</param>
public sealed record RolloutAnswer(int Status, JsonObject? Body, string? Code = null, string? Detail = null)
{
    /// <summary>A refusal.</summary>
    /// <param name="status">The status.</param>
    /// <param name="code">The code.</param>
    /// <param name="detail">Why.</param>
    /// <returns>The answer.</returns>
    public static RolloutAnswer Refused(int status, string code, string detail) => new(status, null, code, detail);
}

/// <summary>
/// Rollouts on AWS (issue 18): one IoT job per rollout, targeting the group's static thing group, created and followed
/// through IoT's control-plane REST API (<see cref="IotControlPlane"/>). The rollout is the job: nothing else is stored.
/// Its group, version, rate and abort criterion ride in the job's <c>description</c> as JSON, its id is the job id
/// without <c>rollout-</c>; the answers have the local host's shape (<c>RolloutService</c>), so the web app's Updates
/// panel reads either.
/// </summary>
/// <remarks>
/// IoT Jobs has no pause. Pausing by cancelling would end the job, and resuming would be a second job with its own id and
/// counts: a rollout the panel could no longer follow as one. So <c>pause</c> and <c>resume</c> are refused with 409
/// <c>/problems/no-pause</c> saying so, and <c>cancel</c> is <c>CancelJob</c> without force (queued executions are
/// canceled, cars already in progress finish). The abort criterion is IoT's own (<c>abortConfig</c>, failure type
/// <c>ALL</c>: failed, rejected and timed out), so an aborted job shows as <c>aborted</c> with IoT's reason.
/// </remarks>
public sealed class IotRollouts
{
    /// <summary>The job id's prefix: jobs without it are not rollouts and are not listed.</summary>
    public const string JobPrefix = "rollout-";

    /// <summary>
    /// How long past the rollout's last release and its cars' in-progress timeout the image URL still holds: a car parked
    /// offline gets its queued job when it next connects, and its download must still work (<see cref="UrlLifetime"/>).
    /// </summary>
    public static readonly TimeSpan OfflineGrace = TimeSpan.FromDays(7);

    /// <summary>How long a car may stay in progress before IoT times its execution out.</summary>
    public const int InProgressTimeoutMinutes = 60;

    /// <summary>The most rollouts <see cref="ListAsync"/> describes.</summary>
    public const int MaxListed = 25;

    /// <summary>Pages read from any paginated call (250 a page for executions and things: 5,000 cars).</summary>
    public const int MaxPages = 20;

    /// <summary>The most cars whose step and reason <see cref="ReadAsync"/> asks for (one DescribeJobExecution each).</summary>
    public const int MaxDetailed = 20;

    /// <summary>The reason code this API cancels with, which tells an operator's cancel from IoT's abort.</summary>
    public const string CancelReason = "OPERATOR_CANCEL";

    /// <summary>
    /// How a job document is written: '+' in the signature and '&amp;' in the URL as themselves, not <c>\u002B</c> and
    /// <c>\u0026</c> (the default encoder's HTML-safe escapes, 5 more bytes each, which pushed the message past the car's
    /// 1,024 bytes). The document is ASCII JSON read by IoT and the car, never put in HTML.
    /// </summary>
    public static readonly JsonSerializerOptions DocumentJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly IotControlPlane _iot;
    private readonly ImageBucket _images;
    private readonly ImageUrls _urls;
    private readonly TimeProvider _clock;

    /// <summary>Creates the service.</summary>
    /// <param name="iot">IoT's control plane.</param>
    /// <param name="images">The uploaded images.</param>
    /// <param name="urls">Mints the image URLs the job documents carry (served by the API function's <see cref="Api.ImagesApi"/>).</param>
    /// <param name="clock">Names new rollouts.</param>
    public IotRollouts(IotControlPlane iot, ImageBucket images, ImageUrls urls, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(iot);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(urls);
        ArgumentNullException.ThrowIfNull(clock);
        _iot = iot;
        _images = images;
        _urls = urls;
        _clock = clock;
    }

    /// <summary>The job document a car gets: the image's fields and its URL.</summary>
    /// <param name="image">The image.</param>
    /// <param name="url">Its URL (<see cref="ImageUrls.MintAsync"/>).</param>
    /// <returns>The document (the shape the car's <c>UpdateJob</c> reads).</returns>
    public static JsonObject JobDocument(UpdateImage image, string url)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(url);
        JsonObject document = image.ToJson();
        document.Remove("keyId"); // the car checks against the key in its bundle
        document["url"] = url;
        return document;
    }

    /// <summary>
    /// The widest message IoT Jobs sends a car of the job on <c>$aws/things/{car}/jobs/notify-next</c> (AWS IoT developer
    /// guide, "Jobs device MQTT API"): the execution in progress, its times in epoch seconds (10 digits), a version number
    /// of up to 3 digits (each status update the car makes adds one; it makes fewer than ten a job), an execution number of
    /// up to 2 (a rollout sets no retries), the car's name and the job document. IoT's <c>statusDetails</c> are not in it:
    /// whether notify-next carries them is for AWS to show (the local service leaves them out).
    /// </summary>
    /// <param name="jobId">The job's id.</param>
    /// <param name="thingName">The car (its thing name).</param>
    /// <param name="document">The job document.</param>
    /// <returns>The message's size in bytes.</returns>
    public static int NotifyNextBytes(string jobId, string thingName, JsonObject document)
    {
        ArgumentNullException.ThrowIfNull(document);
        const long Seconds = 9_999_999_999;
        var execution = new JsonObject
        {
            ["jobId"] = jobId,
            ["thingName"] = thingName,
            ["status"] = "IN_PROGRESS",
            ["queuedAt"] = Seconds,
            ["startedAt"] = Seconds,
            ["lastUpdatedAt"] = Seconds,
            ["versionNumber"] = 999,
            ["executionNumber"] = 99,
            ["jobDocument"] = document.DeepClone(),
        };
        return System.Text.Encoding.UTF8.GetByteCount(new JsonObject { ["timestamp"] = Seconds, ["execution"] = execution }.ToJsonString(DocumentJson));
    }

    /// <summary>
    /// How long a rollout's image URL holds: IoT releases the last of <paramref name="cars"/> after
    /// <c>cars / rate</c> minutes, that car may stay in progress <see cref="InProgressTimeoutMinutes"/>, and a car offline
    /// then gets its job up to <see cref="OfflineGrace"/> later. One static URL serves the whole job (IoT Jobs re-signs
    /// only its own placeholder), so it cannot be shorter than the job can run.
    /// </summary>
    /// <param name="cars">The group's cars.</param>
    /// <param name="ratePerMinute">The rollout's rate.</param>
    /// <returns>The lifetime.</returns>
    public static TimeSpan UrlLifetime(int cars, int ratePerMinute) =>
        TimeSpan.FromMinutes(((Math.Max(cars, 1) + Math.Max(ratePerMinute, 1) - 1) / Math.Max(ratePerMinute, 1)) + InProgressTimeoutMinutes) + OfflineGrace;

    /// <summary>Starts a rollout: <c>CreateJob</c> for the group's thing group.</summary>
    /// <param name="group">The group (a static thing group's name).</param>
    /// <param name="request">The rollout.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>201 and the rollout, or the refusal.</returns>
    /// <exception cref="IotControlPlaneException">IoT refused or failed.</exception>
    public async Task<RolloutAnswer> CreateAsync(string group, RolloutRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        string? groupArn = await GroupArnAsync(group, cancellationToken).ConfigureAwait(false);
        if (groupArn is null)
        {
            return RolloutAnswer.Refused(404, "no-group", "No group '" + Clip(group) + "' (a static thing group of that name).");
        }

        if (await _images.FindAsync(request.Version, cancellationToken).ConfigureAwait(false) is not { } image)
        {
            return RolloutAnswer.Refused(422, "no-image", "No image of version '" + Clip(request.Version) + "' is uploaded (POST /updates/images).");
        }

        List<string> cars = await GroupThingsAsync(group, cancellationToken).ConfigureAwait(false);
        if (cars.Count == 0)
        {
            return RolloutAnswer.Refused(422, "empty-group", "Group '" + group + "' has no cars.");
        }

        var running = new Dictionary<string, string> { ["thingGroupName"] = group, ["status"] = "IN_PROGRESS", ["maxResults"] = "100" };
        JsonObject page = await _iot.CallAsync("ListJobs", HttpMethod.Get, "/jobs", running, null, cancellationToken).ConfigureAwait(false);
        if (Array(page, "jobs", "ListJobs").Any(j => Text(j, "jobId")?.StartsWith(JobPrefix, StringComparison.Ordinal) == true))
        {
            return RolloutAnswer.Refused(409, "rollout-running", "Group '" + group + "' already has a rollout running: cancel it first.");
        }

        DateTimeOffset now = _clock.GetUtcNow();
        string url = await _urls.MintAsync(image.Version, now + UrlLifetime(cars.Count, request.RatePerMinute), cancellationToken).ConfigureAwait(false);
        string id = "r" + now.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        JsonObject document = JobDocument(image, url);
        int widest = NotifyNextBytes(JobPrefix + id, cars.MaxBy(c => c.Length)!, document);
        if (widest > ShadowLimits.MaxMessageBytes)
        {
            // Every car would refuse the job (REJECTED, the message over its reader's limit): say so now, not car by car.
            return RolloutAnswer.Refused(422, "job-too-large",
                "A car would receive this job in a message of " + widest + " bytes, over the " + ShadowLimits.MaxMessageBytes +
                " its modem and job reader take. The version (" + request.Version.Length + " characters) stands in it twice: upload the image under a shorter version.");
        }

        var meta = new JsonObject
        {
            ["group"] = group,
            ["version"] = request.Version,
            ["ratePerMinute"] = request.RatePerMinute,
            ["abort"] = request.FailurePercent is int p ? new JsonObject { ["failurePercent"] = p, ["minCount"] = request.MinCount } : null,
        };
        var job = new JsonObject
        {
            ["targets"] = new JsonArray(groupArn),
            ["document"] = document.ToJsonString(DocumentJson),
            ["description"] = meta.ToJsonString(),
            ["targetSelection"] = "SNAPSHOT",
            ["jobExecutionsRolloutConfig"] = new JsonObject { ["maximumPerMinute"] = request.RatePerMinute },
            ["timeoutConfig"] = new JsonObject { ["inProgressTimeoutInMinutes"] = InProgressTimeoutMinutes },
        };
        if (request.FailurePercent is int percent)
        {
            job["abortConfig"] = new JsonObject
            {
                ["criteriaList"] = new JsonArray(new JsonObject
                {
                    ["failureType"] = "ALL",
                    ["action"] = "CANCEL",
                    ["thresholdPercentage"] = percent,
                    ["minNumberOfExecutedThings"] = request.MinCount,
                }),
            };
        }

        await _iot.CallAsync("CreateJob", HttpMethod.Put, "/jobs/" + IotControlPlane.Segment(JobPrefix + id), null, job, cancellationToken).ConfigureAwait(false);
        return await ReadAsync(id, cancellationToken).ConfigureAwait(false) is { Status: 200, Body: { } body }
            ? new RolloutAnswer(201, body)
            : throw IotControlPlaneException.Malformed("DescribeJob", "the job just created is not found");
    }

    /// <summary>A rollout with each car's state.</summary>
    /// <param name="id">The rollout's id.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>200 and the rollout, or 404.</returns>
    /// <exception cref="IotControlPlaneException">IoT refused or failed.</exception>
    public async Task<RolloutAnswer> ReadAsync(string id, CancellationToken cancellationToken)
    {
        if (!IsRolloutId(id))
        {
            return NoRollout(id);
        }

        JsonObject? job = await DescribeAsync(id, cancellationToken).ConfigureAwait(false);
        if (job is null)
        {
            return NoRollout(id);
        }

        JsonObject view = View(id, job);
        var cars = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
        string? token = null;
        int pages = 0;
        do
        {
            var query = new Dictionary<string, string> { ["maxResults"] = "250" };
            if (token is not null)
            {
                query["nextToken"] = token;
            }

            JsonObject page = await _iot.CallAsync("ListJobExecutionsForJob", HttpMethod.Get, "/jobs/" + IotControlPlane.Segment(JobPrefix + id) + "/things", query, null, cancellationToken).ConfigureAwait(false);
            foreach (JsonObject e in Array(page, "executionSummaries", "ListJobExecutionsForJob"))
            {
                string thing = ThingName(Text(e, "thingArn")) ?? throw IotControlPlaneException.Malformed("ListJobExecutionsForJob", "an execution without a thing ARN");
                string status = Text(e["jobExecutionSummary"] as JsonObject, "status") ?? throw IotControlPlaneException.Malformed("ListJobExecutionsForJob", "an execution without a status");
                cars[thing] = new JsonObject { ["car"] = thing, ["state"] = status, ["step"] = null, ["reason"] = null };
            }

            token = Text(page, "nextToken");
        }
        while (token is not null && ++pages < MaxPages);

        int released = cars.Count;
        if (view["state"]?.GetValue<string>() == "running" && view["group"]?.GetValue<string>() is { } group)
        {
            // Cars IoT has not released yet have no execution: the local host shows them PENDING.
            foreach (string thing in await GroupThingsAsync(group, cancellationToken).ConfigureAwait(false))
            {
                cars.TryAdd(thing, new JsonObject { ["car"] = thing, ["state"] = "PENDING", ["step"] = null, ["reason"] = null });
            }
        }

        foreach (JsonObject car in cars.Values.Where(c => c["state"]!.GetValue<string>() is "IN_PROGRESS" or "FAILED" or "REJECTED" or "TIMED_OUT").Take(MaxDetailed))
        {
            IReadOnlyDictionary<string, string> details = await DetailsAsync(car["car"]!.GetValue<string>(), JobPrefix + id, cancellationToken).ConfigureAwait(false);
            car["step"] = details.TryGetValue("step", out string? step) ? step : null;
            car["reason"] = details.TryGetValue("reason", out string? reason) ? reason + (details.TryGetValue("problem", out string? problem) ? ": " + problem : string.Empty) : null;
        }

        var counts = new JsonObject();
        foreach (IGrouping<string, JsonObject> g in cars.Values.GroupBy(c => c["state"]!.GetValue<string>()).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            counts[g.Key] = g.Count();
        }

        view["released"] = released;
        view["counts"] = counts;
        view["cars"] = new JsonArray([.. cars.Values]);
        return new RolloutAnswer(200, view);
    }

    /// <summary>The newest rollouts (at most <see cref="MaxListed"/>), without the per-car list; counts are IoT's.</summary>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>200 and <c>{"rollouts":[...]}</c>.</returns>
    /// <exception cref="IotControlPlaneException">IoT refused or failed.</exception>
    public async Task<RolloutAnswer> ListAsync(CancellationToken cancellationToken)
    {
        var summaries = new List<(string Id, double Created)>();
        string? token = null;
        int pages = 0;
        do
        {
            var query = new Dictionary<string, string> { ["maxResults"] = "100" };
            if (token is not null)
            {
                query["nextToken"] = token;
            }

            JsonObject page = await _iot.CallAsync("ListJobs", HttpMethod.Get, "/jobs", query, null, cancellationToken).ConfigureAwait(false);
            foreach (JsonObject j in Array(page, "jobs", "ListJobs"))
            {
                if (Text(j, "jobId") is { } jobId && jobId.StartsWith(JobPrefix, StringComparison.Ordinal) && IsRolloutId(jobId[JobPrefix.Length..]))
                {
                    summaries.Add((jobId[JobPrefix.Length..], Number(j, "createdAt") ?? 0));
                }
            }

            token = Text(page, "nextToken");
        }
        while (token is not null && ++pages < MaxPages);

        var rollouts = new JsonArray();
        foreach ((string id, _) in summaries.OrderByDescending(s => s.Created).ThenByDescending(s => s.Id, StringComparer.Ordinal).Take(MaxListed))
        {
            if (await DescribeAsync(id, cancellationToken).ConfigureAwait(false) is { } job)
            {
                JsonObject view = View(id, job);
                var counts = new JsonObject();
                int released = 0;
                if (job["jobProcessDetails"] is JsonObject details)
                {
                    foreach ((string name, string state) in ProcessCounts)
                    {
                        if (Number(details, name) is double n && n > 0)
                        {
                            counts[state] = (int)n;
                            released += (int)n;
                        }
                    }
                }

                view["released"] = released;
                view["counts"] = counts;
                rollouts.Add((JsonNode)view); // the non-generic Add: Add<T> needs reflection under Native AOT
            }
        }

        return new RolloutAnswer(200, new JsonObject { ["rollouts"] = rollouts });
    }

    /// <summary>Pauses, resumes or cancels a rollout (only cancel exists on AWS: see the remarks).</summary>
    /// <param name="id">The rollout.</param>
    /// <param name="action">pause, resume or cancel.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>200 and the rollout after, or the refusal.</returns>
    /// <exception cref="IotControlPlaneException">IoT refused or failed.</exception>
    public async Task<RolloutAnswer> ActAsync(string id, string action, CancellationToken cancellationToken)
    {
        if (action is not ("pause" or "resume" or "cancel"))
        {
            return RolloutAnswer.Refused(404, "no-action", "A rollout can be paused, resumed or canceled.");
        }

        JsonObject? job = IsRolloutId(id) ? await DescribeAsync(id, cancellationToken).ConfigureAwait(false) : null;
        if (job is null)
        {
            return NoRollout(id);
        }

        string state = View(id, job)["state"]!.GetValue<string>();
        if (action != "cancel")
        {
            return RolloutAnswer.Refused(409, "no-pause",
                "IoT Jobs has no pause, so a rollout on AWS cannot be " + (action == "pause" ? "paused" : "resumed") + ": cancel it (queued cars are canceled, cars already updating finish) and start a new rollout of the same version for the group.");
        }

        if (state != "running")
        {
            return RolloutAnswer.Refused(409, "invalid-state", "A " + state + " rollout cannot be canceled.");
        }

        var body = new JsonObject { ["reasonCode"] = CancelReason, ["comment"] = "canceled by an operator through the API" };
        await _iot.CallAsync("CancelJob", HttpMethod.Put, "/jobs/" + IotControlPlane.Segment(JobPrefix + id) + "/cancel", new Dictionary<string, string> { ["force"] = "false" }, body, cancellationToken).ConfigureAwait(false);
        return await ReadAsync(id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A car's update: its latest rollout's execution, and the version its last status named.</summary>
    /// <param name="car">The car (its thing name).</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>200 and the view, or 404 when IoT has no such thing.</returns>
    /// <exception cref="IotControlPlaneException">IoT refused or failed.</exception>
    public async Task<RolloutAnswer> CarAsync(string car, CancellationToken cancellationToken)
    {
        JsonObject page;
        try
        {
            page = await _iot.CallAsync("ListJobExecutionsForThing", HttpMethod.Get, "/things/" + IotControlPlane.Segment(car) + "/jobs", new Dictionary<string, string> { ["maxResults"] = "100" }, null, cancellationToken).ConfigureAwait(false);
        }
        catch (IotControlPlaneException e) when (e.Kind == IotFailure.NotFound)
        {
            return RolloutAnswer.Refused(404, "no-car", "No car '" + Clip(car) + "'.");
        }

        var view = new JsonObject { ["car"] = car, ["version"] = null };
        JsonObject? latest = Array(page, "executionSummaries", "ListJobExecutionsForThing")
            .Where(e => Text(e, "jobId") is { } j && j.StartsWith(JobPrefix, StringComparison.Ordinal) && IsRolloutId(j[JobPrefix.Length..]))
            .OrderByDescending(e => Number(e["jobExecutionSummary"] as JsonObject, "queuedAt") ?? 0)
            .FirstOrDefault();
        if (latest is null)
        {
            return new RolloutAnswer(200, view);
        }

        string jobId = Text(latest, "jobId")!;
        string id = jobId[JobPrefix.Length..];
        IReadOnlyDictionary<string, string> details = await DetailsAsync(car, jobId, cancellationToken).ConfigureAwait(false);
        JsonObject? job = await DescribeAsync(id, cancellationToken).ConfigureAwait(false);
        view["version"] = details.TryGetValue("version", out string? version) && Tracker.Core.Control.UpdateLimits.IsValidVersion(version) ? version : null;
        view["rollout"] = id;
        view["target"] = job is null ? null : View(id, job)["version"]?.DeepClone();
        view["state"] = Text(latest["jobExecutionSummary"] as JsonObject, "status");
        view["step"] = details.TryGetValue("step", out string? step) ? step : null;
        view["reason"] = details.TryGetValue("reason", out string? reason) ? reason : null;
        return new RolloutAnswer(200, view);
    }

    /// <summary>Whether <paramref name="id"/> can be a rollout's id (the job id's rest: IoT's <c>[a-zA-Z0-9_-]+</c>, 64 at most).</summary>
    /// <param name="id">The text.</param>
    /// <returns>True when it can.</returns>
    public static bool IsRolloutId(string id) =>
        id is { Length: > 0 and <= 64 - 8 } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');

    private static readonly (string Name, string State)[] ProcessCounts =
    [
        ("numberOfCanceledThings", "CANCELED"), ("numberOfFailedThings", "FAILED"), ("numberOfInProgressThings", "IN_PROGRESS"),
        ("numberOfQueuedThings", "QUEUED"), ("numberOfRejectedThings", "REJECTED"), ("numberOfRemovedThings", "REMOVED"),
        ("numberOfSucceededThings", "SUCCEEDED"), ("numberOfTimedOutThings", "TIMED_OUT"),
    ];

    private static RolloutAnswer NoRollout(string id) => RolloutAnswer.Refused(404, "no-rollout", "No rollout '" + Clip(id) + "'.");

    /// <summary>The rollout's fields from DescribeJob's <c>job</c> (no cars, counts or released).</summary>
    private static JsonObject View(string id, JsonObject job)
    {
        JsonObject? meta = null;
        try
        {
            meta = Text(job, "description") is { } description ? JsonNode.Parse(description, documentOptions: new JsonDocumentOptions { MaxDepth = 4 }) as JsonObject : null;
        }
        catch (JsonException)
        {
            // A job named rollout-* that this API did not create: shown with what IoT knows.
        }

        string status = Text(job, "status") ?? throw IotControlPlaneException.Malformed("DescribeJob", "the job has no status");
        string? reasonCode = Text(job, "reasonCode");
        string state = status switch
        {
            "IN_PROGRESS" or "SCHEDULED" => "running",
            "COMPLETED" => "completed",
            "CANCELED" or "DELETION_IN_PROGRESS" when reasonCode == CancelReason => "canceled",
            "CANCELED" or "DELETION_IN_PROGRESS" => "aborted",
            _ => status.ToLowerInvariant(),
        };
        double? created = Number(job, "createdAt");
        return new JsonObject
        {
            ["id"] = id,
            ["group"] = Text(meta, "group"),
            ["version"] = Text(meta, "version"),
            ["jobId"] = JobPrefix + id,
            ["state"] = state,
            ["ratePerMinute"] = meta?["ratePerMinute"] is JsonValue rate && rate.GetValueKind() == JsonValueKind.Number ? rate.DeepClone() : null,
            ["abort"] = meta?["abort"] is JsonObject abort ? abort.DeepClone() : null,
            ["abortReason"] = state == "aborted" ? Text(job, "comment") ?? reasonCode ?? "IoT Jobs canceled the job: its abort criteria were met" : null,
            ["created"] = created is double s ? DateTimeOffset.FromUnixTimeMilliseconds((long)(s * 1000)).ToString("O", CultureInfo.InvariantCulture) : null,
        };
    }

    private async Task<JsonObject?> DescribeAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            JsonObject answer = await _iot.CallAsync("DescribeJob", HttpMethod.Get, "/jobs/" + IotControlPlane.Segment(JobPrefix + id), null, null, cancellationToken).ConfigureAwait(false);
            return answer["job"] as JsonObject ?? throw IotControlPlaneException.Malformed("DescribeJob", "the answer has no job");
        }
        catch (IotControlPlaneException e) when (e.Kind == IotFailure.NotFound)
        {
            return null;
        }
    }

    private async Task<IReadOnlyDictionary<string, string>> DetailsAsync(string car, string jobId, CancellationToken cancellationToken)
    {
        JsonObject answer;
        try
        {
            answer = await _iot.CallAsync("DescribeJobExecution", HttpMethod.Get, "/things/" + IotControlPlane.Segment(car) + "/jobs/" + IotControlPlane.Segment(jobId), null, null, cancellationToken).ConfigureAwait(false);
        }
        catch (IotControlPlaneException e) when (e.Kind == IotFailure.NotFound)
        {
            return new Dictionary<string, string>();
        }

        var details = new Dictionary<string, string>(StringComparer.Ordinal);
        if (answer["execution"]?["statusDetails"]?["detailsMap"] is JsonObject map)
        {
            foreach ((string key, JsonNode? value) in map)
            {
                if (value is JsonValue v && v.GetValueKind() == JsonValueKind.String)
                {
                    string text = v.GetValue<string>();
                    details[key] = text.Length <= 200 ? text : text[..200] + "..."; // the car's problem is at most 160 characters
                }
            }
        }

        return details;
    }

    private async Task<string?> GroupArnAsync(string group, CancellationToken cancellationToken)
    {
        if (!IsGroupName(group))
        {
            return null;
        }

        try
        {
            JsonObject answer = await _iot.CallAsync("DescribeThingGroup", HttpMethod.Get, "/thing-groups/" + IotControlPlane.Segment(group), null, null, cancellationToken).ConfigureAwait(false);
            return Text(answer, "thingGroupArn") is { } arn && arn.StartsWith("arn:", StringComparison.Ordinal)
                ? arn
                : throw IotControlPlaneException.Malformed("DescribeThingGroup", "the answer has no thingGroupArn");
        }
        catch (IotControlPlaneException e) when (e.Kind == IotFailure.NotFound)
        {
            return null;
        }
    }

    private async Task<List<string>> GroupThingsAsync(string group, CancellationToken cancellationToken)
    {
        var things = new List<string>();
        string? token = null;
        int pages = 0;
        do
        {
            var query = new Dictionary<string, string> { ["maxResults"] = "250" };
            if (token is not null)
            {
                query["nextToken"] = token;
            }

            JsonObject page = await _iot.CallAsync("ListThingsInThingGroup", HttpMethod.Get, "/thing-groups/" + IotControlPlane.Segment(group) + "/things", query, null, cancellationToken).ConfigureAwait(false);
            if (page["things"] is not JsonArray names || names.Any(n => n is not JsonValue v || v.GetValueKind() != JsonValueKind.String))
            {
                throw IotControlPlaneException.Malformed("ListThingsInThingGroup", "things is not an array of names");
            }

            things.AddRange(names.Select(n => n!.GetValue<string>()));
            token = Text(page, "nextToken");
        }
        while (token is not null && ++pages < MaxPages);

        return things;
    }

    /// <summary>A thing group's name as IoT takes it: 1 to 128 of <c>[a-zA-Z0-9:_-]</c>.</summary>
    private static bool IsGroupName(string group) =>
        group is { Length: > 0 and <= 128 } && group.All(c => char.IsAsciiLetterOrDigit(c) || c is ':' or '_' or '-');

    private static string? ThingName(string? arn) =>
        arn is not null && arn.IndexOf(":thing/", StringComparison.Ordinal) is int at and >= 0 && at + 7 < arn.Length ? arn[(at + 7)..] : null;

    private static IEnumerable<JsonObject> Array(JsonObject page, string name, string operation) =>
        page[name] switch
        {
            null => [],
            JsonArray a when a.All(x => x is JsonObject) => a.Select(x => (JsonObject)x!),
            _ => throw IotControlPlaneException.Malformed(operation, name + " is not an array of objects"),
        };

    private static string? Text(JsonObject? o, string name) =>
        o?[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static double? Number(JsonObject? o, string name) =>
        o?[name] is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out double d) && double.IsFinite(d) ? d : null;

    private static string Clip(string text) => text.Length <= 64 ? text : text[..64] + "...";
}
