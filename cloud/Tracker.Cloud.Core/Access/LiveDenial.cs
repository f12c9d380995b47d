namespace Tracker.Cloud.Core.Access;

/// <summary>Why <see cref="LiveAuthorizer"/> refused a browser's live connection.</summary>
public enum LiveDenial
{
    /// <summary>Not refused.</summary>
    None,

    /// <summary>The MQTT client id is missing or not <c>web-</c> followed by 1 to 123 of <c>[A-Za-z0-9_-]</c>.</summary>
    BadClientId,

    /// <summary>No token where IoT Core passes one (<see cref="LiveCredentials"/>), a password that is not base64 of UTF-8, or an ambiguous query string.</summary>
    MalformedCredentials,

    /// <summary>The token failed validation (<see cref="LiveAuthorization.TokenError"/> says how).</summary>
    InvalidToken,

    /// <summary>The token has no subject.</summary>
    NoSubject,

    /// <summary>The caller is neither an operator nor a renter.</summary>
    NoRole,

    /// <summary>A renter with no rental running now (or only ones ending before IoT's shortest connection).</summary>
    NoRunningRental,

    /// <summary>The token expires before IoT Core's shortest connection (300 s): the browser must refresh it first.</summary>
    TokenExpiresTooSoon,

    /// <summary>The grant does not fit in IoT Core's 10 policy documents of 2,048 characters.</summary>
    PolicyTooLarge,

    /// <summary>The client id does not carry the caller's own owner tag (<see cref="LiveClientIds"/>): it may be another user's.</summary>
    ForeignClientId,
}
