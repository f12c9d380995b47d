namespace Tracker.Cloud.Lambda.Api;

/// <summary>The API's problem types (RFC 9457): one per kind of refusal, each with a fixed title.</summary>
public sealed record ProblemType(string Type, string Title, int Status)
{
    /// <summary>400: a query parameter is missing its form or out of range.</summary>
    public static readonly ProblemType BadQuery = new("/problems/bad-query", "Bad query parameter", 400);

    /// <summary>401: no usable identity in the authorizer's claims.</summary>
    public static readonly ProblemType Unauthenticated = new("/problems/unauthenticated", "Not authenticated", 401);

    /// <summary>403: the caller is known but may not see this.</summary>
    public static readonly ProblemType Forbidden = new("/problems/forbidden", "Forbidden", 403);

    /// <summary>404: no such route, or no such car (or none the caller may know of).</summary>
    public static readonly ProblemType NotFound = new("/problems/not-found", "Not found", 404);

    /// <summary>405: the route exists for GET only.</summary>
    public static readonly ProblemType MethodNotAllowed = new("/problems/method-not-allowed", "Method not allowed", 405);

    /// <summary>422: an export of a whole period would pass the ceiling of one response (<c>ReportsApi.ExportCeilingChars</c>).</summary>
    public static readonly ProblemType ExportTooLarge = new("/problems/export-too-large", "Export too large", 422);

    /// <summary>Builds the body for one occurrence.</summary>
    /// <param name="detail">What went wrong with this request.</param>
    /// <param name="instance">The occurrence.</param>
    /// <returns>The body.</returns>
    public ProblemBody With(string detail, string instance) => new(Type, Title, Status, detail, instance);
}
