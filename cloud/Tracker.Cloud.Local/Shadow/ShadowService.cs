using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tracker.Cloud.Local.Shadow;

/// <summary>
/// The classic device shadow, locally, as AWS IoT Core documents it ("Device Shadow service documents",
/// "Device Shadow MQTT topics"): one document per thing with <c>desired</c> and <c>reported</c>, per-leaf
/// metadata timestamps, a version that grows by one on every accepted update, optimistic locking by
/// <c>version</c>, <c>null</c> deleting a property, and the answers on <c>update/accepted</c>,
/// <c>update/rejected</c>, <c>update/delta</c>, <c>update/documents</c>, <c>get/accepted</c>,
/// <c>get/rejected</c>, <c>delete/accepted</c>, <c>delete/rejected</c>. Pure: it returns the messages to
/// publish; the broker publishes them. Thread-safe. Kept in memory (a restart of the local host starts every
/// shadow afresh, as a deleted shadow).
/// </summary>
/// <param name="clock">The clock (timestamps are epoch seconds).</param>
public sealed class ShadowService(TimeProvider clock)
{
    /// <summary>IoT Core's largest state document (desired and reported, without metadata): 8 KB.</summary>
    public const int MaxStateBytes = 8 * 1024;

    /// <summary>IoT Core's deepest nesting inside desired or reported.</summary>
    public const int MaxDepth = 6;

    /// <summary>IoT Core's longest client token, in bytes.</summary>
    public const int MaxClientTokenBytes = 64;

    private readonly object _gate = new();
    private readonly Dictionary<string, Document> _documents = new(StringComparer.Ordinal);

    /// <summary>Raised after every accepted update, with the thing's name (the API and the web app follow shadows through it).</summary>
    public event Action<string>? Updated;

    /// <summary>The topic prefix of a thing's classic shadow.</summary>
    /// <param name="thing">The thing name.</param>
    /// <returns><c>$aws/things/{thing}/shadow/</c>.</returns>
    public static string Prefix(string thing) => "$aws/things/" + thing + "/shadow/";

    /// <summary>Splits a request topic (<c>$aws/things/{thing}/shadow/update|get|delete</c>); never throws.</summary>
    /// <param name="topic">The topic.</param>
    /// <param name="thing">The thing name.</param>
    /// <param name="operation">update, get or delete.</param>
    /// <returns>True for a request topic of the classic shadow.</returns>
    public static bool TryParseRequestTopic(string? topic, out string thing, out string operation)
    {
        thing = string.Empty;
        operation = string.Empty;
        string[] levels = topic?.Split('/') ?? [];
        if (levels.Length != 5 || levels[0] != "$aws" || levels[1] != "things" || levels[2].Length == 0 || levels[3] != "shadow"
            || levels[4] is not ("update" or "get" or "delete"))
        {
            return false;
        }

        thing = levels[2];
        operation = levels[4];
        return true;
    }

    /// <summary>Handles one request of <paramref name="operation"/> for <paramref name="thing"/>.</summary>
    /// <param name="thing">The thing name.</param>
    /// <param name="operation">update, get or delete.</param>
    /// <param name="payload">The request's payload.</param>
    /// <returns>The messages to publish, in order.</returns>
    public IReadOnlyList<ShadowMessage> Handle(string thing, string operation, ReadOnlySpan<byte> payload) => operation switch
    {
        "update" => Update(thing, payload),
        "get" => Get(thing, payload),
        "delete" => Delete(thing, payload),
        _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, "update, get or delete"),
    };

    /// <summary>The thing's whole document as <c>get/accepted</c> gives it, or null when it has no shadow.</summary>
    /// <param name="thing">The thing name.</param>
    /// <returns>The document.</returns>
    public JsonObject? Read(string thing)
    {
        lock (_gate)
        {
            // A parsed copy, as a client reading get/accepted would have it: nothing shared with the stored document.
            return _documents.TryGetValue(thing, out Document? document) ? JsonNode.Parse(document.Whole(Now(), null).ToJsonString())!.AsObject() : null;
        }
    }

    /// <summary>Updates a thing's shadow (the request document of IoT Core's UpdateThingShadow).</summary>
    /// <param name="thing">The thing name.</param>
    /// <param name="payload">The request: <c>{"state":{"desired":{...},"reported":{...}},"version":n,"clientToken":"..."}</c>.</param>
    /// <returns>update/accepted (then update/documents, then update/delta when desired and reported differ), or update/rejected.</returns>
    public IReadOnlyList<ShadowMessage> Update(string thing, ReadOnlySpan<byte> payload)
    {
        string prefix = Prefix(thing) + "update/";
        if (!TryReadRequest(payload, out JsonObject? request, out string? clientToken, out ShadowMessage? rejected, prefix))
        {
            return [rejected!];
        }

        if (request!["state"] is not JsonObject state)
        {
            return [Reject(prefix, 400, "Missing required node: state", clientToken)];
        }

        foreach ((string name, JsonNode? section) in state)
        {
            if (name is not ("desired" or "reported"))
            {
                return [Reject(prefix, 400, "State contains an invalid node: '" + name + "'", clientToken)];
            }

            if (section is not null and not JsonObject)
            {
                return [Reject(prefix, 400, "Invalid JSON: state." + name + " must be an object or null", clientToken)];
            }

            if (section is JsonObject o && Depth(o) > MaxDepth)
            {
                return [Reject(prefix, 400, "JSON contains too many levels of nesting; maximum is " + MaxDepth, clientToken)];
            }
        }

        long? expected = null;
        if (request["version"] is JsonNode v)
        {
            if (v.GetValueKind() != JsonValueKind.Number || !v.AsValue().TryGetValue(out long parsed))
            {
                return [Reject(prefix, 400, "Invalid version", clientToken)];
            }

            expected = parsed;
        }

        long now = Now();
        lock (_gate)
        {
            _documents.TryGetValue(thing, out Document? document);
            if (expected is long want && want != (document?.Version ?? 0))
            {
                return [Reject(prefix, 409, "Version conflict", clientToken)];
            }

            Document next = document?.Clone() ?? new Document();
            JsonObject acceptedMetadata = [];
            foreach ((string name, JsonNode? section) in state)
            {
                acceptedMetadata[name] = next.Apply(name, (JsonObject?)section, now);
            }

            if (Encoding.UTF8.GetByteCount(next.State().ToJsonString()) > MaxStateBytes)
            {
                return [Reject(prefix, 413, "The payload exceeds the maximum size allowed", clientToken)];
            }

            next.Version = (document?.Version ?? 0) + 1;
            _documents[thing] = next;

            var accepted = new JsonObject
            {
                ["state"] = state.DeepClone(),
                ["metadata"] = acceptedMetadata,
                ["version"] = next.Version,
                ["timestamp"] = now,
            };
            WithToken(accepted, clientToken);
            var documents = new JsonObject
            {
                ["previous"] = document?.Snapshot(),
                ["current"] = next.Snapshot(),
                ["timestamp"] = now,
            };
            WithToken(documents, clientToken);
            List<ShadowMessage> messages = [Message(prefix + "accepted", accepted), Message(prefix + "documents", documents)];
            (JsonObject delta, JsonObject deltaMetadata) = next.Delta();
            if (delta.Count > 0)
            {
                // Published whenever an accepted update leaves desired and reported different (the device reporting
                // its state gets what it still lacks), as IoT Core does.
                var message = new JsonObject
                {
                    ["version"] = next.Version,
                    ["timestamp"] = now,
                    ["state"] = delta,
                    ["metadata"] = deltaMetadata,
                };
                WithToken(message, clientToken);
                messages.Add(Message(prefix + "delta", message));
            }

            Updated?.Invoke(thing);
            return messages;
        }
    }

    /// <summary>Reads a thing's shadow (IoT Core's GetThingShadow).</summary>
    /// <param name="thing">The thing name.</param>
    /// <param name="payload">The request: empty, or <c>{"clientToken":"..."}</c>.</param>
    /// <returns>get/accepted with the whole document, or get/rejected (404 when the thing has no shadow).</returns>
    public IReadOnlyList<ShadowMessage> Get(string thing, ReadOnlySpan<byte> payload)
    {
        string prefix = Prefix(thing) + "get/";
        string? clientToken = null;
        if (!payload.IsEmpty && !TryReadRequest(payload, out _, out clientToken, out ShadowMessage? rejected, prefix))
        {
            return [rejected!];
        }

        lock (_gate)
        {
            return _documents.TryGetValue(thing, out Document? document)
                ? [Message(prefix + "accepted", document.Whole(Now(), clientToken))]
                : [Reject(prefix, 404, "No shadow exists with name: '" + thing + "'", clientToken)];
        }
    }

    /// <summary>Deletes a thing's shadow (IoT Core's DeleteThingShadow).</summary>
    /// <param name="thing">The thing name.</param>
    /// <param name="payload">The request: empty, or <c>{"clientToken":"..."}</c>.</param>
    /// <returns>delete/accepted, or delete/rejected (404 when there is none).</returns>
    public IReadOnlyList<ShadowMessage> Delete(string thing, ReadOnlySpan<byte> payload)
    {
        string prefix = Prefix(thing) + "delete/";
        string? clientToken = null;
        if (!payload.IsEmpty && !TryReadRequest(payload, out _, out clientToken, out ShadowMessage? rejected, prefix))
        {
            return [rejected!];
        }

        lock (_gate)
        {
            if (!_documents.Remove(thing, out Document? document))
            {
                return [Reject(prefix, 404, "No shadow exists with name: '" + thing + "'", clientToken)];
            }

            var accepted = new JsonObject { ["version"] = document.Version, ["timestamp"] = Now() };
            WithToken(accepted, clientToken);
            return [Message(prefix + "accepted", accepted)];
        }
    }

    private static bool TryReadRequest(ReadOnlySpan<byte> payload, out JsonObject? request, out string? clientToken, out ShadowMessage? rejected, string prefix)
    {
        request = null;
        clientToken = null;
        rejected = null;
        try
        {
            request = JsonNode.Parse(payload) as JsonObject;
        }
        catch (JsonException)
        {
        }

        if (request is null)
        {
            rejected = Reject(prefix, 400, "Invalid JSON", null);
            return false;
        }

        if (request["clientToken"] is JsonNode token)
        {
            if (token.GetValueKind() != JsonValueKind.String || Encoding.UTF8.GetByteCount(token.GetValue<string>()) > MaxClientTokenBytes)
            {
                rejected = Reject(prefix, 400, "Invalid clientToken: a string of at most " + MaxClientTokenBytes + " bytes", null);
                return false;
            }

            clientToken = token.GetValue<string>();
        }

        return true;
    }

    private static ShadowMessage Reject(string prefix, int code, string message, string? clientToken)
    {
        var error = new JsonObject { ["code"] = code, ["message"] = message };
        WithToken(error, clientToken);
        return Message(prefix + "rejected", error);
    }

    private static void WithToken(JsonObject message, string? clientToken)
    {
        if (clientToken is not null)
        {
            message["clientToken"] = clientToken;
        }
    }

    private static ShadowMessage Message(string topic, JsonObject body) => new(topic, Encoding.UTF8.GetBytes(body.ToJsonString()));

    private static int Depth(JsonNode? node) => node switch
    {
        JsonObject o => 1 + (o.Count == 0 ? 0 : o.Max(p => Depth(p.Value))),
        JsonArray a => 1 + (a.Count == 0 ? 0 : a.Max(Depth)),
        _ => 0,
    };

    private long Now() => clock.GetUtcNow().ToUnixTimeSeconds();

    /// <summary>One thing's shadow: the two sections, their metadata, the version.</summary>
    private sealed class Document
    {
        public JsonObject? Desired { get; private set; }

        public JsonObject? Reported { get; private set; }

        public JsonObject? DesiredMetadata { get; private set; }

        public JsonObject? ReportedMetadata { get; private set; }

        public long Version { get; set; }

        public Document Clone() => new()
        {
            Desired = (JsonObject?)Desired?.DeepClone(),
            Reported = (JsonObject?)Reported?.DeepClone(),
            DesiredMetadata = (JsonObject?)DesiredMetadata?.DeepClone(),
            ReportedMetadata = (JsonObject?)ReportedMetadata?.DeepClone(),
            Version = Version,
        };

        /// <summary>Merges one section of an update; returns the metadata of what it set.</summary>
        public JsonNode? Apply(string section, JsonObject? patch, long now)
        {
            if (patch is null)
            {
                // "desired": null deletes the whole section.
                SetSection(section, null, null);
                return null;
            }

            JsonObject target = GetSection(section) ?? [];
            JsonObject metadata = GetMetadata(section) ?? [];
            JsonObject touched = Merge(target, metadata, patch, now);
            SetSection(section, target.Count > 0 ? target : null, target.Count > 0 ? metadata : null);
            return touched;
        }

        public JsonObject State()
        {
            var state = new JsonObject();
            if (Desired is not null)
            {
                state["desired"] = Desired.DeepClone();
            }

            if (Reported is not null)
            {
                state["reported"] = Reported.DeepClone();
            }

            return state;
        }

        public JsonObject Snapshot()
        {
            var metadata = new JsonObject();
            if (DesiredMetadata is not null)
            {
                metadata["desired"] = DesiredMetadata.DeepClone();
            }

            if (ReportedMetadata is not null)
            {
                metadata["reported"] = ReportedMetadata.DeepClone();
            }

            return new JsonObject { ["state"] = State(), ["metadata"] = metadata, ["version"] = Version };
        }

        public JsonObject Whole(long now, string? clientToken)
        {
            JsonObject snapshot = Snapshot();
            (JsonObject delta, _) = Delta();
            if (delta.Count > 0)
            {
                ((JsonObject)snapshot["state"]!)["delta"] = delta;
            }

            snapshot["timestamp"] = now;
            WithToken(snapshot, clientToken);
            return snapshot;
        }

        /// <summary>What desired holds that reported lacks or holds otherwise, with desired's metadata for it.</summary>
        public (JsonObject Delta, JsonObject Metadata) Delta()
        {
            var delta = new JsonObject();
            var metadata = new JsonObject();
            if (Desired is not null)
            {
                Diff(Desired, Reported, DesiredMetadata, delta, metadata);
            }

            return (delta, metadata);
        }

        private static void Diff(JsonObject desired, JsonObject? reported, JsonObject? desiredMetadata, JsonObject delta, JsonObject metadata)
        {
            foreach ((string name, JsonNode? value) in desired)
            {
                JsonNode? other = reported?[name];
                if (value is JsonObject inner && other is JsonObject otherInner)
                {
                    var sub = new JsonObject();
                    var subMetadata = new JsonObject();
                    Diff(inner, otherInner, desiredMetadata?[name] as JsonObject, sub, subMetadata);
                    if (sub.Count > 0)
                    {
                        delta[name] = sub;
                        metadata[name] = subMetadata;
                    }
                }
                else if (reported is null || !reported.ContainsKey(name) || !JsonNode.DeepEquals(value, other))
                {
                    delta[name] = value?.DeepClone();
                    metadata[name] = desiredMetadata?[name]?.DeepClone();
                }
            }
        }

        // Sets what the patch names; null removes. Returns the metadata of the properties it set.
        private static JsonObject Merge(JsonObject target, JsonObject metadata, JsonObject patch, long now)
        {
            var touched = new JsonObject();
            foreach ((string name, JsonNode? value) in patch)
            {
                if (value is null)
                {
                    target.Remove(name);
                    metadata.Remove(name);
                    touched[name] = new JsonObject { ["timestamp"] = now };
                }
                else if (value is JsonObject inner && target[name] is JsonObject existing)
                {
                    JsonObject innerMetadata = metadata[name] as JsonObject ?? [];
                    touched[name] = Merge(existing, innerMetadata, inner, now);
                    metadata[name] = innerMetadata;
                    if (existing.Count == 0)
                    {
                        target.Remove(name);
                        metadata.Remove(name);
                    }
                }
                else
                {
                    target[name] = value.DeepClone();
                    metadata[name] = Stamp(value, now);
                    touched[name] = Stamp(value, now);
                }
            }

            return touched;
        }

        // The metadata of a value: {"timestamp":t} on every leaf, mirrored through objects and arrays.
        private static JsonNode Stamp(JsonNode value, long now) => value switch
        {
            JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, p.Value is null ? (JsonNode?)new JsonObject { ["timestamp"] = now } : Stamp(p.Value, now)))),
            JsonArray a => new JsonArray([.. a.Select(e => e is null ? new JsonObject { ["timestamp"] = now } : Stamp(e, now))]),
            _ => new JsonObject { ["timestamp"] = now },
        };

        private JsonObject? GetSection(string section) => section == "desired" ? Desired : Reported;

        private JsonObject? GetMetadata(string section) => section == "desired" ? DesiredMetadata : ReportedMetadata;

        private void SetSection(string section, JsonObject? value, JsonObject? metadata)
        {
            if (section == "desired")
            {
                Desired = value;
                DesiredMetadata = metadata;
            }
            else
            {
                Reported = value;
                ReportedMetadata = metadata;
            }
        }
    }
}

/// <summary>A message the shadow service publishes.</summary>
/// <param name="Topic">The topic.</param>
/// <param name="Payload">The JSON payload.</param>
public sealed record ShadowMessage(string Topic, byte[] Payload);
