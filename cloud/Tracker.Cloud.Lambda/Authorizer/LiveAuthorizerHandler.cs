using System.Text;
using System.Text.Json;
using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Lambda.Events;
using Tracker.Cloud.Lambda.Live;

namespace Tracker.Cloud.Lambda.Authorizer;

/// <summary>
/// The live authorizer function: an <see cref="IotAuthorizerEvent"/> in, an <see cref="IotAuthorizerResponse"/>
/// out. Thin: read the client id and the token where IoT Core passes them (<see cref="LiveCredentials"/>: the
/// WebSocket upgrade's query string for browsers, else the MQTT user name's query string or the base64
/// password), let <see cref="LiveAuthorizer"/> decide, map the decision, and write one JSON log line.
/// </summary>
public sealed class LiveAuthorizerHandler
{
    private const string EventName = "IoT custom authorizer event";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly LiveAuthorizer _authorizer;
    private readonly TextWriter _log;
    private readonly LiveGrantLog? _grants;
    private readonly TimeProvider _clock = TimeProvider.System;

    /// <summary>Creates the handler.</summary>
    /// <param name="authorizer">The decision.</param>
    /// <param name="log">Where the per-decision log line goes (Lambda sends standard output to CloudWatch Logs).</param>
    public LiveAuthorizerHandler(LiveAuthorizer authorizer, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(authorizer);
        ArgumentNullException.ThrowIfNull(log);
        _authorizer = authorizer;
        _log = log;
    }

    /// <summary>Creates the handler that also records each renter's grant, so a rental change can close it (<see cref="LiveGrantLog"/>).</summary>
    /// <param name="authorizer">The decision.</param>
    /// <param name="log">Where the per-decision log line goes.</param>
    /// <param name="grants">Where renters' grants are recorded; a failure to record refuses the connection.</param>
    /// <param name="clock">"Now", for the grant's expiry.</param>
    public LiveAuthorizerHandler(LiveAuthorizer authorizer, TextWriter log, LiveGrantLog grants, TimeProvider clock)
        : this(authorizer, log)
    {
        ArgumentNullException.ThrowIfNull(grants);
        ArgumentNullException.ThrowIfNull(clock);
        _grants = grants;
        _clock = clock;
    }

    /// <summary>The Lambda entry point shape (Stream in, Stream out).</summary>
    /// <param name="input">The event JSON.</param>
    /// <returns>The response JSON.</returns>
    public Task<Stream> FunctionHandler(Stream input) => HandleAsync(input, CancellationToken.None);

    /// <summary>Handles one invocation.</summary>
    /// <param name="input">The event JSON.</param>
    /// <param name="cancellationToken">Cancels the key and rental reads.</param>
    /// <returns>The <see cref="IotAuthorizerResponse"/> as JSON.</returns>
    /// <exception cref="InvalidEventException">The input is not an authorizer event.</exception>
    public async Task<Stream> HandleAsync(Stream input, CancellationToken cancellationToken)
    {
        IotAuthorizerEvent evt = await EventReader.ReadAsync(input, AuthorizerJsonContext.Default.IotAuthorizerEvent, EventName, cancellationToken).ConfigureAwait(false);
        IotAuthorizerResponse response = await HandleAsync(evt, cancellationToken).ConfigureAwait(false);
        return await ResponseWriter.ToStreamAsync(response, AuthorizerJsonContext.Default.IotAuthorizerResponse, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Handles one parsed event.</summary>
    /// <param name="evt">The event.</param>
    /// <param name="cancellationToken">Cancels the key and rental reads.</param>
    /// <returns>The response.</returns>
    public async Task<IotAuthorizerResponse> HandleAsync(IotAuthorizerEvent evt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(evt);
        IotAuthorizerMqttData? mqtt = evt.ProtocolData?.Mqtt;
        string? password = null;
        bool passwordUnreadable = !string.IsNullOrEmpty(mqtt?.Password) && !TryDecodePassword(mqtt.Password, out password);
        LiveCredentials credentials = LiveCredentials.Read(evt.Token, evt.ProtocolData?.Http?.QueryString, mqtt?.Username, password);
        LiveAuthorization decision;
        if (credentials.Problem.Length > 0)
        {
            decision = LiveAuthorization.Deny(LiveDenial.MalformedCredentials, credentials.Problem);
        }
        else if (!credentials.HasToken)
        {
            decision = LiveAuthorization.Deny(LiveDenial.MalformedCredentials, passwordUnreadable
                ? "the MQTT password is not base64 of UTF-8 text, and no token is in the query string"
                : "no token: connect to wss://{endpoint}/mqtt?" + LiveCredentials.AuthorizerNameParameter + "={authorizer}&" + LiveCredentials.TokenParameter + "={ID token}");
        }
        else
        {
            decision = await _authorizer.AuthorizeAsync(mqtt?.ClientId, credentials.Token, cancellationToken).ConfigureAwait(false);
        }

        // A renter's grant is recorded before it is given: a connection the live-disconnect function cannot find
        // would outlive a cancelled rental until the next refresh. Operators' grants do not depend on rentals.
        if (_grants is not null && decision.IsAuthenticated && !decision.IsFleet && !string.IsNullOrEmpty(mqtt?.ClientId))
        {
            long now = _clock.GetUtcNow().ToUnixTimeSeconds();
            await _grants.RecordAsync(decision.Subject, mqtt.ClientId, now, now + decision.DisconnectAfterSeconds, cancellationToken).ConfigureAwait(false);
        }

        var line = new LiveAuthorizerLogLine(
            decision.IsAuthenticated ? "allow" : "deny",
            decision.PrincipalId,
            decision.IsAuthenticated ? null : decision.Denial.ToString(),
            decision.TokenError == CognitoTokenError.None ? null : decision.TokenError.ToString(),
            string.IsNullOrEmpty(decision.Detail) ? null : decision.Detail,
            decision.IsFleet,
            decision.Cars,
            decision.DisconnectAfterSeconds,
            evt.ConnectionMetadata?.Id,
            credentials.Source.ToString());
        await _log.WriteLineAsync(JsonSerializer.Serialize(line, AuthorizerJsonContext.Default.LiveAuthorizerLogLine)).ConfigureAwait(false);
        return ToResponse(decision);
    }

    private static IotAuthorizerResponse ToResponse(LiveAuthorization decision)
    {
        var response = new IotAuthorizerResponse
        {
            IsAuthenticated = decision.IsAuthenticated,
            PrincipalId = decision.PrincipalId,
            DisconnectAfterInSeconds = decision.DisconnectAfterSeconds,
            RefreshAfterInSeconds = decision.RefreshAfterSeconds,
        };
        foreach (string document in decision.PolicyDocuments)
        {
            using JsonDocument parsed = JsonDocument.Parse(document);
            response.PolicyDocuments.Add(parsed.RootElement.Clone());
        }

        return response;
    }

    private static bool TryDecodePassword(string base64, out string? token)
    {
        token = null;
        byte[] bytes = new byte[(base64.Length / 4 * 3) + 3];
        if (!Convert.TryFromBase64String(base64, bytes, out int written))
        {
            return false;
        }

        try
        {
            token = StrictUtf8.GetString(bytes, 0, written);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}
