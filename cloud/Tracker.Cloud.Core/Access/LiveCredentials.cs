namespace Tracker.Cloud.Core.Access;

/// <summary>
/// Where a browser's live connection carries its credentials, read the way AWS IoT Core's custom
/// authentication reads them (AWS IoT developer guide, "Connecting to AWS IoT Core by using custom
/// authentication"): the authorizer's name in <c>x-amz-customauthorizer-name</c> and the token in the
/// parameter named by the authorizer's token key name, either in the query string of the WebSocket
/// upgrade request (<c>wss://{endpoint}/mqtt?x-amz-customauthorizer-name={name}&amp;token={jwt}</c>) or in
/// a query string after the MQTT user name; or the token as the MQTT password.
/// </summary>
/// <remarks>
/// A browser can only use the upgrade's query string: it cannot set headers on a WebSocket request, and
/// IoT Core reads the MQTT user name and password of custom authentication only when the TLS handshake
/// carries the ALPN protocol <c>mqtt</c>, which a browser never sends. The other two forms are read for
/// non-browser clients (the local broker, tools). The AWS live authorizer function and the local broker
/// both read credentials through this one type, so the two cannot disagree on the connection form.
/// </remarks>
/// <param name="AuthorizerName">The authorizer the client named, or null when it named none.</param>
/// <param name="Token">The token, or null when none was found.</param>
/// <param name="Source">Where the token was found.</param>
/// <param name="Problem">Why the credentials are unusable (a repeated parameter, an oversized query), or empty.</param>
public sealed record LiveCredentials(string? AuthorizerName, string? Token, LiveCredentialSource Source, string Problem)
{
    /// <summary>The query parameter (and HTTP header) naming the custom authorizer.</summary>
    public const string AuthorizerNameParameter = "x-amz-customauthorizer-name";

    /// <summary>The token key name of the browsers' authorizer: the query parameter that carries the user's ID token.</summary>
    public const string TokenParameter = "token";

    /// <summary>The longest query string read (a Cognito ID token is 1 to 2 KB; a request line has a limit anyway).</summary>
    public const int MaxQueryLength = 16 * 1024;

    /// <summary>True when a token was found and nothing is ambiguous.</summary>
    public bool HasToken => Problem.Length == 0 && !string.IsNullOrEmpty(Token);

    /// <summary>
    /// Reads the credentials of one connection. Never throws on the client's input. The first form that
    /// carries a token wins, in this order: the token IoT Core extracted itself (its event's <c>token</c>),
    /// the upgrade request's query string, the user name's query string, the password.
    /// </summary>
    /// <param name="extractedToken">The token IoT Core took from the parameter named by the authorizer's token key name, or null.</param>
    /// <param name="httpQueryString">The WebSocket upgrade request's query string, with or without its leading <c>?</c>, or null.</param>
    /// <param name="mqttUserName">The MQTT CONNECT user name, or null.</param>
    /// <param name="mqttPassword">The MQTT CONNECT password as text (already base64-decoded where IoT Core encoded it), or null.</param>
    /// <returns>The credentials.</returns>
    public static LiveCredentials Read(string? extractedToken, string? httpQueryString, string? mqttUserName, string? mqttPassword)
    {
        if (!TryParseQuery(httpQueryString, out Dictionary<string, string> http, out string problem))
        {
            return Fail("the upgrade request's query string: " + problem);
        }

        string? userQuery = null;
        if (mqttUserName is not null)
        {
            int q = mqttUserName.IndexOf('?', StringComparison.Ordinal);
            userQuery = q < 0 ? null : mqttUserName[(q + 1)..];
        }

        if (!TryParseQuery(userQuery, out Dictionary<string, string> user, out problem))
        {
            return Fail("the MQTT user name's query string: " + problem);
        }

        string? name = http.GetValueOrDefault(AuthorizerNameParameter) ?? user.GetValueOrDefault(AuthorizerNameParameter);
        if (!string.IsNullOrEmpty(extractedToken))
        {
            return new LiveCredentials(name, extractedToken, LiveCredentialSource.Extracted, string.Empty);
        }

        if (http.TryGetValue(TokenParameter, out string? token) && token.Length > 0)
        {
            return new LiveCredentials(name, token, LiveCredentialSource.UpgradeQuery, string.Empty);
        }

        if (user.TryGetValue(TokenParameter, out token) && token.Length > 0)
        {
            return new LiveCredentials(name, token, LiveCredentialSource.UserNameQuery, string.Empty);
        }

        return string.IsNullOrEmpty(mqttPassword)
            ? new LiveCredentials(name, null, LiveCredentialSource.None, string.Empty)
            : new LiveCredentials(name, mqttPassword, LiveCredentialSource.Password, string.Empty);
    }

    /// <summary>
    /// Parses a query string (RFC 3986 §3.4, with <c>application/x-www-form-urlencoded</c>'s <c>+</c> for a space).
    /// A parameter given twice is refused rather than guessed at; a malformed percent escape is kept as it is.
    /// </summary>
    /// <param name="query">The query, with or without its leading <c>?</c>; null or empty is no parameter.</param>
    /// <param name="parameters">The parameters, by exact (case-sensitive) name.</param>
    /// <param name="problem">Why the query is refused, or empty.</param>
    /// <returns>False for a repeated parameter or a query over <see cref="MaxQueryLength"/>.</returns>
    public static bool TryParseQuery(string? query, out Dictionary<string, string> parameters, out string problem)
    {
        parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        problem = string.Empty;
        if (string.IsNullOrEmpty(query))
        {
            return true;
        }

        if (query.Length > MaxQueryLength)
        {
            problem = "longer than " + MaxQueryLength + " characters";
            return false;
        }

        foreach (string pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            string key = Unescape(eq < 0 ? pair : pair[..eq]);
            string value = eq < 0 ? string.Empty : Unescape(pair[(eq + 1)..]);
            if (!parameters.TryAdd(key, value) && (key == TokenParameter || key == AuthorizerNameParameter))
            {
                problem = "'" + key + "' is given more than once";
                parameters.Clear();
                return false;
            }
        }

        return true;
    }

    private static LiveCredentials Fail(string problem) => new(null, null, LiveCredentialSource.None, problem);

    // Uri.UnescapeDataString leaves an invalid escape (a lone '%', "%zz") as it is and never throws.
    private static string Unescape(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));
}
