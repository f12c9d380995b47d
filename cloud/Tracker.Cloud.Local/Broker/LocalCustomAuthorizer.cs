using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Http;
using Tracker.Cloud.Core.Access;

namespace Tracker.Cloud.Local.Broker;

/// <summary>
/// What AWS IoT Core does for a browser connecting through a custom authorizer (AWS IoT developer guide, "Custom
/// authentication and authorization"), done locally around the same <see cref="LiveAuthorizer"/> the authorizer function
/// runs: take the authorizer's name and the token from the WebSocket upgrade's query string (or the MQTT user name and
/// password, <see cref="LiveCredentials"/>), refuse an unknown authorizer, ask the live authorizer, and hold the
/// connection to the policy it returns (<see cref="IotPolicy"/>: connect, subscribe, receive, publish), re-asking every
/// <c>refreshAfterInSeconds</c> and closing after <c>disconnectAfterInSeconds</c>.
/// </summary>
public sealed class LocalCustomAuthorizer
{
    /// <summary>The local authorizer's name (a deployed stage's is <c>tracker-{stage}-live</c>).</summary>
    public const string AuthorizerName = "tracker-local-live";

    /// <summary>The IoT resource prefix of the local stand-in account, which the policy documents name.</summary>
    public const string ResourcePrefix = "arn:aws:iot:us-east-1:000000000000";

    private readonly LiveAuthorizer _authorizer;
    private readonly ConcurrentDictionary<string, string> _upgradeQueries = new(StringComparer.Ordinal);

    /// <summary>Creates the stand-in.</summary>
    /// <param name="authorizer">The live authorizer (configured with <see cref="ResourcePrefix"/>).</param>
    public LocalCustomAuthorizer(LiveAuthorizer authorizer)
    {
        ArgumentNullException.ThrowIfNull(authorizer);
        _authorizer = authorizer;
    }

    /// <summary>
    /// Middleware on the WebSocket path: keeps the upgrade request's query string for as long as the request (the
    /// WebSocket) lasts, by the connection's remote end point, which the broker's CONNECT event also carries.
    /// </summary>
    /// <param name="context">The request.</param>
    /// <param name="next">The rest of the pipeline (the MQTT connection handler, for the WebSocket's whole life).</param>
    /// <returns>When the request ends.</returns>
    public async Task CaptureUpgradeAsync(HttpContext context, Func<Task> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        string? key = KeyOf(context.Connection.RemoteIpAddress, context.Connection.RemotePort);
        if (key is null || !context.Request.QueryString.HasValue)
        {
            await next().ConfigureAwait(false);
            return;
        }

        _upgradeQueries[key] = context.Request.QueryString.Value!;
        try
        {
            await next().ConfigureAwait(false);
        }
        finally
        {
            _upgradeQueries.TryRemove(key, out _);
        }
    }

    /// <summary>Decides a CONNECT, as IoT Core would with our authorizer named in it.</summary>
    /// <param name="clientId">The MQTT client id.</param>
    /// <param name="userName">The MQTT user name, or null.</param>
    /// <param name="password">The MQTT password, or null.</param>
    /// <param name="remote">The connection's remote end point (finds the upgrade's query string).</param>
    /// <param name="cancellationToken">Cancels the key and rental reads.</param>
    /// <returns>The session when allowed, or why not.</returns>
    public async Task<(IotViewer? Viewer, string Refusal)> AuthorizeAsync(string? clientId, string? userName, string? password, EndPoint? remote, CancellationToken cancellationToken)
    {
        string? query = remote is IPEndPoint ip && KeyOf(ip.Address, ip.Port) is { } key ? _upgradeQueries.GetValueOrDefault(key) : null;
        LiveCredentials credentials = LiveCredentials.Read(null, query, userName, password);
        if (credentials.Problem.Length > 0)
        {
            return (null, nameof(LiveDenial.MalformedCredentials) + ": " + credentials.Problem);
        }

        // This endpoint, like our stacks', has no default authorizer: a connection must name ours.
        if (!string.Equals(credentials.AuthorizerName, AuthorizerName, StringComparison.Ordinal))
        {
            return (null, "UnknownAuthorizer: connect with " + LiveCredentials.AuthorizerNameParameter + "=" + AuthorizerName);
        }

        if (!credentials.HasToken)
        {
            return (null, nameof(LiveDenial.MalformedCredentials) + ": no " + LiveCredentials.TokenParameter + " parameter");
        }

        LiveAuthorization decision = await _authorizer.AuthorizeAsync(clientId, credentials.Token, cancellationToken).ConfigureAwait(false);
        if (!decision.IsAuthenticated)
        {
            return (null, decision.Denial + ": " + decision.Detail);
        }

        if (!IotPolicy.TryParse(decision.PolicyDocuments, out IotPolicy? policy, out string error))
        {
            return (null, "BadPolicy: " + error);
        }

        if (!policy!.IsAllowed(IotPolicy.Connect, ResourcePrefix + ":client/" + clientId))
        {
            return (null, "NotAllowedToConnect: the policy does not allow iot:Connect as " + clientId);
        }

        return (new IotViewer(clientId!, credentials.Token!, decision, policy), string.Empty);
    }

    /// <summary>Re-runs the authorizer for an open connection (IoT Core's refresh): its new policy, or why it must end.</summary>
    /// <param name="viewer">The session.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>True when the connection may stay open (the viewer then holds the new policy).</returns>
    public async Task<bool> RefreshAsync(IotViewer viewer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        LiveAuthorization decision = await _authorizer.AuthorizeAsync(viewer.ClientId, viewer.Token, cancellationToken).ConfigureAwait(false);
        if (!decision.IsAuthenticated || !IotPolicy.TryParse(decision.PolicyDocuments, out IotPolicy? policy, out _))
        {
            return false;
        }

        viewer.Refreshed(decision, policy!);
        return true;
    }

    /// <summary>May the viewer subscribe to the filter?</summary>
    /// <param name="viewer">The session.</param>
    /// <param name="filter">The topic filter.</param>
    /// <returns>True when its policy allows it.</returns>
    public static bool MaySubscribe(IotViewer viewer, string filter) =>
        viewer.Policy.IsAllowed(IotPolicy.Subscribe, ResourcePrefix + ":topicfilter/" + filter);

    /// <summary>May a message on the topic be delivered to the viewer?</summary>
    /// <param name="viewer">The session.</param>
    /// <param name="topic">The topic.</param>
    /// <returns>True when its policy allows it.</returns>
    public static bool MayReceive(IotViewer viewer, string topic) =>
        viewer.Policy.IsAllowed(IotPolicy.Receive, ResourcePrefix + ":topic/" + topic);

    /// <summary>May the viewer publish to the topic?</summary>
    /// <param name="viewer">The session.</param>
    /// <param name="topic">The topic.</param>
    /// <returns>True when its policy allows it.</returns>
    public static bool MayPublish(IotViewer viewer, string topic) =>
        viewer.Policy.IsAllowed(IotPolicy.Publish, ResourcePrefix + ":topic/" + topic);

    private static string? KeyOf(IPAddress? address, int port) =>
        address is null ? null : (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address) + "|" + port;
}
