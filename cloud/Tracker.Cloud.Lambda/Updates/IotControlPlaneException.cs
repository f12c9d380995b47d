using System.Net;

namespace Tracker.Cloud.Lambda.Updates;

/// <summary>What went wrong when IoT's control plane refused a call or answered something this code cannot read.</summary>
public enum IotFailure
{
    /// <summary>404, <c>ResourceNotFoundException</c>: the group, job or execution does not exist.</summary>
    NotFound,

    /// <summary>409, <c>ResourceAlreadyExistsException</c>, <c>ConflictException</c>, <c>VersionConflictException</c>, or a
    /// 400 <c>InvalidRequestException</c> on an action the job's state does not allow (CancelJob of a finished job).</summary>
    Conflict,

    /// <summary>429 <c>ThrottlingException</c>, 410 <c>LimitExceededException</c>, 503 <c>ServiceUnavailableException</c>: try later.</summary>
    Busy,

    /// <summary>Anything else: a refusal this code did not expect (403 for a missing IAM permission), a 5xx, a transport
    /// failure, or an answer that is not the documented JSON.</summary>
    Failed,
}

/// <summary>A failed IoT control-plane call: the operation, the HTTP status (0 when none came back), AWS's error type and message.</summary>
/// <param name="operation">The API operation (<c>CreateJob</c>...).</param>
/// <param name="status">The HTTP status, or 0.</param>
/// <param name="errorType">AWS's error type (<c>x-amzn-ErrorType</c> without its suffix), or empty.</param>
/// <param name="detail">AWS's message, or what was wrong with the answer.</param>
public sealed class IotControlPlaneException(string operation, int status, string errorType, string detail)
    : Exception("IoT " + operation + " failed: " + (status == 0 ? string.Empty : "HTTP " + status + " ") + (errorType.Length == 0 ? string.Empty : errorType + ": ") + detail)
{
    /// <summary>The operation.</summary>
    public string Operation { get; } = operation;

    /// <summary>The HTTP status, or 0 when none came back.</summary>
    public int Status { get; } = status;

    /// <summary>AWS's error type, or empty.</summary>
    public string ErrorType { get; } = errorType;

    /// <summary>What kind of failure this is, for the API's answer.</summary>
    public IotFailure Kind { get; } = Classify(status, errorType);

    /// <summary>An answer that is not the documented JSON.</summary>
    /// <param name="operation">The operation.</param>
    /// <param name="what">What was wrong.</param>
    /// <returns>The exception.</returns>
    public static IotControlPlaneException Malformed(string operation, string what) => new(operation, (int)HttpStatusCode.OK, "MalformedAnswer", what);

    private static IotFailure Classify(int status, string errorType) => (status, errorType) switch
    {
        (_, "MalformedAnswer") => IotFailure.Failed,
        (404, _) or (_, "ResourceNotFoundException") => IotFailure.NotFound,
        (409, _) or (_, "ResourceAlreadyExistsException" or "ConflictException" or "VersionConflictException" or "ConflictingResourceUpdateException") => IotFailure.Conflict,
        (429 or 410 or 503, _) or (_, "ThrottlingException" or "LimitExceededException" or "ServiceUnavailableException") => IotFailure.Busy,
        _ => IotFailure.Failed,
    };
}
