using System.Text;
using System.Text.Json.Nodes;
using Tracker.Cloud.Lambda.Updates;
using Tracker.Cloud.Local.Shadow;
using Tracker.Cloud.Local.Updates;
using Tracker.Core.Control;

namespace Tracker.Cloud.Local.Jobs;

/// <summary>
/// Update rollouts on the local host (issue 18), as an IoT Job with a rollout configuration and abort criteria does on
/// AWS: one job per rollout, naming an uploaded image; its executions released to the group's cars at most
/// <c>ratePerMinute</c> a minute (the first at once, as <c>maximumPerMinute</c> does); aborted (the queued executions
/// canceled, none released) once at least <c>minCount</c> cars finished and at least <c>failurePercent</c> % of them
/// failed or refused the image. An operator may pause (no more released), resume and cancel (the queued executions
/// canceled; cars already in progress finish, as CancelJob without force). Each car's state follows its execution;
/// each car's version is the one its last status named. Thread-safe; the release runs on <see cref="TickAsync"/>.
/// </summary>
public sealed class RolloutService : IAsyncDisposable
{
    /// <summary>How long an image URL in a job document holds (a pre-signed URL's role): a car asks again when it expires.</summary>
    public static readonly TimeSpan UrlLifetime = TimeSpan.FromMinutes(15);

    private readonly object _gate = new();
    private readonly JobsService _jobs;
    private readonly ImageLibrary _images;
    private readonly Func<IReadOnlyList<ShadowMessage>, Task> _publish;
    private readonly TimeProvider _clock;
    private readonly Dictionary<string, Rollout> _rollouts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _versions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _latestRollout = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private int _next;

    /// <summary>Follows <paramref name="jobs"/>' executions.</summary>
    /// <param name="jobs">The jobs service.</param>
    /// <param name="images">The uploaded images.</param>
    /// <param name="publish">Publishes the jobs service's messages (the broker).</param>
    /// <param name="clock">The clock.</param>
    public RolloutService(JobsService jobs, ImageLibrary images, Func<IReadOnlyList<ShadowMessage>, Task> publish, TimeProvider clock)
    {
        _jobs = jobs ?? throw new ArgumentNullException(nameof(jobs));
        _images = images ?? throw new ArgumentNullException(nameof(images));
        _publish = publish ?? throw new ArgumentNullException(nameof(publish));
        _clock = clock ?? throw new ArgumentNullException(nameof(clock));
        _jobs.ExecutionChanged += OnExecutionChanged;
    }

    /// <summary>Runs <see cref="TickAsync"/> every <paramref name="period"/> until disposed.</summary>
    /// <param name="period">The period.</param>
    public void Start(TimeSpan period)
    {
        _loop ??= Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(period);
            try
            {
                while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
                {
                    await TickAsync().ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
    }

    /// <summary>Starts a rollout of <paramref name="version"/> to <paramref name="cars"/>.</summary>
    /// <param name="group">The group's name.</param>
    /// <param name="cars">Its cars, at the start.</param>
    /// <param name="version">An uploaded version.</param>
    /// <param name="ratePerMinute">Cars released a minute (1 to 1,000).</param>
    /// <param name="failurePercent">Abort at this failure percentage (1 to 100), or null for no abort.</param>
    /// <param name="minCount">The finished cars needed before the abort may trigger (1 or more).</param>
    /// <param name="rollout">The rollout's view, or null.</param>
    /// <returns>Null when started, else the HTTP status, a code and why.</returns>
    public (int Status, string Code, string Detail)? Create(string group, IReadOnlyList<string> cars, string version, int ratePerMinute, int? failurePercent, int minCount, out JsonObject? rollout)
    {
        rollout = null;
        UpdateImage? image = _images.Find(version);
        if (image is null)
        {
            return (422, "no-image", "No image of version '" + Clip(version) + "' is uploaded (POST /updates/images).");
        }

        if (cars.Count == 0)
        {
            return (422, "empty-group", "Group '" + group + "' has no cars.");
        }

        JsonObject document = image.ToJson();
        document.Remove("keyId"); // the car checks against the key in its bundle; every byte counts against the modem's 1,024
        document["url"] = "${local:image-url}";
        int worst = WorstCaseNotifyBytes(document);
        if (worst > ShadowLimits.MaxMessageBytes)
        {
            return (422, "too-large", "The job's notify-next would be up to " + worst + " bytes: over the modem's " + ShadowLimits.MaxMessageBytes + ".");
        }

        lock (_gate)
        {
            if (_rollouts.Values.Any(r => r.Group == group && r.State is "running" or "paused"))
            {
                return (409, "rollout-running", "Group '" + group + "' already has a rollout running or paused: cancel it first.");
            }

            string id = "r" + (++_next).ToString("D4", System.Globalization.CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8];
            var r = new Rollout(id, group, version, [.. cars], ratePerMinute, failurePercent, minCount, _clock.GetUtcNow());
            _jobs.CreateJob(r.JobId, document);
            _rollouts[id] = r;
            foreach (string car in cars)
            {
                _latestRollout[car] = id;
            }

            rollout = View(r);
        }

        return null;
    }

    /// <summary>Pauses, resumes or cancels a rollout.</summary>
    /// <param name="id">The rollout.</param>
    /// <param name="action">pause, resume or cancel.</param>
    /// <returns>Null and the view after when done, else the HTTP status, a code and why (and the view, when the rollout exists).</returns>
    public async Task<((int Status, string Code, string Detail)? Problem, JsonObject? Rollout)> ActAsync(string id, string action)
    {
        IReadOnlyList<ShadowMessage> messages = [];
        JsonObject view;
        lock (_gate)
        {
            if (!_rollouts.TryGetValue(id, out Rollout? r))
            {
                return ((404, "no-rollout", "No rollout '" + Clip(id) + "'."), null);
            }

            Accrue(r);
            switch (action)
            {
                case "pause" when r.State == "running":
                    r.State = "paused";
                    break;
                case "resume" when r.State == "paused":
                    r.State = "running";
                    break;
                case "cancel" when r.State is "running" or "paused":
                    r.State = "canceled";
                    messages = _jobs.Cancel(r.JobId, force: false);
                    break;
                default:
                    return ((409, "invalid-state", "A " + r.State + " rollout cannot be " + action + (action.EndsWith('e') ? "d" : "ed") + "."), View(r));
            }

            view = View(r);
        }

        await _publish(messages).ConfigureAwait(false);
        return (null, view);
    }

    /// <summary>A rollout's view, or null.</summary>
    /// <param name="id">The rollout.</param>
    /// <returns>The view.</returns>
    public JsonObject? Read(string id)
    {
        lock (_gate)
        {
            return _rollouts.TryGetValue(id, out Rollout? r) ? View(r) : null;
        }
    }

    /// <summary>Every rollout, newest first, without the per-car list.</summary>
    /// <returns>The views.</returns>
    public JsonArray List()
    {
        lock (_gate)
        {
            return new JsonArray([.. _rollouts.Values.OrderByDescending(r => r.Created).Select(r =>
            {
                JsonObject v = View(r);
                v.Remove("cars");
                return (JsonNode)v;
            })]);
        }
    }

    /// <summary>A car's update view: its version as last reported, and its state in its latest rollout.</summary>
    /// <param name="car">The car.</param>
    /// <returns>The view.</returns>
    public JsonObject CarView(string car)
    {
        lock (_gate)
        {
            var view = new JsonObject { ["car"] = car, ["version"] = _versions.TryGetValue(car, out string? v) ? v : null };
            if (_latestRollout.TryGetValue(car, out string? id) && _rollouts.TryGetValue(id, out Rollout? r))
            {
                CarState s = r.Cars[car];
                view["rollout"] = r.Id;
                view["target"] = r.Version;
                view["state"] = s.State;
                view["step"] = s.Step;
                view["reason"] = s.Reason;
            }

            return view;
        }
    }

    /// <summary>Releases what each running rollout's rate allows now, and completes finished ones.</summary>
    /// <returns>When the messages are published.</returns>
    public async Task TickAsync()
    {
        List<(string Car, string Job)> release = [];
        lock (_gate)
        {
            foreach (Rollout r in _rollouts.Values)
            {
                Accrue(r);
                if (r.State != "running")
                {
                    continue;
                }

                long allowed = 1 + (long)Math.Floor(r.RatePerMinute * r.ActiveMs / 60_000.0);
                foreach (CarState s in r.Cars.Values.Where(c => c.State == "PENDING").Take((int)Math.Max(0, Math.Min(int.MaxValue, allowed - r.Released))))
                {
                    s.State = "QUEUED";
                    r.Released++;
                    release.Add((s.Car, r.JobId));
                }

                Complete(r);
            }
        }

        foreach ((string car, string job) in release)
        {
            await _publish(_jobs.Queue(car, job)).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        _jobs.ExecutionChanged -= OnExecutionChanged;
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    /// <summary>The largest notify-next a car could get for this document (the longest status details the agent sends).</summary>
    /// <param name="document">The document, its URL a placeholder.</param>
    /// <returns>Bytes.</returns>
    public static int WorstCaseNotifyBytes(JsonObject document)
    {
        var rendered = (JsonObject)document.DeepClone();
        rendered["url"] = "https://127.0.0.1:65535/images/" + Uri.EscapeDataString(ImageLibrary.FileOf((string)document["version"]!)) + "?e=9999999999&t=" + new string('0', 32);
        const long Epoch = 9_999_999_999; // epoch seconds have 10 digits until the year 2286
        var message = new JsonObject
        {
            ["timestamp"] = Epoch,
            ["execution"] = new JsonObject
            {
                ["jobId"] = "rollout-r9999-00000000",
                ["status"] = "IN_PROGRESS",
                ["queuedAt"] = Epoch,
                ["startedAt"] = Epoch,
                ["lastUpdatedAt"] = Epoch,
                ["versionNumber"] = 99_999,
                ["executionNumber"] = 9_999_999_999,
                ["jobDocument"] = rendered,
            },
        };
        return Encoding.UTF8.GetByteCount(message.ToJsonString(JobsService.Compact));
    }

    private void OnExecutionChanged(string car, string jobId, string status, IReadOnlyDictionary<string, string> details)
    {
        List<ShadowMessage> cancel = [];
        lock (_gate)
        {
            if (details.TryGetValue("version", out string? version) && UpdateLimits.IsValidVersion(version))
            {
                _versions[car] = version;
            }

            Rollout? r = _rollouts.Values.FirstOrDefault(x => x.JobId == jobId);
            if (r is null || !r.Cars.TryGetValue(car, out CarState? s))
            {
                return;
            }

            s.State = status;
            s.Step = details.TryGetValue("step", out string? step) ? step : null;
            s.Reason = details.TryGetValue("reason", out string? reason) ? reason : null;
            if (s.Reason is not null && details.TryGetValue("problem", out string? problem))
            {
                s.Reason += ": " + problem; // a job document the car could not read: what was wrong with it (UpdateAgent)
            }
            if (status is "FAILED" or "REJECTED" or "SUCCEEDED" && r.State == "running" && r.FailurePercent is int percent)
            {
                int finished = r.Cars.Values.Count(c => c.State is "SUCCEEDED" or "FAILED" or "REJECTED");
                int failed = r.Cars.Values.Count(c => c.State is "FAILED" or "REJECTED");
                if (finished >= r.MinCount && failed * 100 >= percent * finished)
                {
                    r.State = "aborted";
                    r.AbortReason = failed + " of " + finished + " finished cars failed (abort at " + percent + " % over at least " + r.MinCount + ")";
                    cancel.AddRange(_jobs.Cancel(r.JobId, force: false));
                }
            }

            Complete(r);
        }

        if (cancel.Count > 0)
        {
            // Not awaited under the broker's publish path: the cancellations' notify-next go out on their own.
            _ = _publish(cancel);
        }
    }

    private void Accrue(Rollout r)
    {
        DateTimeOffset now = _clock.GetUtcNow();
        if (r.State == "running")
        {
            r.ActiveMs += Math.Max(0, (long)(now - r.LastAccrued).TotalMilliseconds);
        }

        r.LastAccrued = now;
    }

    private static void Complete(Rollout r)
    {
        if (r.State == "running" && r.Cars.Values.All(c => c.State is "SUCCEEDED" or "FAILED" or "REJECTED" or "CANCELED"))
        {
            r.State = "completed";
        }
    }

    private static JsonObject View(Rollout r)
    {
        var counts = new JsonObject();
        foreach (IGrouping<string, CarState> g in r.Cars.Values.GroupBy(c => c.State).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            counts[g.Key] = g.Count();
        }

        return new JsonObject
        {
            ["id"] = r.Id,
            ["group"] = r.Group,
            ["version"] = r.Version,
            ["jobId"] = r.JobId,
            ["state"] = r.State,
            ["ratePerMinute"] = r.RatePerMinute,
            ["abort"] = r.FailurePercent is int p ? new JsonObject { ["failurePercent"] = p, ["minCount"] = r.MinCount } : null,
            ["abortReason"] = r.AbortReason,
            ["created"] = r.Created.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["released"] = r.Released,
            ["counts"] = counts,
            ["cars"] = new JsonArray([.. r.Cars.Values.OrderBy(c => c.Car, StringComparer.Ordinal).Select(c => (JsonNode)new JsonObject
            {
                ["car"] = c.Car,
                ["state"] = c.State,
                ["step"] = c.Step,
                ["reason"] = c.Reason,
            })]),
        };
    }

    private static string Clip(string text) => text.Length <= 64 ? text : text[..64] + "...";

    private sealed class Rollout(string id, string group, string version, string[] cars, int rate, int? failurePercent, int minCount, DateTimeOffset created)
    {
        public string Id { get; } = id;

        public string JobId { get; } = "rollout-" + id;

        public string Group { get; } = group;

        public string Version { get; } = version;

        public int RatePerMinute { get; } = rate;

        public int? FailurePercent { get; } = failurePercent;

        public int MinCount { get; } = minCount;

        public DateTimeOffset Created { get; } = created;

        public DateTimeOffset LastAccrued { get; set; } = created;

        public long ActiveMs { get; set; }

        public string State { get; set; } = "running";

        public string? AbortReason { get; set; }

        public int Released { get; set; }

        public Dictionary<string, CarState> Cars { get; } = cars.ToDictionary(c => c, c => new CarState(c), StringComparer.Ordinal);
    }

    private sealed class CarState(string car)
    {
        public string Car { get; } = car;

        public string State { get; set; } = "PENDING";

        public string? Step { get; set; }

        public string? Reason { get; set; }
    }
}
