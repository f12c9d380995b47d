using System.Globalization;
using System.Text;
using System.Text.Json;
using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Core.Query;
using Tracker.Cloud.Derive.Api;
using Tracker.Cloud.Derive.Events;
using Tracker.Cloud.Derive.Limits;
using Tracker.Cloud.Derive.Storage;
using Tracker.Cloud.Derive.Zones;
using Tracker.Cloud.Lambda.Events;
using Tracker.Cloud.Notify;
using Tracker.Cloud.Notify.Outbox;
using Tracker.Cloud.Notify.Subscriptions;

namespace Tracker.Cloud.Lambda.Api;

/// <summary>
/// The Derive stage's routes, beside <see cref="ApiHandler"/>'s (which hands them over): <c>GET /events</c> (the fleet;
/// <c>car</c>, <c>type</c>, <c>start</c>, <c>end</c>, <c>limit</c>, <c>cursor</c>, <c>withdrawn</c>),
/// <c>GET /cars/{carId}/events</c>, <c>POST /cars/{carId}/events/{eventId}/acknowledge</c>, <c>GET /zones</c>,
/// <c>PUT /zones/{zoneId}</c> and <c>DELETE /zones/{zoneId}</c>. Operators only (<see cref="EventQueries"/>); refusals
/// are RFC 9457 problems as everywhere in the API.
/// </summary>
public sealed class EventsApi : IApiRoutes
{
    private static readonly HashSet<string> ListParameters = new(StringComparer.Ordinal) { "car", "type", "start", "end", "limit", "cursor", "withdrawn" };

    private readonly EventQueries _queries;
    private readonly SubscriptionQueries? _subscriptions;

    /// <summary>Creates the routes over the services.</summary>
    /// <param name="queries">Events and zones.</param>
    /// <param name="subscriptions">Subscriptions and notifications (<c>GET /subscriptions</c>, <c>PUT</c> and <c>DELETE /subscriptions/{id}</c>, <c>GET /notifications</c> with <c>state</c>, <c>limit</c> and <c>cursor</c>: a page newest first and its <c>nextCursor</c>; <c>POST /notifications/{deliveryId}/redeliver</c>), or null when not served.</param>
    public EventsApi(EventQueries queries, SubscriptionQueries? subscriptions = null)
    {
        ArgumentNullException.ThrowIfNull(queries);
        _queries = queries;
        _subscriptions = subscriptions;
    }

    /// <summary>
    /// The thresholds (<c>GET /limits</c>, <c>PUT /limits</c> with <c>{"scope","id","overspeedKmh",
    /// "offlineAfterIgnitionOnS","offlineAfterIgnitionOffS"}</c>; no value removes it), or null when not served.
    /// </summary>
    public LimitQueries? Limits { get; init; }

    /// <inheritdoc/>
    public bool SignedIn => true;

    /// <summary>True when the path is one of these routes (<c>/events</c>, <c>/zones...</c>, <c>/cars/{carId}/events...</c>).</summary>
    /// <param name="segments">The path's segments, stage removed.</param>
    /// <returns>True when this class answers.</returns>
    public bool Owns(IReadOnlyList<string> segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        return segments.Count > 0 && (segments[0] is "events" or "zones" or "subscriptions" or "notifications" or "limits"
            || (segments.Count >= 3 && segments[0] == "cars" && segments[2] == "events"));
    }

    /// <inheritdoc/>
    public async Task<HttpApiResponse> HandleAsync(ApiCall call, Identity? caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(caller);
        (HttpApiRequest request, IReadOnlyList<string> segments, string method, string instance) = call;
        Dictionary<string, string> query = request.QueryStringParameters ?? [];
        switch (segments.Count, segments[0])
        {
            case (1, "events"):
                return call.Allow("GET") ?? await ListAsync(caller, null, query, instance, cancellationToken).ConfigureAwait(false);
            case (3, "cars"):
                return call.Allow("GET") ?? await ListAsync(caller, segments[1], query, instance, cancellationToken).ConfigureAwait(false);
            case (5, "cars") when segments[4] == "acknowledge":
                return call.Allow("POST") ?? ApiHandler.Reply(await _queries.AcknowledgeAsync(caller, segments[1], segments[3], cancellationToken).ConfigureAwait(false), instance, EventJson.Write);
            case (1, "zones"):
                return call.Allow("GET") ?? ApiHandler.Reply(await _queries.ListZonesAsync(caller, cancellationToken).ConfigureAwait(false), instance, WriteZones);
            case (2, "zones") when method == "PUT":
                return ApiHandler.Reply(await _queries.PutZoneAsync(caller, segments[1], Body(request), cancellationToken).ConfigureAwait(false), instance, WriteZone);
            case (2, "zones") when method == "DELETE":
                QueryResult<bool> deleted = await _queries.DeleteZoneAsync(caller, segments[1], cancellationToken).ConfigureAwait(false);
                return deleted.Status == QueryStatus.Ok ? new HttpApiResponse { StatusCode = 204 } : ApiHandler.Refused(deleted, instance);
            case (2, "zones"):
                return call.Allow("PUT, DELETE")!;
            case (1, "limits") when Limits is not null && method == "PUT":
                return ApiHandler.Reply(await Limits.PutAsync(caller, Body(request), cancellationToken).ConfigureAwait(false), instance, LimitJson.Write);
            case (1, "limits") when Limits is not null:
                return call.Allow("GET") ?? ApiHandler.Reply(await Limits.ListAsync(caller, cancellationToken).ConfigureAwait(false), instance, WriteLimits);
            case (1, "subscriptions") when _subscriptions is not null:
                return call.Allow("GET") ?? ApiHandler.Reply(await _subscriptions.ListAsync(caller, cancellationToken).ConfigureAwait(false), instance, WriteSubscriptions);
            case (2, "subscriptions") when _subscriptions is not null && method == "PUT":
                return ApiHandler.Reply(await _subscriptions.PutAsync(caller, segments[1], Body(request), cancellationToken).ConfigureAwait(false), instance, WriteSubscription);
            case (2, "subscriptions") when _subscriptions is not null && method == "DELETE":
                QueryResult<bool> unsubscribed = await _subscriptions.DeleteAsync(caller, segments[1], cancellationToken).ConfigureAwait(false);
                return unsubscribed.Status == QueryStatus.Ok ? new HttpApiResponse { StatusCode = 204 } : ApiHandler.Refused(unsubscribed, instance);
            case (1, "notifications") when _subscriptions is not null:
                if (call.Allow("GET") is { } refusedMethod)
                {
                    return refusedMethod;
                }

                if (query.Keys.Where(k => k is not ("state" or "limit" or "cursor")).Order(StringComparer.Ordinal).FirstOrDefault() is { } unknownParameter)
                {
                    return ApiHandler.Problem(ProblemType.BadQuery.With("Unknown query parameter '" + TimeParameter.Clip(unknownParameter) + "': this route takes state, limit and cursor.", instance));
                }

                string stateName = Get(query, "state") ?? "failed";
                if (!Enum.TryParse(stateName, ignoreCase: true, out OutboxState state) || !Enum.IsDefined(state) || stateName.Any(char.IsDigit))
                {
                    return ApiHandler.Problem(ProblemType.BadQuery.With("'state' must be pending, delivered or failed.", instance));
                }

                int limit = SubscriptionQueries.MaxPage;
                if (Get(query, "limit") is { } limitText
                    && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > SubscriptionQueries.MaxPage))
                {
                    return ApiHandler.Problem(ProblemType.BadQuery.With("'limit' must be a whole number from 1 to " + SubscriptionQueries.MaxPage + ".", instance));
                }

                return ApiHandler.Reply(await _subscriptions.ListNotificationsAsync(caller, state, limit, Get(query, "cursor"), cancellationToken).ConfigureAwait(false), instance, WriteNotifications);
            case (3, "notifications") when _subscriptions is not null && segments[2] == "redeliver":
                return call.Allow("POST") ?? ApiHandler.Reply(await _subscriptions.RedeliverAsync(caller, segments[1], cancellationToken).ConfigureAwait(false), instance, WriteNotification);
            default:
                return ApiHandler.Problem(ProblemType.NotFound.With(
                    "No route for " + TimeParameter.Clip(string.Join('/', segments)) + ": events are at GET /events, GET /cars/{carId}/events, POST /cars/{carId}/events/{eventId}/acknowledge, GET /zones, PUT and DELETE /zones/{zoneId}.",
                    instance));
        }
    }

    private async Task<HttpApiResponse> ListAsync(Identity caller, string? carId, Dictionary<string, string> query, string instance, CancellationToken cancellationToken)
    {
        string? unknown = query.Keys.Where(k => !ListParameters.Contains(k) || (carId is not null && k == "car")).Order(StringComparer.Ordinal).FirstOrDefault();
        if (unknown is not null)
        {
            return ApiHandler.Problem(ProblemType.BadQuery.With("Unknown query parameter '" + TimeParameter.Clip(unknown) + "': this route takes " + (carId is null ? "car, " : string.Empty) + "type, start, end, limit, cursor and withdrawn.", instance));
        }

        var request = new EventListRequest(carId ?? Get(query, "car"), Get(query, "type"), Get(query, "start"), Get(query, "end"), Get(query, "limit"), Get(query, "cursor"), Get(query, "withdrawn"));
        return ApiHandler.Reply(await _queries.ListAsync(caller, request, cancellationToken).ConfigureAwait(false), instance, WritePage);
    }

    private static string? Get(Dictionary<string, string> query, string name) => query.TryGetValue(name, out string? value) ? value : null;

    private static string Body(HttpApiRequest request)
    {
        if (request.Body is null)
        {
            return string.Empty;
        }

        if (!request.IsBase64Encoded)
        {
            return request.Body;
        }

        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(request.Body));
        }
        catch (FormatException)
        {
            return string.Empty;
        }
    }

    private static void WritePage(Utf8JsonWriter json, EventPage page)
    {
        json.WriteStartObject();
        json.WriteStartArray("events");
        foreach (StoredEvent e in page.Events)
        {
            EventJson.Write(json, e);
        }

        json.WriteEndArray();
        if (page.NextCursor is { } next)
        {
            json.WriteString("nextCursor", next);
        }
        else
        {
            json.WriteNull("nextCursor");
        }

        json.WriteEndObject();
    }

    private static void WriteLimits(Utf8JsonWriter json, IReadOnlyList<LimitSetting> limits)
    {
        json.WriteStartObject();
        json.WriteStartArray("limits");
        foreach (LimitSetting setting in limits)
        {
            LimitJson.Write(json, setting);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteSubscriptions(Utf8JsonWriter json, IReadOnlyList<Subscription> subscriptions)
    {
        json.WriteStartObject();
        json.WriteStartArray("subscriptions");
        foreach (Subscription s in subscriptions)
        {
            WriteSubscription(json, s);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteSubscription(Utf8JsonWriter json, Subscription s)
    {
        json.WriteStartObject();
        json.WriteString("id", s.Id);
        json.WriteString("name", s.Name);
        json.WriteStartArray("types");
        foreach (EventType type in s.Types)
        {
            json.WriteStringValue(EventTypeNames.Name(type));
        }

        json.WriteEndArray();
        json.WriteStartArray("cars");
        foreach (string car in s.Cars)
        {
            json.WriteStringValue(car);
        }

        json.WriteEndArray();
        if (s.WebhookUrl is { } url)
        {
            json.WriteStartObject("webhook");
            json.WriteString("url", url.AbsoluteUri);
            json.WriteEndObject();
        }

        if (s.Email is { } email)
        {
            json.WriteString("email", email);
        }

        json.WriteBoolean("enabled", !s.Paused);
        json.WriteEndObject();
    }

    private static void WriteNotifications(Utf8JsonWriter json, NotificationPage page)
    {
        json.WriteStartObject();
        json.WriteStartArray("notifications");
        foreach (OutboxEntry e in page.Entries)
        {
            WriteNotification(json, e);
        }

        json.WriteEndArray();
        if (page.NextCursor is { } next)
        {
            json.WriteString("nextCursor", next);
        }
        else
        {
            json.WriteNull("nextCursor");
        }

        json.WriteEndObject();
    }

    private static void WriteNotification(Utf8JsonWriter json, OutboxEntry e)
    {
        json.WriteStartObject();
        json.WriteString("deliveryId", e.DeliveryId);
        json.WriteString("carId", e.CarId);
        json.WriteString("eventId", e.EventId);
        json.WriteString("subscriptionId", e.SubscriptionId);
        json.WriteString("channel", e.Channel == Channel.Webhook ? "webhook" : "email");
        json.WriteString("target", e.Target);
        json.WriteString("state", e.State.ToString().ToLowerInvariant());
        json.WriteNumber("attempts", e.Attempts);
        json.WriteNumber("nextAttemptMs", e.NextAttemptMs);
        if (e.LastError is { } error)
        {
            json.WriteString("lastError", error);
        }

        json.WriteNumber("createdMs", e.CreatedMs);
        if (e.DeliveredMs is { } delivered)
        {
            json.WriteNumber("deliveredMs", delivered);
        }

        json.WriteString("summary", e.Summary);
        json.WriteEndObject();
    }

    private static void WriteZones(Utf8JsonWriter json, IReadOnlyList<Zone> zones)
    {
        json.WriteStartObject();
        json.WriteStartArray("zones");
        foreach (Zone zone in zones)
        {
            WriteZone(json, zone);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>A zone in the form <see cref="ZoneParser"/> reads, with its id.</summary>
    /// <param name="json">The writer.</param>
    /// <param name="zone">The zone.</param>
    public static void WriteZone(Utf8JsonWriter json, Zone zone)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(zone);
        json.WriteStartObject();
        json.WriteString("id", zone.Id);
        json.WriteString("name", zone.Name);
        json.WriteString("scope", zone.Scope == ZoneScope.Rental ? "rental" : "fleet");
        if (zone.RentalId is { } rental)
        {
            json.WriteString("rentalId", rental);
        }

        json.WriteBoolean("returnZone", zone.IsReturnZone);
        if (zone.Center is { } c)
        {
            json.WriteStartObject("circle");
            json.WriteNumber("lat", c.LatE7 / 10_000_000m);
            json.WriteNumber("lon", c.LonE7 / 10_000_000m);
            json.WriteNumber("radiusM", zone.RadiusM);
            json.WriteEndObject();
        }
        else
        {
            json.WriteStartArray("polygon");
            foreach (GeoPoint p in zone.Vertices)
            {
                json.WriteStartArray();
                json.WriteNumberValue(p.LatE7 / 10_000_000m);
                json.WriteNumberValue(p.LonE7 / 10_000_000m);
                json.WriteEndArray();
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
    }

    private static void Number(Utf8JsonWriter json, string name, long? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
    }
}
