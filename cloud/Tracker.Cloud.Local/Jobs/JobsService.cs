using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tracker.Cloud.Local.Shadow;

namespace Tracker.Cloud.Local.Jobs;

/// <summary>
/// AWS IoT Jobs, locally, as the IoT Core developer guide's "Jobs device MQTT API" documents it for a device: jobs
/// with a document, one execution per targeted thing (QUEUED, IN_PROGRESS, SUCCEEDED, FAILED, REJECTED, CANCELED),
/// a version number that grows by one on every accepted update with optimistic locking by <c>expectedVersion</c>,
/// <c>statusDetails</c> (names and values are strings), and the topics <c>$aws/things/{thing}/jobs/notify-next</c>,
/// <c>$next/get</c>, <c>{jobId}/get</c> and <c>{jobId}/update</c> with their <c>/accepted</c> and <c>/rejected</c>
/// answers. The execution a thing is sent (notify-next, get) leaves out its <c>statusDetails</c>, to stay within what
/// the car's modem can receive. A thing's next execution is its oldest IN_PROGRESS one, else its oldest QUEUED one; notify-next is
/// published whenever that changes. Pure: it returns the messages to publish; the broker publishes them. Thread-safe.
/// Kept in memory, as the shadows are.
/// </summary>
/// <param name="clock">The clock (timestamps are epoch seconds).</param>
public sealed class JobsService(TimeProvider clock)
{
    /// <summary>The longest job id (IoT Jobs: 1 to 64 of letters, digits, <c>_-</c>).</summary>
    public const int MaxJobIdLength = 64;

    /// <summary>The most <c>statusDetails</c> entries accepted.</summary>
    public const int MaxStatusDetails = 10;

    /// <summary>The largest request payload the service reads.</summary>
    public const int MaxRequestBytes = 8 * 1024;

    private static readonly string[] DeviceStatuses = ["IN_PROGRESS", "SUCCEEDED", "FAILED", "REJECTED"];

    /// <summary>
    /// How the messages are written: only what JSON requires is escaped (the default escapes <c>+</c> and <c>&amp;</c>,
    /// which a base64 signature and a URL are full of, and each costs six bytes of the modem's 1,024).
    /// </summary>
    public static readonly JsonSerializerOptions Compact = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly object _gate = new();
    private readonly Dictionary<string, JsonObject> _jobs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Execution>> _byThing = new(StringComparer.Ordinal);
    private long _sequence;

    /// <summary>Raised (outside the lock) after an execution's status changed: thing, job id, status, status details.</summary>
    public event Action<string, string, string, IReadOnlyDictionary<string, string>>? ExecutionChanged;

    /// <summary>
    /// Renders a job document for one delivery to one thing (the stand-in for IoT Jobs' pre-signed URL placeholder,
    /// resolved at each delivery): given the thing, the job id and a copy of the stored document, returns the document
    /// the thing gets. Null: the stored document as it is.
    /// </summary>
    public Func<string, string, JsonObject, JsonObject>? Render { get; set; }

    /// <summary>Is <paramref name="jobId"/> a valid job id?</summary>
    /// <param name="jobId">The id.</param>
    /// <returns>True when valid.</returns>
    public static bool IsValidJobId(string? jobId) =>
        jobId is { Length: > 0 and <= MaxJobIdLength } && jobId.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');

    /// <summary>Splits a device's request topic: <c>$aws/things/{thing}/jobs/$next/get</c>, <c>.../jobs/{jobId}/get</c> or <c>.../jobs/{jobId}/update</c>. Never throws.</summary>
    /// <param name="topic">The topic.</param>
    /// <param name="thing">The thing name.</param>
    /// <param name="jobId">The job id (<c>$next</c> for the next one).</param>
    /// <param name="operation">get or update.</param>
    /// <returns>True for a request topic of IoT Jobs.</returns>
    public static bool TryParseRequestTopic(string? topic, out string thing, out string jobId, out string operation)
    {
        thing = string.Empty;
        jobId = string.Empty;
        operation = string.Empty;
        if (topic is null || !topic.StartsWith("$aws/things/", StringComparison.Ordinal))
        {
            return false;
        }

        string[] levels = topic.Split('/');
        if (levels.Length != 6 || levels[2].Length == 0 || levels[3] != "jobs" || levels[5] is not ("get" or "update")
            || !(levels[4] == "$next" ? levels[5] == "get" : IsValidJobId(levels[4])))
        {
            return false;
        }

        thing = levels[2];
        jobId = levels[4];
        operation = levels[5];
        return true;
    }

    /// <summary>The topic prefix of a thing's jobs.</summary>
    /// <param name="thing">The thing name.</param>
    /// <returns><c>$aws/things/{thing}/jobs/</c>.</returns>
    public static string Prefix(string thing) => "$aws/things/" + thing + "/jobs/";

    /// <summary>Creates a job (its executions are queued one by one with <see cref="Queue"/>, as a rollout releases them).</summary>
    /// <param name="jobId">The id.</param>
    /// <param name="document">The job document.</param>
    /// <exception cref="ArgumentException">A bad or taken id.</exception>
    public void CreateJob(string jobId, JsonObject document)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (!IsValidJobId(jobId))
        {
            throw new ArgumentException("a job id is 1 to 64 of letters, digits, '_' and '-'", nameof(jobId));
        }

        lock (_gate)
        {
            if (!_jobs.TryAdd(jobId, (JsonObject)document.DeepClone()))
            {
                throw new ArgumentException("job '" + jobId + "' exists", nameof(jobId));
            }
        }
    }

    /// <summary>Queues the job's execution on a thing.</summary>
    /// <param name="thing">The thing.</param>
    /// <param name="jobId">The job.</param>
    /// <returns>notify-next when the thing's next execution changed.</returns>
    public IReadOnlyList<ShadowMessage> Queue(string thing, string jobId)
    {
        ArgumentException.ThrowIfNullOrEmpty(thing);
        List<ShadowMessage> messages = [];
        lock (_gate)
        {
            if (!_jobs.ContainsKey(jobId))
            {
                throw new ArgumentException("no job '" + jobId + "'", nameof(jobId));
            }

            List<Execution> executions = ExecutionsOf(thing);
            if (executions.Any(e => e.JobId == jobId))
            {
                return messages;
            }

            Execution? before = Next(executions);
            long now = Now();
            executions.Add(new Execution(thing, jobId, ++_sequence) { Status = "QUEUED", QueuedAt = now, LastUpdatedAt = now, VersionNumber = 1 });
            NotifyIfChanged(thing, before, messages);
        }

        Raise(thing, jobId, "QUEUED", new Dictionary<string, string>());
        return messages;
    }

    /// <summary>Cancels the job's QUEUED executions (and its IN_PROGRESS ones too when <paramref name="force"/>), as IoT Jobs' CancelJob does.</summary>
    /// <param name="jobId">The job.</param>
    /// <param name="force">Also cancel executions in progress.</param>
    /// <returns>notify-next for every thing whose next execution changed.</returns>
    public IReadOnlyList<ShadowMessage> Cancel(string jobId, bool force)
    {
        List<ShadowMessage> messages = [];
        List<(string Thing, string Job)> canceled = [];
        lock (_gate)
        {
            foreach ((string thing, List<Execution> executions) in _byThing)
            {
                Execution? before = Next(executions);
                foreach (Execution e in executions.Where(e => e.JobId == jobId && (e.Status == "QUEUED" || (force && e.Status == "IN_PROGRESS"))))
                {
                    e.Status = "CANCELED";
                    e.VersionNumber++;
                    e.LastUpdatedAt = Now();
                    canceled.Add((thing, jobId));
                }

                NotifyIfChanged(thing, before, messages);
            }
        }

        foreach ((string thing, string job) in canceled)
        {
            Raise(thing, job, "CANCELED", new Dictionary<string, string>());
        }

        return messages;
    }

    /// <summary>An execution's status and details, or null when the thing has none of that job.</summary>
    /// <param name="thing">The thing.</param>
    /// <param name="jobId">The job.</param>
    /// <returns>The status, its details and the version number.</returns>
    public (string Status, IReadOnlyDictionary<string, string> Details, long VersionNumber)? Describe(string thing, string jobId)
    {
        lock (_gate)
        {
            Execution? e = _byThing.TryGetValue(thing, out List<Execution>? list) ? list.FirstOrDefault(x => x.JobId == jobId) : null;
            return e is null ? null : (e.Status, new Dictionary<string, string>(e.Details, StringComparer.Ordinal), e.VersionNumber);
        }
    }

    /// <summary>Handles one request a thing published.</summary>
    /// <param name="thing">The thing (already checked to be the publisher).</param>
    /// <param name="jobId">The job id, or <c>$next</c>.</param>
    /// <param name="operation">get or update.</param>
    /// <param name="payload">The request.</param>
    /// <returns>The messages to publish, in order.</returns>
    public IReadOnlyList<ShadowMessage> Handle(string thing, string jobId, string operation, ReadOnlySpan<byte> payload)
    {
        string prefix = Prefix(thing) + jobId + "/" + operation + "/";
        if (payload.Length > MaxRequestBytes)
        {
            return [Rejected(prefix, "InvalidRequest", "The request is larger than " + MaxRequestBytes + " bytes", null, null)];
        }

        if (!System.Text.Unicode.Utf8.IsValid(payload))
        {
            // Found by the fuzz: System.Text.Json reads invalid UTF-8 inside a string lazily, and throws on first use.
            return [Rejected(prefix, "InvalidJson", "The request is not UTF-8", null, null)];
        }

        JsonObject request;
        try
        {
            request = payload.IsEmpty ? [] : JsonNode.Parse(payload) as JsonObject ?? throw new JsonException("not an object");
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            return [Rejected(prefix, "InvalidJson", "The request is not a JSON object", null, null)];
        }

        string? clientToken = request["clientToken"] is JsonValue t && t.GetValueKind() == JsonValueKind.String ? t.GetValue<string>() : null;
        if (request["clientToken"] is not null && (clientToken is null || Encoding.UTF8.GetByteCount(clientToken) > 64))
        {
            return [Rejected(prefix, "InvalidRequest", "clientToken must be a string of at most 64 bytes", null, null)];
        }

        return operation == "update" ? Update(thing, jobId, prefix, request, clientToken) : Get(thing, jobId, prefix, clientToken);
    }

    private IReadOnlyList<ShadowMessage> Get(string thing, string jobId, string prefix, string? clientToken)
    {
        lock (_gate)
        {
            List<Execution> executions = ExecutionsOf(thing);
            Execution? execution = jobId == "$next" ? Next(executions) : executions.FirstOrDefault(e => e.JobId == jobId);
            if (execution is null && jobId != "$next")
            {
                return [Rejected(prefix, "ResourceNotFound", "No execution of job " + jobId + " on " + thing, clientToken, null)];
            }

            var answer = new JsonObject { ["timestamp"] = Now() };
            if (execution is not null)
            {
                answer["execution"] = Describe(execution);
            }

            WithToken(answer, clientToken);
            return [Message(prefix + "accepted", answer)];
        }
    }

    private IReadOnlyList<ShadowMessage> Update(string thing, string jobId, string prefix, JsonObject request, string? clientToken)
    {
        if (request["status"] is not JsonValue s || s.GetValueKind() != JsonValueKind.String || !DeviceStatuses.Contains(s.GetValue<string>(), StringComparer.Ordinal))
        {
            return [Rejected(prefix, "InvalidRequest", "status must be one of " + string.Join(", ", DeviceStatuses), clientToken, null)];
        }

        string status = s.GetValue<string>();
        Dictionary<string, string>? details = null;
        if (request["statusDetails"] is JsonNode d)
        {
            if (d is not JsonObject o || o.Count > MaxStatusDetails || o.Any(p => p.Value is not JsonValue v || v.GetValueKind() != JsonValueKind.String
                || p.Key.Length is 0 or > 128 || v.GetValue<string>().Length is 0 or > 1024))
            {
                return [Rejected(prefix, "InvalidRequest", "statusDetails must be an object of at most " + MaxStatusDetails + " string values", clientToken, null)];
            }

            details = o.ToDictionary(p => p.Key, p => p.Value!.GetValue<string>(), StringComparer.Ordinal);
        }

        long? expected = null;
        if (request["expectedVersion"] is JsonNode ev)
        {
            if (ev is not JsonValue evv || evv.GetValueKind() != JsonValueKind.Number || !evv.TryGetValue(out long parsed))
            {
                return [Rejected(prefix, "InvalidRequest", "expectedVersion must be a whole number", clientToken, null)];
            }

            expected = parsed;
        }

        List<ShadowMessage> messages = [];
        IReadOnlyDictionary<string, string> raised;
        lock (_gate)
        {
            List<Execution> executions = ExecutionsOf(thing);
            Execution? execution = executions.FirstOrDefault(e => e.JobId == jobId);
            if (execution is null)
            {
                return [Rejected(prefix, "ResourceNotFound", "No execution of job " + jobId + " on " + thing, clientToken, null)];
            }

            if (expected is long want && want != execution.VersionNumber)
            {
                return [Rejected(prefix, "VersionMismatch", "expectedVersion " + want + " is not the execution's version " + execution.VersionNumber, clientToken, State(execution))];
            }

            if (IsTerminal(execution.Status))
            {
                return [Rejected(prefix, "InvalidStateTransition", "The execution is " + execution.Status + ": it cannot become " + status, clientToken, State(execution))];
            }

            Execution? before = Next(executions);
            long now = Now();
            execution.Status = status;
            execution.StartedAt ??= now;
            execution.LastUpdatedAt = now;
            execution.VersionNumber++;
            if (details is not null)
            {
                execution.Details = details;
            }

            raised = new Dictionary<string, string>(execution.Details, StringComparer.Ordinal);
            var accepted = new JsonObject { ["timestamp"] = now, ["executionState"] = State(execution) };
            WithToken(accepted, clientToken);
            messages.Add(Message(prefix + "accepted", accepted));
            NotifyIfChanged(thing, before, messages);
        }

        Raise(thing, jobId, status, raised);
        return messages;
    }

    private static bool IsTerminal(string status) => status is "SUCCEEDED" or "FAILED" or "REJECTED" or "CANCELED";

    private List<Execution> ExecutionsOf(string thing)
    {
        if (!_byThing.TryGetValue(thing, out List<Execution>? list))
        {
            list = [];
            _byThing[thing] = list;
        }

        return list;
    }

    private static Execution? Next(List<Execution> executions) =>
        executions.Where(e => e.Status == "IN_PROGRESS").MinBy(e => e.Sequence) ?? executions.Where(e => e.Status == "QUEUED").MinBy(e => e.Sequence);

    private void NotifyIfChanged(string thing, Execution? before, List<ShadowMessage> messages)
    {
        Execution? after = Next(ExecutionsOf(thing));
        if (ReferenceEquals(before, after))
        {
            return;
        }

        var message = new JsonObject { ["timestamp"] = Now() };
        if (after is not null)
        {
            message["execution"] = Describe(after);
        }

        messages.Add(Message(Prefix(thing) + "notify-next", message));
    }

    private JsonObject Describe(Execution e)
    {
        var document = (JsonObject)_jobs[e.JobId].DeepClone();
        if (Render is { } render)
        {
            document = render(e.Thing, e.JobId, document);
        }

        var execution = new JsonObject
        {
            ["jobId"] = e.JobId,
            ["status"] = e.Status,
        };
        // No statusDetails here: the car wrote them and does not need them back, and every byte counts against the
        // 1,024 bytes the SIM7080G can receive (Control/README.md §1); updates' answers carry them (executionState).
        execution["queuedAt"] = e.QueuedAt;
        if (e.StartedAt is long started)
        {
            execution["startedAt"] = started;
        }

        execution["lastUpdatedAt"] = e.LastUpdatedAt;
        execution["versionNumber"] = e.VersionNumber;
        execution["executionNumber"] = e.Sequence;
        execution["jobDocument"] = document;
        return execution;
    }

    private static JsonObject State(Execution e)
    {
        var state = new JsonObject { ["status"] = e.Status, ["versionNumber"] = e.VersionNumber };
        if (e.Details.Count > 0)
        {
            state["statusDetails"] = new JsonObject(e.Details.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value)));
        }

        return state;
    }

    private ShadowMessage Rejected(string prefix, string code, string text, string? clientToken, JsonObject? state)
    {
        var message = new JsonObject { ["code"] = code, ["message"] = text, ["timestamp"] = Now() };
        WithToken(message, clientToken);
        if (state is not null)
        {
            message["executionState"] = state;
        }

        return Message(prefix + "rejected", message);
    }

    private static void WithToken(JsonObject message, string? clientToken)
    {
        if (clientToken is not null)
        {
            message["clientToken"] = clientToken;
        }
    }

    private static ShadowMessage Message(string topic, JsonObject body) => new(topic, Encoding.UTF8.GetBytes(body.ToJsonString(Compact)));

    private void Raise(string thing, string jobId, string status, IReadOnlyDictionary<string, string> details) => ExecutionChanged?.Invoke(thing, jobId, status, details);

    private long Now() => clock.GetUtcNow().ToUnixTimeSeconds();

    private sealed class Execution(string thing, string jobId, long sequence)
    {
        public string Thing { get; } = thing;

        public string JobId { get; } = jobId;

        public long Sequence { get; } = sequence;

        public string Status { get; set; } = "QUEUED";

        public Dictionary<string, string> Details { get; set; } = new(StringComparer.Ordinal);

        public long QueuedAt { get; set; }

        public long? StartedAt { get; set; }

        public long LastUpdatedAt { get; set; }

        public long VersionNumber { get; set; }
    }
}
