using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Lambda.Api;
using Tracker.Cloud.Lambda.Events;
using Tracker.Cloud.Local.Security;
using Tracker.Cloud.Local.Observability;

namespace Tracker.Cloud.Local.Http;

/// <summary>
/// The HTTP edge of the local host. The API routes are the Lambda's own <see cref="ApiHandler"/>: each request becomes
/// the API Gateway HTTP API v2 event it would be in AWS, with the claims of the bearer token that this host (in the
/// JWT authorizer's role) has validated, so the local API and the deployed one cannot drift apart.
/// </summary>
public static class LocalEndpoints
{
    private const int MaxLoginBytes = 4096;
    private const string LoginPath = "/auth/login";

    /// <summary>Where the generated town's map is served (the web app reads it relative to its page).</summary>
    public const string TownMapPath = "/map/town.geojson";
    private static readonly string[] ApiPaths = ["/me", "/cars", "/cars/{carId}/location", "/cars/{carId}/locations", "/cars/{**rest}", "/events", "/zones", "/zones/{**rest}", "/subscriptions", "/subscriptions/{**rest}", "/notifications", "/notifications/{**rest}", "/limits", "/daily", "/rentals/{**rest}"];

    /// <summary>Maps login, the API, health and metrics.</summary>
    /// <param name="app">The routes.</param>
    /// <param name="api">The Lambda's API handler.</param>
    /// <param name="users">The dev logins, or null when users sign in elsewhere (<c>--auth oidc</c>: no <c>/auth/login</c>).</param>
    /// <param name="tokens">The API's bearer token check (API Gateway's JWT authorizer's place).</param>
    /// <param name="metrics">The counters.</param>
    /// <param name="townMap">The generated town's map (GeoJSON), or null when the cars replay a log.</param>
    /// <param name="health">Runs the health checks.</param>
    public static void Map(IEndpointRouteBuilder app, ApiHandler api, LocalUsers? users, IApiTokens tokens, HostMetrics metrics, byte[]? townMap, Func<CancellationToken, Task<HealthReport>> health)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(tokens);
        if (users is not null)
        {
            app.MapPost(LoginPath, (Delegate)((HttpContext context) => LoginAsync(context, users, metrics)));
        }

        foreach (string path in ApiPaths)
        {
            app.MapMethods(path, ["GET", "POST", "PUT", "DELETE", "PATCH"], (HttpContext context) => ApiAsync(context, api, tokens));
        }

        app.MapGet("/metrics", (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "no-store";
            return Results.Text(metrics.ToPrometheus(), "text/plain; version=0.0.4; charset=utf-8");
        });
        app.MapGet("/health", async (HttpContext context) =>
        {
            HealthReport report = await health(context.RequestAborted).ConfigureAwait(false);
            context.Response.Headers.CacheControl = "no-store";
            return Results.Json(report, LocalJsonContext.Default.HealthReport, statusCode: report.Status == "ok" ? 200 : 503);
        });

        // The streets the simulated cars drive on, for the web map (the very polylines their routes follow).
        app.MapGet(TownMapPath, (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "no-cache";
            return townMap is null
                ? Problem(404, "no-town", "No generated town", "The cars replay a log (--replay): there is no generated town to draw; the web map shows its online tiles where it can reach them.", TownMapPath)
                : Results.Bytes(townMap, "application/geo+json");
        });

        // Anything else (no route, no file of the web app): a problem document that names what was asked for,
        // as the API's own 404s do, rather than an empty body.
        app.MapFallback((HttpContext context) => Problem(
            404,
            "not-found",
            "Not found",
            "There is nothing at " + context.Request.Method + " " + context.Request.Path + ". The API's routes are GET /me, /cars, /cars/{carId}/location and /cars/{carId}/locations; operators also GET/PUT /cars/{carId}/config, GET /groups, PUT /groups/{group} and GET/PUT /groups/{group}/config; also POST /auth/login, GET /health, /metrics and " + TownMapPath + ", and the web app at /.",
            context.Request.Path.Value ?? "/"));
    }

    private static async Task<IResult> LoginAsync(HttpContext context, LocalUsers users, HostMetrics metrics)
    {
        context.Response.Headers.CacheControl = "no-store";
        if (context.Request.ContentLength is > MaxLoginBytes)
        {
            return Problem(413, "too-large", "Request too large", "A login body is at most " + MaxLoginBytes + " bytes.", LoginPath);
        }

        LoginRequest? login;
        try
        {
            using var limited = new MemoryStream();
            await CopyLimitedAsync(context.Request.Body, limited, MaxLoginBytes, context.RequestAborted).ConfigureAwait(false);
            limited.Position = 0;
            login = await JsonSerializer.DeserializeAsync(limited, LocalJsonContext.Default.LoginRequest, context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            return Problem(400, "bad-login", "Malformed login", "The body must be JSON like {\"user\":\"ops\",\"password\":\"...\"}: " + e.Message, LoginPath);
        }
        catch (InvalidDataException)
        {
            return Problem(413, "too-large", "Request too large", "A login body is at most " + MaxLoginBytes + " bytes.", LoginPath);
        }

        if (login is null || string.IsNullOrEmpty(login.User) || login.Password is null)
        {
            return Problem(400, "bad-login", "Malformed login", "The body must have 'user' and 'password'.", LoginPath);
        }

        string address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        bool known = users.Exists(login.User);
        if (!users.Throttle.TryBegin(login.User, address, known, out TimeSpan retryAfter))
        {
            int seconds = (int)Math.Max(1, Math.Ceiling(retryAfter.TotalSeconds));
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            metrics.Refuse("login-throttled");
            return Problem(429, "too-many-attempts", "Too many sign-in attempts", "Try again in " + seconds + " s (sign-in is limited per user and per address).", LoginPath);
        }

        LocalUser? user = users.Check(login.User, login.Password);
        users.Throttle.End(login.User, known, user is not null);
        if (user is null)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return Problem(401, "unauthenticated", "Login failed", "Unknown user or wrong password (the console prints the local logins).", LoginPath);
        }

        string token = users.Tokens.Issue(user.User, user.Roles, LocalUsers.TokenLifetime);
        TokenValidation validated = users.Tokens.Validate(token);
        long expMs = long.Parse(validated.Claims["exp"], System.Globalization.CultureInfo.InvariantCulture) * 1000;
        List<string> roles = [];
        if (user.Roles.HasFlag(Role.Operator))
        {
            roles.Add(IdentityClaims.OperatorName);
        }

        if (user.Roles.HasFlag(Role.Renter))
        {
            roles.Add(IdentityClaims.RenterName);
        }

        return Results.Json(new LoginResponse(token, user.User, roles, expMs), LocalJsonContext.Default.LoginResponse);
    }

    private static async Task ApiAsync(HttpContext context, ApiHandler api, IApiTokens tokens)
    {
        HttpRequest http = context.Request;
        string? authorization = http.Headers.Authorization;
        Dictionary<string, JsonElement>? claims = null;
        if (!string.IsNullOrEmpty(authorization))
        {
            ApiTokenCheck token = await tokens.CheckAsync(authorization, context.RequestAborted).ConfigureAwait(false);
            if (token.Outcome == ApiTokenOutcome.Unavailable)
            {
                // Not the caller's fault: a 401 would sign them out.
                context.Response.Headers.RetryAfter = "5";
                await Problem(503, "unavailable", "Sign-in cannot be checked now", token.Detail, http.Path.Value ?? "/").ExecuteAsync(context).ConfigureAwait(false);
                return;
            }

            if (!token.IsValid)
            {
                // API Gateway's JWT authorizer refuses before the function runs; so does this host.
                context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
                await Problem(401, "unauthenticated", "Unauthenticated", "The bearer token was refused: " + token.Detail, http.Path.Value ?? "/").ExecuteAsync(context).ConfigureAwait(false);
                return;
            }

            claims = token.Claims.ToDictionary(p => p.Key, p => StringElement(p.Value), StringComparer.Ordinal);
        }

        // A body (a zone) travels as API Gateway passes it, text; bounded as the Derive stage's parser bounds it.
        string? body = null;
        if (http.ContentLength is > 0 || http.Headers.TransferEncoding.Count > 0)
        {
            using var buffer = new MemoryStream();
            try
            {
                await CopyLimitedAsync(http.Body, buffer, Tracker.Cloud.Derive.Zones.ZoneParser.MaxBytes, context.RequestAborted).ConfigureAwait(false);
            }
            catch (InvalidDataException)
            {
                await Problem(413, "too-large", "Body too large", "The body is over " + Tracker.Cloud.Derive.Zones.ZoneParser.MaxBytes + " bytes.", http.Path.Value ?? "/").ExecuteAsync(context).ConfigureAwait(false);
                return;
            }

            body = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }

        var request = new HttpApiRequest
        {
            Body = body,
            Version = "2.0",
            RouteKey = "$default",
            RawPath = http.Path.Value ?? "/",
            RawQueryString = http.QueryString.HasValue ? http.QueryString.Value![1..] : string.Empty,
            Headers = http.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.Ordinal),
            QueryStringParameters = http.Query.Count == 0 ? null : http.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal),
            RequestContext = new HttpApiRequestContext
            {
                ApiId = "local",
                RequestId = context.TraceIdentifier,
                RouteKey = "$default",
                Stage = "$default",
                TimeEpoch = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
                Http = new HttpApiHttpDescription { Method = http.Method, Path = http.Path.Value, Protocol = http.Protocol, SourceIp = context.Connection.RemoteIpAddress?.ToString(), UserAgent = http.Headers.UserAgent },
                Authorizer = claims is null ? null : new HttpApiAuthorizer { Jwt = new HttpApiJwtDescription { Claims = claims } },
            },
        };

        HttpApiResponse response = await api.HandleAsync(request, context.RequestAborted).ConfigureAwait(false);
        context.Response.StatusCode = response.StatusCode;
        foreach ((string name, string value) in response.Headers)
        {
            context.Response.Headers[name] = value;
        }

        await context.Response.WriteAsync(response.Body, Encoding.UTF8, context.RequestAborted).ConfigureAwait(false);
    }

    private static JsonElement StringElement(string value)
    {
        using JsonDocument document = JsonDocument.Parse("\"" + JsonEncodedText.Encode(value).ToString() + "\"");
        return document.RootElement.Clone();
    }

    internal static IResult Problem(int status, string type, string title, string detail, string instance) =>
        Results.Text(
            JsonSerializer.Serialize(new ProblemBody("/problems/" + type, title, status, detail, instance), LambdaJsonContext.Relaxed.ProblemBody),
            "application/problem+json",
            Encoding.UTF8,
            status);

    internal static async Task CopyLimitedAsync(Stream source, Stream destination, int limit, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[1024];
        int total = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            total += read;
            if (total > limit)
            {
                throw new InvalidDataException("body too large");
            }

            await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
        }
    }
}
