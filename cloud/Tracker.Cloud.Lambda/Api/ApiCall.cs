using Tracker.Cloud.Lambda.Events;

namespace Tracker.Cloud.Lambda.Api;

/// <summary>
/// One request as a group of routes (<see cref="IApiRoutes"/>) receives it: the request, its path's segments (stage
/// removed, percent-decoded), its method and the problem instance, with the answers every group gives the same way.
/// </summary>
/// <param name="Request">The request.</param>
/// <param name="Segments">The path's segments.</param>
/// <param name="Method">The method.</param>
/// <param name="Instance">The problem instance (RFC 9457 §3.1.5): the path and the request id.</param>
public sealed record ApiCall(HttpApiRequest Request, IReadOnlyList<string> Segments, string Method, string Instance)
{
    /// <summary>Null when the method is one of <paramref name="allowed"/>, else 405 with <c>allow</c> (RFC 9110 §15.5.6).</summary>
    /// <param name="allowed">The methods the route takes, comma-separated (<c>"GET, PUT"</c>).</param>
    /// <returns>Null, or the refusal.</returns>
    public HttpApiResponse? Allow(string allowed)
    {
        ArgumentNullException.ThrowIfNull(allowed);
        if (allowed.Split(", ").Contains(Method))
        {
            return null;
        }

        HttpApiResponse refused = Problem(ProblemType.MethodNotAllowed, Method + " is not allowed here; use " + allowed + ".");
        refused.Headers["allow"] = allowed;
        return refused;
    }

    /// <summary>A problem answer for this request.</summary>
    /// <param name="type">The kind of refusal.</param>
    /// <param name="detail">What went wrong with this request.</param>
    /// <returns>The response.</returns>
    public HttpApiResponse Problem(ProblemType type, string detail)
    {
        ArgumentNullException.ThrowIfNull(type);
        return ApiHandler.Problem(type.With(detail, Instance));
    }
}
