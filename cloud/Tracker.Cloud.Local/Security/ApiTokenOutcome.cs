namespace Tracker.Cloud.Local.Security;

/// <summary>What <see cref="IApiTokens.CheckAsync"/> decided.</summary>
public enum ApiTokenOutcome
{
    /// <summary>The token is valid.</summary>
    Valid,

    /// <summary>The token is refused (401).</summary>
    Refused,

    /// <summary>The provider's keys cannot be read, so nothing can be decided (503, and the client keeps its session).</summary>
    Unavailable,
}
