using System.Text;
using Tracker.Cloud.Core.Storage;
using Tracker.Core.Uplink;

namespace Tracker.Cloud.Core.Access;

/// <summary>
/// Decides a browser's live MQTT connection (AWS IoT Core custom authorizer, MQTT over WSS): the
/// user's Cognito token is validated (<see cref="CognitoTokenValidator"/>), their rentals are read,
/// and the connection gets an IoT policy scoped like the REST API (DESIGN.md, "Serve"): operators see
/// every car's <c>fleet/{car}/fixes</c> and <c>fleet/{car}/status</c> and may ask any car to go live;
/// a renter sees, and may ask, only the cars whose rental is running now. The connection never
/// outlives the token, nor the earliest end of the rentals it serves; IoT Core re-asks every
/// <see cref="LiveAuthorizerOptions.RefreshAfterSeconds"/>, so a cancelled rental closes it soon.
/// </summary>
public sealed class LiveAuthorizer
{
    private const int MaxClientIdLength = 128;

    private readonly CognitoTokenValidator _tokens;
    private readonly ISigningKeySource _keys;
    private readonly IRentalStore _rentals;
    private readonly LiveAuthorizerOptions _options;
    private readonly TimeProvider _clock;

    /// <summary>Creates the authorizer.</summary>
    /// <param name="tokens">The token validator.</param>
    /// <param name="keys">The user pool's signing keys.</param>
    /// <param name="rentals">The rentals.</param>
    /// <param name="options">Resource prefix and timings; validated here.</param>
    /// <param name="clock">"Now", for rentals and connection lengths.</param>
    public LiveAuthorizer(CognitoTokenValidator tokens, ISigningKeySource keys, IRentalStore rentals, LiveAuthorizerOptions options, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(rentals);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        options.Validate();
        _tokens = tokens;
        _keys = keys;
        _rentals = rentals;
        _options = options;
        _clock = clock;
    }

    /// <summary>True for a browser client id: <c>web-</c> then 1 to 124 of <c>[A-Za-z0-9_-]</c> (128 in all, IoT Core's limit).</summary>
    /// <param name="clientId">The MQTT client id.</param>
    /// <returns>Whether it may be used.</returns>
    public static bool IsValidWebClientId(string? clientId) =>
        clientId is not null
        && clientId.Length > LiveTopics.WebClientIdPrefix.Length
        && clientId.Length <= MaxClientIdLength
        && clientId.StartsWith(LiveTopics.WebClientIdPrefix, StringComparison.Ordinal)
        && clientId.AsSpan(LiveTopics.WebClientIdPrefix.Length).IndexOfAnyExcept("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") < 0;

    /// <summary>Decides one connection. Never throws on the client's input; a failure to read keys or rentals propagates (the connection is then refused).</summary>
    /// <param name="clientId">The MQTT CONNECT client id.</param>
    /// <param name="token">The user's ID token, as <see cref="LiveCredentials"/> read it from the connection.</param>
    /// <param name="cancellationToken">Cancels the key and rental reads.</param>
    /// <returns>The answer.</returns>
    public async Task<LiveAuthorization> AuthorizeAsync(string? clientId, string? token, CancellationToken cancellationToken)
    {
        if (!IsValidWebClientId(clientId))
        {
            return LiveAuthorization.Deny(LiveDenial.BadClientId, "the client id must be " + LiveTopics.WebClientIdPrefix + " followed by 1 to 124 of A-Z a-z 0-9 _ -");
        }

        JsonWebKeySet keys = await _keys.GetKeysAsync(false, cancellationToken).ConfigureAwait(false);
        CognitoTokenValidation validation = _tokens.Validate(token, keys);
        if (validation.Error == CognitoTokenError.UnknownKey)
        {
            keys = await _keys.GetKeysAsync(true, cancellationToken).ConfigureAwait(false);
            validation = _tokens.Validate(token, keys);
        }

        if (!validation.IsValid)
        {
            return LiveAuthorization.Deny(LiveDenial.InvalidToken, validation.Detail, validation.Error);
        }

        if (!IdentityClaims.TryRead(validation.Claims, out Identity? identity, out string error))
        {
            return LiveAuthorization.Deny(LiveDenial.NoSubject, error);
        }

        if (!LiveClientIds.IsOwnedBy(clientId, identity!.UserId))
        {
            return LiveAuthorization.Deny(LiveDenial.ForeignClientId, "the client id must be " + LiveTopics.WebClientIdPrefix + "{owner tag}-{random}, the owner tag being the first " + LiveClientIds.TagLength + " hex digits of SHA-256 of your token's subject");
        }

        long nowMs = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        long tokenLeft = (validation.ExpiresAtSeconds * 1000 - nowMs) / 1000;
        if (tokenLeft < LiveAuthorization.MinSeconds)
        {
            return LiveAuthorization.Deny(LiveDenial.TokenExpiresTooSoon, "the token expires in under " + LiveAuthorization.MinSeconds + " s, IoT Core's shortest connection: refresh it, then connect");
        }

        string principal = PrincipalOf(identity!.UserId);
        long limit = Math.Min(_options.MaxConnectionSeconds, tokenLeft);
        if (identity.IsOperator)
        {
            return Grant(principal, limit, LivePolicyDocuments.Fleet(_options.IotResourcePrefix, clientId!), [], true) with { Subject = identity.UserId };
        }

        if (!identity.IsRenter)
        {
            return LiveAuthorization.Deny(LiveDenial.NoRole, "the caller has neither the operator nor the renter role");
        }

        IReadOnlyList<Rental> rentals = await _rentals.GetForRenterAsync(identity.UserId, cancellationToken).ConfigureAwait(false);

        // A rental serves this connection only if it runs now, for at least IoT Core's shortest
        // connection, and names a car that can be put into a policy at all.
        Rental[] serving = ViewerAccess.Running(rentals, nowMs)
            .Where(r => (r.ToMs - nowMs) / 1000 >= LiveAuthorization.MinSeconds && UplinkTopics.IsValidThingName(r.CarId))
            .ToArray();
        if (serving.Length == 0)
        {
            return LiveAuthorization.Deny(LiveDenial.NoRunningRental, "no rental of yours runs now for at least " + LiveAuthorization.MinSeconds + " s");
        }

        long rentalLeft = serving.Min(r => (r.ToMs - nowMs) / 1000);
        string[] cars = [.. ViewerAccess.VisibleCars(serving, nowMs)];
        if (!LivePolicyDocuments.TryCars(_options.IotResourcePrefix, clientId!, cars, out IReadOnlyList<string> documents))
        {
            return LiveAuthorization.Deny(LiveDenial.PolicyTooLarge, cars.Length + " cars do not fit in " + LivePolicyDocuments.MaxDocuments + " policy documents");
        }

        return Grant(principal, Math.Min(limit, rentalLeft), documents, cars, false) with { Subject = identity.UserId };
    }

    private LiveAuthorization Grant(string principal, long disconnectAfter, IReadOnlyList<string> documents, IReadOnlyList<string> cars, bool fleet)
    {
        int disconnect = (int)Math.Clamp(disconnectAfter, LiveAuthorization.MinSeconds, LiveAuthorization.MaxSeconds);
        int refresh = Math.Min(_options.RefreshAfterSeconds, disconnect);
        return new LiveAuthorization(LiveDenial.None, principal, disconnect, refresh, documents, cars, fleet, CognitoTokenError.None, string.Empty);
    }

    /// <summary>
    /// IoT Core wants a principal of 1 to 128 of <c>[A-Za-z0-9]</c>: the user id's letters and digits (a
    /// Cognito sub, a UUID, keeps its 32 hex digits), or a hash of it when it has none.
    /// </summary>
    private static string PrincipalOf(string userId)
    {
        var builder = new StringBuilder(Math.Min(userId.Length, 128));
        foreach (char c in userId)
        {
            if (char.IsAsciiLetterOrDigit(c) && builder.Length < 128)
            {
                builder.Append(c);
            }
        }

        return builder.Length > 0
            ? builder.ToString()
            : Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(userId)))[..32];
    }
}
