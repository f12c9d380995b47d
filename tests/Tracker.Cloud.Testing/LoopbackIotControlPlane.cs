using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tracker.Cloud.Testing;

/// <summary>
/// A stand-in for IoT Core's control-plane REST API on 127.0.0.1 (a free port), for the API function's rollouts: it
/// recomputes each request's SigV4 signature by the documented steps (signing name <c>iot</c>, the canonical path
/// double-encoded, the signed headers the Authorization header lists) from the secret it is given, and answers 403
/// <c>InvalidSignatureException</c> when it differs. It holds static thing groups and implements DescribeThingGroup,
/// ListThingsInThingGroup, CreateJob (executions QUEUED for the first <c>maximumPerMinute</c> cars, as a rollout's first
/// minute), DescribeJob, ListJobs (<c>thingGroupName</c>, <c>status</c>), ListJobExecutionsForJob, CancelJob (queued
/// executions canceled; <c>force=true</c> cancels in-progress ones too), ListJobExecutionsForThing and DescribeJobExecution,
/// with AWS's error shape (<c>x-amzn-ErrorType</c> and <c>{"message"}</c>). A test moves a car's execution with
/// <see cref="SetExecution"/> and injects failures with <see cref="FailNext"/> and <see cref="AnswerNext"/>. Serves at most
/// 1,000 requests and stops after 120 s or when disposed.
/// </summary>
public sealed class LoopbackIotControlPlane : IAsyncDisposable
{
    /// <summary>The account in the ARNs it makes.</summary>
    public const string Account = "123456789012";

    private readonly object _gate = new();
    private readonly string _region;
    private readonly string _secret;
    private readonly Dictionary<string, List<string>> _groups = new(StringComparer.Ordinal);
    private readonly HashSet<string> _things = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Job> _jobs = new(StringComparer.Ordinal);
    private readonly LoopbackAwsListener _server;
    private double _clock = 1_796_000_000;

    /// <summary>Starts listening.</summary>
    /// <param name="region">The region requests must be signed for.</param>
    /// <param name="secret">The secret key requests must be signed with.</param>
    public LoopbackIotControlPlane(string region, string secret)
    {
        _region = region;
        _secret = secret;
        _server = new LoopbackAwsListener(1000, TimeSpan.FromSeconds(120), (request, path, query, body) => LoopbackSigV4.Holds(request, path, query, body, _region, _secret, "iot"), Route);
    }

    /// <summary>The endpoint, <c>http://127.0.0.1:{port}/</c>.</summary>
    public Uri Endpoint => _server.Endpoint;

    /// <summary>Each request: its method, target and signature verdict (<c>PUT /jobs/rollout-x ok</c>).</summary>
    public ConcurrentQueue<string> Requests => _server.Requests;

    /// <summary>Each CreateJob's body, by job id.</summary>
    public ConcurrentDictionary<string, JsonObject> Created { get; } = new(StringComparer.Ordinal);

    /// <summary>Adds a static thing group with its things.</summary>
    /// <param name="group">The group.</param>
    /// <param name="things">Its things.</param>
    public void AddGroup(string group, params string[] things)
    {
        lock (_gate)
        {
            _groups[group] = [.. things];
            _things.UnionWith(things);
        }
    }

    /// <summary>Moves a car's execution of a job, as the car's UpdateJobExecution would (creating it when IoT had not released it yet).</summary>
    /// <param name="thing">The car.</param>
    /// <param name="jobId">The job.</param>
    /// <param name="status">QUEUED, IN_PROGRESS, SUCCEEDED, FAILED, REJECTED...</param>
    /// <param name="details">Its statusDetails.</param>
    public void SetExecution(string thing, string jobId, string status, IReadOnlyDictionary<string, string>? details = null)
    {
        lock (_gate)
        {
            Job job = _jobs[jobId];
            job.Executions[thing] = new Execution(status, details ?? new Dictionary<string, string>(), ++_clock);
        }
    }

    /// <summary>Ends a job as IoT does when its abort criteria are met: CANCELED, with IoT's reason code and comment.</summary>
    /// <param name="jobId">The job.</param>
    public void Abort(string jobId)
    {
        lock (_gate)
        {
            Job job = _jobs[jobId];
            job.Status = "CANCELED";
            job.ReasonCode = "AUTOMATIC_ABORT";
            job.Comment = "Job aborted: the failure threshold of the abort config was met";
        }
    }

    /// <summary>Answers the next request with an AWS error instead.</summary>
    /// <param name="status">The HTTP status.</param>
    /// <param name="errorType">The <c>x-amzn-ErrorType</c>.</param>
    public void FailNext(int status, string errorType) => _server.FailNext(status, errorType);

    /// <summary>Answers the next request with these bytes (status 200): a malformed answer.</summary>
    /// <param name="body">The body.</param>
    public void AnswerNext(string body) => _server.AnswerNext(body);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private (int Status, string? ErrorType, string Body) Route(string method, string[] s, Dictionary<string, string> query, byte[] body)
    {
        lock (_gate)
        {
            switch (method, s.Length, s.ElementAtOrDefault(0), s.ElementAtOrDefault(2))
            {
                case ("GET", 2, "thing-groups", _):
                    return _groups.ContainsKey(s[1])
                        ? Ok(new JsonObject { ["thingGroupName"] = s[1], ["thingGroupArn"] = "arn:aws:iot:" + _region + ":" + Account + ":thinggroup/" + s[1] })
                        : NotFound("thing group " + s[1]);
                case ("GET", 3, "thing-groups", "things"):
                    return _groups.TryGetValue(s[1], out List<string>? members) ? Ok(LoopbackAwsListener.Page("things", members.Select(m => (JsonNode)m).ToList(), query)) : NotFound("thing group " + s[1]);
                case ("PUT", 2, "jobs", _):
                    return CreateJob(s[1], body);
                case ("GET", 2, "jobs", _):
                    return _jobs.TryGetValue(s[1], out Job? job) ? Ok(new JsonObject { ["job"] = Describe(job) }) : NotFound("job " + s[1]);
                case ("GET", 1, "jobs", _):
                    return Ok(LoopbackAwsListener.Page("jobs", _jobs.Values
                        .Where(j => !query.TryGetValue("thingGroupName", out string? g) || j.Group == g)
                        .Where(j => !query.TryGetValue("status", out string? st) || j.Status == st)
                        .Select(j => (JsonNode)new JsonObject { ["jobId"] = j.Id, ["jobArn"] = Arn(j.Id), ["status"] = j.Status, ["createdAt"] = j.CreatedAt, ["targetSelection"] = "SNAPSHOT" })
                        .ToList(), query));
                case ("GET", 3, "jobs", "things"):
                    return _jobs.TryGetValue(s[1], out Job? listed)
                        ? Ok(LoopbackAwsListener.Page("executionSummaries", listed.Executions.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => (JsonNode)new JsonObject
                        {
                            ["thingArn"] = "arn:aws:iot:" + _region + ":" + Account + ":thing/" + e.Key,
                            ["jobExecutionSummary"] = new JsonObject { ["status"] = e.Value.Status, ["queuedAt"] = e.Value.QueuedAt, ["executionNumber"] = 1 },
                        }).ToList(), query))
                        : NotFound("job " + s[1]);
                case ("PUT", 3, "jobs", "cancel"):
                    return CancelJob(s[1], query.GetValueOrDefault("force") == "true", body);
                case ("GET", 3, "things", "jobs"):
                    return !_things.Contains(s[1])
                        ? NotFound("thing " + s[1])
                        : Ok(LoopbackAwsListener.Page("executionSummaries", _jobs.Values.Where(j => j.Executions.ContainsKey(s[1])).Select(j => (JsonNode)new JsonObject
                        {
                            ["jobId"] = j.Id,
                            ["jobExecutionSummary"] = new JsonObject { ["status"] = j.Executions[s[1]].Status, ["queuedAt"] = j.Executions[s[1]].QueuedAt, ["executionNumber"] = 1 },
                        }).ToList(), query));
                case ("GET", 4, "things", "jobs"):
                    return _jobs.TryGetValue(s[3], out Job? of) && of.Executions.TryGetValue(s[1], out Execution? execution)
                        ? Ok(new JsonObject
                        {
                            ["execution"] = new JsonObject
                            {
                                ["jobId"] = of.Id,
                                ["status"] = execution.Status,
                                ["thingArn"] = "arn:aws:iot:" + _region + ":" + Account + ":thing/" + s[1],
                                ["statusDetails"] = new JsonObject { ["detailsMap"] = new JsonObject(execution.Details.Select(d => KeyValuePair.Create(d.Key, (JsonNode?)d.Value))) },
                            },
                        })
                        : NotFound("execution of " + s[1]);
                default:
                    return (400, "InvalidRequestException", "{\"message\":\"no such operation: " + method + " /" + string.Join('/', s) + "\"}");
            }
        }
    }

    private (int, string?, string) CreateJob(string id, byte[] body)
    {
        if (_jobs.ContainsKey(id))
        {
            return (409, "ResourceAlreadyExistsException", "{\"message\":\"Job " + id + " already exists\"}");
        }

        JsonObject? job;
        try
        {
            job = JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            job = null;
        }

        string? target = job?["targets"] is JsonArray { Count: 1 } t && t[0] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
        string? group = target?.Split(":thinggroup/") is { Length: 2 } split ? split[1] : null;
        if (job is null || group is null || !_groups.TryGetValue(group, out List<string>? members) || job["document"] is not JsonValue document || document.GetValueKind() != JsonValueKind.String)
        {
            return (400, "InvalidRequestException", "{\"message\":\"targets must name one existing thing group and document must be a string\"}");
        }

        Created[id] = job;
        int rate = job["jobExecutionsRolloutConfig"]?["maximumPerMinute"]?.GetValue<int>() ?? members.Count;
        var created = new Job(id, group, job["description"]?.GetValue<string>(), ++_clock);
        foreach (string car in members.Take(rate))
        {
            created.Executions[car] = new Execution("QUEUED", new Dictionary<string, string>(), _clock);
        }

        _jobs[id] = created;
        return Ok(new JsonObject { ["jobId"] = id, ["jobArn"] = Arn(id) });
    }

    private (int, string?, string) CancelJob(string id, bool force, byte[] body)
    {
        if (!_jobs.TryGetValue(id, out Job? job))
        {
            return NotFound("job " + id);
        }

        if (job.Status != "IN_PROGRESS")
        {
            return (400, "InvalidRequestException", "{\"message\":\"Job " + id + " is " + job.Status + "\"}");
        }

        JsonObject? why = JsonNode.Parse(body.Length == 0 ? "{}"u8 : body) as JsonObject;
        job.Status = "CANCELED";
        job.ReasonCode = why?["reasonCode"]?.GetValue<string>();
        job.Comment = why?["comment"]?.GetValue<string>();
        foreach ((string car, Execution e) in job.Executions.ToList())
        {
            if (e.Status == "QUEUED" || (force && e.Status == "IN_PROGRESS"))
            {
                job.Executions[car] = e with { Status = "CANCELED" };
            }
        }

        return Ok(new JsonObject { ["jobId"] = id, ["jobArn"] = Arn(id) });
    }

    private JsonObject Describe(Job job)
    {
        var details = new JsonObject();
        foreach ((string name, string status) in new[] { ("numberOfQueuedThings", "QUEUED"), ("numberOfInProgressThings", "IN_PROGRESS"), ("numberOfSucceededThings", "SUCCEEDED"), ("numberOfFailedThings", "FAILED"), ("numberOfRejectedThings", "REJECTED"), ("numberOfCanceledThings", "CANCELED") })
        {
            details[name] = job.Executions.Values.Count(e => e.Status == status);
        }

        if (job.Status == "IN_PROGRESS" && job.Executions.Count == _groups[job.Group].Count && job.Executions.Values.All(e => e.Status is "SUCCEEDED" or "FAILED" or "REJECTED" or "CANCELED" or "TIMED_OUT"))
        {
            job.Status = "COMPLETED";
        }

        return new JsonObject
        {
            ["jobId"] = job.Id,
            ["jobArn"] = Arn(job.Id),
            ["status"] = job.Status,
            ["reasonCode"] = job.ReasonCode,
            ["comment"] = job.Comment,
            ["description"] = job.Description,
            ["targets"] = new JsonArray("arn:aws:iot:" + _region + ":" + Account + ":thinggroup/" + job.Group),
            ["createdAt"] = job.CreatedAt,
            ["jobProcessDetails"] = details,
        };
    }

    private string Arn(string jobId) => "arn:aws:iot:" + _region + ":" + Account + ":job/" + jobId;

    private static (int, string?, string) Ok(JsonObject body) => (200, null, body.ToJsonString());

    private static (int, string?, string) NotFound(string what) => (404, "ResourceNotFoundException", "{\"message\":\"" + what + " does not exist\"}");

    private sealed class Job(string id, string group, string? description, double createdAt)
    {
        public string Id { get; } = id;

        public string Group { get; } = group;

        public string? Description { get; } = description;

        public double CreatedAt { get; } = createdAt;

        public string Status { get; set; } = "IN_PROGRESS";

        public string? ReasonCode { get; set; }

        public string? Comment { get; set; }

        public Dictionary<string, Execution> Executions { get; } = new(StringComparer.Ordinal);
    }

    private sealed record Execution(string Status, IReadOnlyDictionary<string, string> Details, double QueuedAt);
}
