namespace Tracker.Cloud.Local.Options;

/// <summary>How users sign in to the local stack, and how the broker lets browsers in.</summary>
public enum AuthMode
{
    /// <summary>
    /// The local dev logins (<c>POST /auth/login</c>, HS256 tokens from this host); browsers give the token as their
    /// MQTT password. For the local stack only: nothing in AWS accepts these tokens.
    /// </summary>
    Local,

    /// <summary>
    /// As on AWS: users sign in at an OpenID Connect provider standing in for Cognito's hosted UI (authorization code
    /// with PKCE), the API accepts its ID tokens as API Gateway's JWT authorizer does, and the broker authorizes
    /// browsers as IoT Core's custom authorizer does (the authorizer's name and the token in the WebSocket upgrade's
    /// query string, the live authorizer's policy enforced, the connection closed at its end).
    /// </summary>
    Oidc,
}
