namespace Tracker.Cloud.Core.Query;

/// <summary>How a query ended; the API maps each to one HTTP status and, when not <see cref="Ok"/>, an RFC 9457 problem.</summary>
public enum QueryStatus
{
    /// <summary>Answered (HTTP 200).</summary>
    Ok,

    /// <summary>A parameter is wrong; <see cref="QueryResult{T}.Errors"/> names each (HTTP 400).</summary>
    BadRequest,

    /// <summary>The caller may not see this (HTTP 403).</summary>
    Forbidden,

    /// <summary>No such car for this caller, or no position yet (HTTP 404).</summary>
    NotFound,
}
