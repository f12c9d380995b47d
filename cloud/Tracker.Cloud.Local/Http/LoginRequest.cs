namespace Tracker.Cloud.Local.Http;

/// <summary>The body of <c>POST /auth/login</c>.</summary>
/// <param name="User">The user id.</param>
/// <param name="Password">The password.</param>
public sealed record LoginRequest(string? User, string? Password);

/// <summary>The answer to a good login.</summary>
/// <param name="Token">The bearer token (HS256 JWT) for the API and the MQTT WebSocket.</param>
/// <param name="User">The user id.</param>
/// <param name="Roles">The role names.</param>
/// <param name="ExpiresMs">When the token expires, UTC epoch ms.</param>
public sealed record LoginResponse(string Token, string User, IReadOnlyList<string> Roles, long ExpiresMs);
