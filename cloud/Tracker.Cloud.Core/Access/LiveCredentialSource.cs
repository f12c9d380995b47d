namespace Tracker.Cloud.Core.Access;

/// <summary>Where <see cref="LiveCredentials.Read"/> found a connection's token.</summary>
public enum LiveCredentialSource
{
    /// <summary>No token.</summary>
    None,

    /// <summary>IoT Core extracted it by the authorizer's token key name (its event's <c>token</c>).</summary>
    Extracted,

    /// <summary>The WebSocket upgrade request's query string: the browsers' form.</summary>
    UpgradeQuery,

    /// <summary>A query string after the MQTT user name.</summary>
    UserNameQuery,

    /// <summary>The MQTT password.</summary>
    Password,
}
