using Tracker.Cloud.Lambda.Events;

namespace Tracker.Cloud.Lambda.Api;

/// <summary>The API's routes.</summary>
public enum ApiRouteKind
{
    /// <summary>No route matches the path.</summary>
    None,

    /// <summary><c>GET /cars</c>: every car's latest position (operators).</summary>
    Fleet,

    /// <summary><c>GET /cars/{carId}/location</c>: the car's latest position.</summary>
    Latest,

    /// <summary><c>GET /cars/{carId}/locations</c>: the car's history, paginated.</summary>
    History,

    /// <summary><c>GET /me</c>: the caller's user id, roles and running or coming rentals.</summary>
    Me,
}

/// <summary>
/// Matches a request to a route from its method and path, so that it works both behind explicit routes
/// ("GET /cars/{carId}/location") and behind the <c>$default</c> catch-all route.
/// </summary>
/// <param name="Kind">The route, or <see cref="ApiRouteKind.None"/>.</param>
/// <param name="CarId">The <c>{carId}</c> segment, percent-decoded; empty for <see cref="ApiRouteKind.Fleet"/>.</param>
/// <param name="Path">The path matched (without a stage prefix).</param>
public sealed record ApiRoute(ApiRouteKind Kind, string CarId, string Path)
{
    /// <summary>Matches the request's path.</summary>
    /// <param name="request">The event.</param>
    /// <returns>The route; <see cref="ApiRouteKind.None"/> when nothing matches.</returns>
    public static ApiRoute Match(HttpApiRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        string path = request.RawPath ?? request.RequestContext?.Http?.Path ?? "/";

        // With a named stage the raw path starts with it: /prod/cars/...
        string? stage = request.RequestContext?.Stage;
        if (!string.IsNullOrEmpty(stage) && stage != "$default" && path.StartsWith("/" + stage + "/", StringComparison.Ordinal))
        {
            path = path[(stage.Length + 1)..];
        }

        string[] segments = path.Trim('/').Split('/');
        if (segments.Length == 1 && segments[0] == "cars")
        {
            return new ApiRoute(ApiRouteKind.Fleet, string.Empty, path);
        }

        if (segments.Length == 1 && segments[0] == "me")
        {
            return new ApiRoute(ApiRouteKind.Me, string.Empty, path);
        }

        if (segments.Length == 3 && segments[0] == "cars" && segments[1].Length > 0)
        {
            string carId = Decode(segments[1]);
            ApiRouteKind kind = segments[2] switch
            {
                "location" => ApiRouteKind.Latest,
                "locations" => ApiRouteKind.History,
                _ => ApiRouteKind.None,
            };
            return new ApiRoute(kind, carId, path);
        }

        return new ApiRoute(ApiRouteKind.None, string.Empty, path);
    }

    /// <summary>Percent-decodes a path segment (left as it is when malformed).</summary>
    /// <param name="segment">The segment.</param>
    /// <returns>The decoded segment.</returns>
    public static string Decode(string segment)
    {
        try
        {
            return Uri.UnescapeDataString(segment);
        }
        catch (UriFormatException)
        {
            return segment;
        }
    }
}
