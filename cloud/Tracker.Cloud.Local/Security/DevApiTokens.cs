using Tracker.Cloud.Core.Access;

namespace Tracker.Cloud.Local.Security;

/// <summary>The API's check of this host's own dev tokens (<c>--auth local</c>).</summary>
/// <param name="tokens">The dev token validator.</param>
public sealed class DevApiTokens(DevTokens tokens) : IApiTokens
{
    /// <inheritdoc />
    public ValueTask<ApiTokenCheck> CheckAsync(string authorization, CancellationToken cancellationToken)
    {
        TokenValidation token = tokens.Validate(authorization);
        return ValueTask.FromResult(token.IsValid ? new ApiTokenCheck(ApiTokenOutcome.Valid, token.Claims, string.Empty) : ApiTokenCheck.Refused(token.Detail));
    }
}
