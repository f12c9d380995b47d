using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Core.Cars;
using Tracker.Cloud.Core.Query;
using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Derive.Storage;
using Tracker.Cloud.Lambda.Events;

namespace Tracker.Cloud.Lambda.Api;

/// <summary>
/// The API function: an API Gateway HTTP API (payload format 2.0) request in, a response out. Routes:
/// <c>GET /cars/{carId}/location</c>, <c>GET /cars/{carId}/locations?start=&amp;end=&amp;limit=&amp;cursor=</c>,
/// <c>GET /cars</c> (operators), <c>GET /me</c> (the caller and their rentals). Every refusal is an RFC 9457 problem (<c>application/problem+json</c>).
/// </summary>
/// <remarks>
/// Thin: routing, identity from the claims (<see cref="CallerClaims"/>), then <see cref="QueryService"/>
/// (validation, <see cref="AccessPolicy"/>, reads), and the mapping of its outcome to HTTP in one place
/// (<c>Refused</c>): 400 bad parameter, 403 forbidden (a renter outside the rental, a renter on /cars),
/// 404 not found (a car the caller may not know of, or no position in their window).
/// </remarks>
public sealed class ApiHandler
{
    private const string ProblemJson = "application/problem+json";
    private const string Json = "application/json";

    private readonly QueryService _queries;
    private readonly TimeProvider _clock;
    private readonly CarRules _rules;
    private readonly EventsApi? _events;
    private ReportsApi? _reports;

    /// <summary>Creates the handler over the core's read side.</summary>
    /// <param name="queries">Validation, the access policy and the store's reads.</param>
    /// <param name="clock">The clock that token expiry and a car's state are checked against (the policy has its own for rentals).</param>
    /// <param name="rules">What moving, stopped and offline mean (<see cref="CarRules.Default"/> when null): the rules ingest stores by.</param>
    /// <param name="events">The Derive stage's routes (events, zones), or null when they are not served.</param>
    public ApiHandler(QueryService queries, TimeProvider clock, CarRules? rules = null, EventsApi? events = null)
    {
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentNullException.ThrowIfNull(clock);
        _queries = queries;
        _clock = clock;
        _rules = rules ?? CarRules.Default;
        _rules.Validate();
        _events = events;
    }

    /// <summary>
    /// The Derive stage's odometers (issue 17), which a car's latest position shows (<see cref="LocationBody.OdometerM"/>),
    /// or null to show none.
    /// </summary>
    public ICarOdometers? Odometers { get; init; }

    /// <summary>Issue 17's report routes (trips, stops, daily, rental summary, odometer), or null when they are not served.</summary>
    public ReportsApi? Reports
    {
        get => _reports;
        init => _reports = value;
    }

    /// <summary>Issue 18's update and rollout routes on AWS (S3 images, IoT Jobs), or null when they are not served.</summary>
    public RolloutsApi? Rollouts { get; init; }

    /// <summary>Issue 18's remote config and group routes on AWS (device shadows, static thing groups), or null when they are not served.</summary>
    public ConfigApi? Config { get; init; }

    /// <summary>Issue 18's image route for the cars (<c>GET /images/{version}?e=&amp;t=</c>, no sign-in: the URL's token decides), or null when not served.</summary>
    public ImagesApi? Images { get; init; }

    /// <summary>The Lambda entry point shape (Stream in, Stream out); see <see cref="HandleAsync(Stream, CancellationToken)"/>.</summary>
    /// <param name="input">The event JSON.</param>
    /// <returns>The response JSON.</returns>
    public Task<Stream> FunctionHandler(Stream input) => HandleAsync(input, CancellationToken.None);

    /// <summary>Handles one invocation.</summary>
    /// <param name="input">The event JSON.</param>
    /// <param name="cancellationToken">Cancels storage calls.</param>
    /// <returns>The <see cref="HttpApiResponse"/> as JSON.</returns>
    /// <exception cref="InvalidEventException">The event is not an HTTP API payload format 2.0 request.</exception>
    public async Task<Stream> HandleAsync(Stream input, CancellationToken cancellationToken)
    {
        HttpApiRequest request = await EventReader.ReadAsync(input, LambdaJsonContext.Relaxed.HttpApiRequest, "HTTP API event", cancellationToken).ConfigureAwait(false);
        HttpApiResponse response = await HandleAsync(request, cancellationToken).ConfigureAwait(false);
        return await ResponseWriter.ToStreamAsync(response, LambdaJsonContext.Relaxed.HttpApiResponse, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Handles one parsed request.</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels storage calls.</param>
    /// <returns>The response.</returns>
    /// <exception cref="InvalidEventException">The event is not payload format 2.0, or has no method.</exception>
    public async Task<HttpApiResponse> HandleAsync(HttpApiRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Version != "2.0")
        {
            throw new InvalidEventException("HTTP API event: 'version' is '" + request.Version + "', expected '2.0' (set the integration's payloadFormatVersion to 2.0)");
        }

        string method = request.RequestContext?.Http?.Method
            ?? throw new InvalidEventException("HTTP API event: 'requestContext.http.method' is missing");
        ApiRoute route = ApiRoute.Match(request);
        string instance = route.Path + (request.RequestContext?.RequestId is { Length: > 0 } id ? "#request-" + id : string.Empty);
        string[] segments = route.Path.Trim('/').Split('/').Select(ApiRoute.Decode).ToArray();
        var call = new ApiCall(request, segments, method, instance);
        foreach (IApiRoutes? routes in (IApiRoutes?[])[_reports, _events, Images, Rollouts, Config])
        {
            if (routes is not null && routes.Owns(segments))
            {
                if (!routes.SignedIn)
                {
                    return await routes.HandleAsync(call, null, cancellationToken).ConfigureAwait(false);
                }

                return Unauthenticated(request, instance, out Identity? signedIn)
                    ?? await routes.HandleAsync(call, signedIn, cancellationToken).ConfigureAwait(false);
            }
        }

        if (route.Kind == ApiRouteKind.None)
        {
            return Problem(ProblemType.NotFound.With("No route for " + Clip(route.Path) + ": the API has GET /me, GET /cars, GET /cars/{carId}/location and GET /cars/{carId}/locations.", instance));
        }

        if (!string.Equals(method, "GET", StringComparison.Ordinal))
        {
            HttpApiResponse refused = Problem(ProblemType.MethodNotAllowed.With(method + " is not allowed here; use GET.", instance));
            refused.Headers["allow"] = "GET";
            return refused;
        }

        long nowMs = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        if (!CallerClaims.TryRead(request, nowMs, out Identity? caller, out string why))
        {
            HttpApiResponse refused = Problem(ProblemType.Unauthenticated.With(why, instance));
            refused.Headers["www-authenticate"] = "Bearer";
            return refused;
        }

        return route.Kind switch
        {
            ApiRouteKind.Me => await MeAsync(caller!, cancellationToken).ConfigureAwait(false),
            ApiRouteKind.Fleet => await FleetAsync(caller!, instance, cancellationToken).ConfigureAwait(false),
            ApiRouteKind.Latest => await LatestAsync(caller!, route.CarId, instance, cancellationToken).ConfigureAwait(false),
            _ => await HistoryAsync(caller!, route.CarId, request.QueryStringParameters, instance, cancellationToken).ConfigureAwait(false),
        };
    }

    // 401 with a Bearer challenge when the claims give no usable identity (CallerClaims), else null and the caller.
    private HttpApiResponse? Unauthenticated(HttpApiRequest request, string instance, out Identity? caller)
    {
        if (CallerClaims.TryRead(request, _clock.GetUtcNow().ToUnixTimeMilliseconds(), out caller, out string whyNot))
        {
            return null;
        }

        HttpApiResponse refused = Problem(ProblemType.Unauthenticated.With(whyNot, instance));
        refused.Headers["www-authenticate"] = "Bearer";
        return refused;
    }

    private async Task<HttpApiResponse> MeAsync(Identity caller, CancellationToken cancellationToken)
    {
        QueryResult<IReadOnlyList<Rental>> result = await _queries.GetRentalsAsync(caller, cancellationToken).ConfigureAwait(false);
        return Ok(MeBody.From(caller, result.Value!), LambdaJsonContext.Relaxed.MeBody);
    }

    private async Task<HttpApiResponse> FleetAsync(Identity caller, string instance, CancellationToken cancellationToken)
    {
        QueryResult<IReadOnlyList<StoredFix>> result = await _queries.GetFleetAsync(caller, cancellationToken).ConfigureAwait(false);
        return result.Status == QueryStatus.Ok
            ? Ok(new FleetBody([.. result.Value!.OrderBy(f => f.CarId, StringComparer.Ordinal).Select(Latest)]), LambdaJsonContext.Relaxed.FleetBody)
            : Refused(result, instance);
    }

    private async Task<HttpApiResponse> LatestAsync(Identity caller, string carId, string instance, CancellationToken cancellationToken)
    {
        QueryResult<StoredFix> result = await _queries.GetLatestAsync(caller, carId, cancellationToken).ConfigureAwait(false);
        if (result.Status != QueryStatus.Ok)
        {
            return Refused(result, instance);
        }

        StoredFix fix = result.Value!;
        long? odometer = await OdometerAtAsync(fix, cancellationToken).ConfigureAwait(false);
        return Ok(LocationBody.Latest(fix, _rules.StateOf(fix.Ts, fix.Moving, _clock.GetUtcNow().ToUnixTimeMilliseconds()), odometer), LambdaJsonContext.Relaxed.LocationBody);
    }

    // Derive's odometer at the newest fix it applied, shown only when that fix is not later than the one shown: a renter
    // whose position is the last of their rental must not see the distance driven after it.
    private async Task<long?> OdometerAtAsync(StoredFix fix, CancellationToken cancellationToken)
    {
        if (Odometers is null)
        {
            return null;
        }

        CarOdometer? odometer = await Odometers.GetOdometerAsync(fix.CarId, cancellationToken).ConfigureAwait(false);
        return odometer is not null && odometer.Ts <= fix.Ts ? odometer.ValueM : null;
    }

    private async Task<HttpApiResponse> HistoryAsync(Identity caller, string carId, Dictionary<string, string>? query, string instance, CancellationToken cancellationToken)
    {
        query ??= [];

        // The core takes the four parameters; anything else is a typo ("from=") that must not be silently ignored.
        string? unknown = query.Keys.Where(k => !HistoryParameterNames.Contains(k)).Order(StringComparer.Ordinal).FirstOrDefault();
        if (unknown is not null)
        {
            return Problem(ProblemType.BadQuery.With("Unknown query parameter '" + Clip(unknown) + "': this route takes start, end, limit and cursor.", instance));
        }

        HistoryRequest request = new(Get(query, "start"), Get(query, "end"), Get(query, "limit"), Get(query, "cursor"));
        QueryResult<FixPage> result = await _queries.GetHistoryAsync(caller, carId, request, cancellationToken).ConfigureAwait(false);
        if (result.Status != QueryStatus.Ok)
        {
            return Refused(result, instance);
        }

        // The window as asked (the core already parsed it successfully, so this parse cannot fail).
        HistoryParameters.TryParse(request, out HistoryParameters? asked, out _);
        return Ok(new HistoryBody(carId, asked!.StartMs, asked.EndMs, [.. result.Value!.Fixes.Select(LocationBody.From)], result.Value.NextCursor), LambdaJsonContext.Relaxed.HistoryBody);
    }

    private LocationBody Latest(StoredFix fix) =>
        LocationBody.Latest(fix, _rules.StateOf(fix.Ts, fix.Moving, _clock.GetUtcNow().ToUnixTimeMilliseconds()));

    private static readonly HashSet<string> HistoryParameterNames = new(StringComparer.Ordinal) { "start", "end", "limit", "cursor" };

    private static string? Get(Dictionary<string, string> query, string name) => query.TryGetValue(name, out string? value) ? value : null;

    /// <summary>The one place a core refusal becomes an HTTP problem.</summary>
    internal static HttpApiResponse Refused<T>(QueryResult<T> result, string instance)
    {
        ProblemType type = result.Status switch
        {
            QueryStatus.BadRequest => ProblemType.BadQuery,
            QueryStatus.Forbidden => ProblemType.Forbidden,
            QueryStatus.NotFound => ProblemType.NotFound,
            _ => throw new ArgumentOutOfRangeException(nameof(result), result.Status, "not a refusal"),
        };
        string detail = result.Errors.Count > 0
            ? string.Join(" ", result.Errors.Select(e => "'" + e.Name + "' " + e.Message + "."))
            : Sentence(result.Detail);
        return Problem(type.With(detail, instance));
    }

    /// <summary>The one place a core answer becomes a JSON reply: 200 with the writer's body, or the refusal as a problem.</summary>
    internal static HttpApiResponse Reply<T>(QueryResult<T> result, string instance, Action<Utf8JsonWriter, T> write)
    {
        if (result.Status != QueryStatus.Ok)
        {
            return Refused(result, instance);
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            write(json, result.Value!);
        }

        HttpApiResponse response = new() { StatusCode = 200, Body = System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan) };
        response.Headers["content-type"] = Json;
        response.Headers["cache-control"] = "no-store";
        return response;
    }

    private static string Sentence(string text) =>
        text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..] + (text.EndsWith('.') ? string.Empty : ".");

    private static HttpApiResponse Ok<T>(T body, JsonTypeInfo<T> typeInfo)
    {
        HttpApiResponse response = new() { StatusCode = 200, Body = JsonSerializer.Serialize(body, typeInfo) };
        response.Headers["content-type"] = Json;
        response.Headers["cache-control"] = "no-store";
        return response;
    }

    internal static HttpApiResponse Problem(ProblemBody problem)
    {
        HttpApiResponse response = new() { StatusCode = problem.Status, Body = JsonSerializer.Serialize(problem, LambdaJsonContext.Relaxed.ProblemBody) };
        response.Headers["content-type"] = ProblemJson;
        response.Headers["cache-control"] = "no-store";
        return response;
    }

    private static string Clip(string text) => TimeParameter.Clip(text);

}
