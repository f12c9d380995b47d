using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;
using MQTTnet.Server;
using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Local.Security;
using Tracker.Cloud.Local.Ingest;
using Tracker.Cloud.Local.Observability;
using Tracker.Cloud.Local.Jobs;
using Tracker.Cloud.Local.Shadow;
using Tracker.Core.Uplink;

namespace Tracker.Cloud.Local.Broker;

/// <summary>
/// The embedded broker's rules, attached to MQTTnet's server events: who may connect (cars by certificate, CN =
/// client id; browsers by token, client id <c>web-*</c>), what each may publish and subscribe (<see cref="BrokerPolicy"/>),
/// and the "topic rule": a car's fix batch is ingested before its PUBACK and republished verbatim to
/// <c>fleet/{car}/fixes</c>; its status is republished, retained, to <c>fleet/{car}/status</c>, and a lost connection
/// publishes <c>offline</c> there. With <c>--auth oidc</c>, browsers are let in as IoT Core's custom authorizer lets them
/// in (<see cref="LocalCustomAuthorizer"/>), and held to the policy it returns instead of <see cref="BrokerPolicy"/>.
/// </summary>
public sealed partial class EmbeddedBroker
{
    private const string DeviceKey = "tracker.device";
    private const string ViewerKey = "tracker.viewer";
    private const string IotViewerKey = "tracker.iot-viewer";
    private static readonly byte[] OfflineText = Encoding.ASCII.GetBytes(StatusCodec.WillText);

    private readonly LocalPki _pki;
    private readonly LocalUsers _users;
    private readonly IRentalStore _rentals;
    private readonly IngestGate _ingest;
    private readonly HostMetrics _metrics;
    private readonly PublishTimes _published;
    private readonly TimeProvider _clock;
    private readonly ILogger _log;
    private readonly ConcurrentDictionary<string, Viewer> _viewers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IotViewer> _iotViewers = new(StringComparer.Ordinal);
    private readonly LocalCustomAuthorizer? _custom;
    private readonly ConnectionGuard _guard;
    private readonly ShadowService _shadows;
    private readonly JobsService? _jobs;
    private readonly LiveFanout _fanout;
    private MqttServer? _server;
    private ITimer? _sweep;

    /// <summary>Creates the rules.</summary>
    /// <param name="pki">Certificates and revocations.</param>
    /// <param name="users">Token validation.</param>
    /// <param name="rentals">Renters' rentals.</param>
    /// <param name="ingest">The ingest pipeline's entrance.</param>
    /// <param name="metrics">Counters.</param>
    /// <param name="published">The simulated cars' publish times.</param>
    /// <param name="clock">The clock.</param>
    /// <param name="log">The log.</param>
    /// <param name="guard">The connections' deadlines and caps (told when a CONNECT is accepted).</param>
    /// <param name="shadows">The cars' device shadows (requests on <c>$aws/things/{car}/shadow/...</c> are answered from it).</param>
    /// <param name="custom">IoT Core's custom authorizer, locally, for <c>--auth oidc</c>; null for the dev tokens.</param>
    /// <param name="jobs">IoT Jobs (requests on <c>$aws/things/{car}/jobs/...</c> are answered from it); null for none.</param>
    public EmbeddedBroker(LocalPki pki, LocalUsers users, IRentalStore rentals, IngestGate ingest, HostMetrics metrics, PublishTimes published, TimeProvider clock, ILogger<EmbeddedBroker> log, ConnectionGuard guard, ShadowService shadows, LocalCustomAuthorizer? custom = null, JobsService? jobs = null)
    {
        _shadows = shadows;
        _jobs = jobs;
        _guard = guard;
        _custom = custom;
        _pki = pki;
        _users = users;
        _rentals = rentals;
        _ingest = ingest;
        _metrics = metrics;
        _published = published;
        _clock = clock;
        _log = log;
        _fanout = new LiveFanout(metrics.QueueDrop);
    }

    /// <summary>The TLS endpoint's client-certificate check (runs during the handshake).</summary>
    /// <param name="certificate">The client's certificate.</param>
    /// <returns>True to continue the handshake.</returns>
    public bool ValidateClientCertificate(X509Certificate? certificate)
    {
        if (_pki.IsAcceptableDevice(certificate, out string why))
        {
            return true;
        }

        _metrics.Refuse("device-certificate");
        LogCertificateRefused(why);
        return false;
    }

    /// <summary>Attaches the rules to the server.</summary>
    /// <param name="server">The MQTTnet server.</param>
    public void Attach(MqttServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        _server = server;
        server.ValidatingConnectionAsync += ValidateConnectionAsync;
        server.ClientConnectedAsync += OnConnectedAsync;
        server.ClientDisconnectedAsync += OnDisconnectedAsync;
        server.InterceptingPublishAsync += InterceptPublishAsync;
        server.InterceptingSubscriptionAsync += InterceptSubscriptionAsync;
        server.InterceptingClientEnqueueAsync += InterceptEnqueueAsync;
        server.ClientSubscribedTopicAsync += OnSubscribedAsync;
        server.ClientUnsubscribedTopicAsync += OnUnsubscribedAsync;
        server.SessionDeletedAsync += OnSessionDeletedAsync;
        server.QueuedApplicationMessageOverwrittenAsync += OnQueueOverflowAsync;
        if (_rentals is NotifyingRentalStore notifying)
        {
            notifying.Changed += renter => _ = RentalsChangedAsync(renter);
        }

        // Rentals changed outside this process (another tool on the same store) are seen within one refresh.
        _sweep = _clock.CreateTimer(_ => _ = SweepAsync(), null, Viewer.RentalsRefresh, Viewer.RentalsRefresh);
    }

    /// <summary>
    /// A renter's rentals changed: re-read them at once and narrow every live session of theirs to what they may see
    /// now (the subscriptions to cars they no longer rent are dropped), or end the session when they may see no car.
    /// A session authorized as IoT Core's custom authorizer does is ended, as the AWS stack's rental-change function ends
    /// it with IoT Core's DeleteConnection; the browser connects again and gets a policy for what it rents now.
    /// </summary>
    /// <param name="renter">The renter's user id.</param>
    /// <returns>When every session of theirs has been checked.</returns>
    public async Task RentalsChangedAsync(string renter)
    {
        ArgumentNullException.ThrowIfNull(renter);
        try
        {
            foreach ((string clientId, Viewer viewer) in _viewers.ToArray())
            {
                if (viewer.Identity.IsRenter && string.Equals(viewer.Identity.UserId, renter, StringComparison.Ordinal))
                {
                    await RecheckAsync(clientId, viewer, CancellationToken.None).ConfigureAwait(false);
                }
            }

            foreach ((string clientId, IotViewer iot) in _iotViewers.ToArray())
            {
                if (!iot.Decision.IsFleet && string.Equals(iot.Decision.Subject, renter, StringComparison.Ordinal))
                {
                    LogRentalChangeDisconnect(renter, clientId);
                    await DisconnectAsync(clientId).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A failed re-read leaves the per-delivery check on the old snapshot until the next sweep; log it loudly.
            LogRecheckFailed(renter, e.Message);
        }
    }

    private async Task SweepAsync()
    {
        foreach ((string clientId, Viewer viewer) in _viewers.ToArray())
        {
            if (viewer.Identity.IsRenter)
            {
                try
                {
                    await RecheckAsync(clientId, viewer, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    LogRecheckFailed(viewer.Identity.UserId, e.Message);
                }
            }
        }
    }

    private async Task RecheckAsync(string clientId, Viewer viewer, CancellationToken cancellationToken)
    {
        long now = NowMs();
        IReadOnlyList<string> before = ViewerAccess.VisibleCars(viewer.Rentals, now);
        viewer.Refresh(await _rentals.GetForRenterAsync(viewer.Identity.UserId, cancellationToken).ConfigureAwait(false), now);
        IReadOnlyList<string> after = ViewerAccess.VisibleCars(viewer.Rentals, now);
        string[] lost = [.. before.Except(after, StringComparer.Ordinal)];
        if (after.Count == 0 && before.Count > 0)
        {
            LogRentalChangeDisconnect(viewer.Identity.UserId, clientId);
            await DisconnectAsync(clientId).ConfigureAwait(false);
        }
        else if (lost.Length > 0 && _server is { } server)
        {
            LogRentalChangeNarrowed(viewer.Identity.UserId, clientId, string.Join(", ", lost));
            try
            {
                await server.UnsubscribeAsync(clientId, [.. lost.SelectMany(car => new[] { LiveTopics.Fixes(car), LiveTopics.Status(car) })]).ConfigureAwait(false);
            }
            catch (InvalidOperationException)
            {
                // The session ended meanwhile.
            }
        }
    }

    /// <summary>Stops the periodic rental re-check.</summary>
    public void Detach() => _sweep?.Dispose();

    private async Task ValidateConnectionAsync(ValidatingConnectionEventArgs e)
    {
        if (e.ClientCertificate is { } certificate)
        {
            // The TLS handshake already checked the chain, the validity and revocation; the CN must name the session.
            string cn = certificate.GetNameInfo(X509NameType.SimpleName, false);
            if (!string.Equals(cn, e.ClientId, StringComparison.Ordinal))
            {
                e.ReasonCode = MqttConnectReasonCode.ClientIdentifierNotValid;
                _metrics.Refuse("device-client-id");
                LogClientIdRefused(e.ClientId, cn);
                return;
            }

            e.SessionItems[DeviceKey] = cn;
            return;
        }

        if (_custom is not null)
        {
            await ValidateIotViewerAsync(e, _custom).ConfigureAwait(false);
            return;
        }

        if (e.ClientId is null || !e.ClientId.StartsWith(BrokerPolicy.ViewerClientPrefix, StringComparison.Ordinal) || e.ClientId.Length > 64)
        {
            e.ReasonCode = MqttConnectReasonCode.ClientIdentifierNotValid;
            _metrics.Refuse("viewer-client-id");
            return;
        }

        TokenValidation token = _users.Tokens.Validate(e.Password);
        if (!token.IsValid || !IdentityClaims.TryRead(token.Claims, out Identity? identity, out _) || !long.TryParse(token.Claims.GetValueOrDefault("exp"), out long expSeconds))
        {
            e.ReasonCode = MqttConnectReasonCode.BadUserNameOrPassword;
            _metrics.Refuse("viewer-token");
            return;
        }

        // A client id belongs to the identity that took it while its session lasts: another user reusing it (to resume
        // the session, clean session off, with the owner's rights, and to push the owner off) is refused.
        if (_viewers.TryGetValue(e.ClientId, out Viewer? owner) && !string.Equals(owner.Identity.UserId, identity!.UserId, StringComparison.Ordinal))
        {
            e.ReasonCode = MqttConnectReasonCode.ClientIdentifierNotValid;
            _metrics.Refuse("viewer-client-id-taken");
            LogClientIdTaken(e.ClientId, identity.UserId);
            return;
        }

        long now = NowMs();
        IReadOnlyList<Rental> rentals = identity!.IsRenter ? await _rentals.GetForRenterAsync(identity.UserId, e.CancellationToken).ConfigureAwait(false) : [];
        var viewer = new Viewer(identity, expSeconds * 1000, rentals, now);
        e.SessionItems[ViewerKey] = viewer;
        if (!(owner is null ? _viewers.TryAdd(e.ClientId, viewer) : _viewers.TryUpdate(e.ClientId, viewer, owner)))
        {
            e.ReasonCode = MqttConnectReasonCode.ClientIdentifierNotValid; // another CONNECT with this id won the race
            _metrics.Refuse("viewer-client-id-taken");
        }
    }

    private async Task ValidateIotViewerAsync(ValidatingConnectionEventArgs e, LocalCustomAuthorizer custom)
    {
        IotViewer? viewer;
        string refusal;
        try
        {
            (viewer, refusal) = await custom.AuthorizeAsync(e.ClientId, e.UserName, e.Password, e.RemoteEndPoint, e.CancellationToken).ConfigureAwait(false);
        }
        catch (Exception failure) when (failure is HttpRequestException or InvalidDataException or TaskCanceledException && !e.CancellationToken.IsCancellationRequested)
        {
            // The provider's keys cannot be read: as IoT Core does when its authorizer fails, the connection is refused.
            (viewer, refusal) = (null, "AuthorizerFailed: " + failure.Message);
        }

        if (viewer is null)
        {
            // IoT Core answers a refused custom authorization with "not authorized" (MQTT 3.1.1 §3.2.2.3, code 5).
            e.ReasonCode = MqttConnectReasonCode.NotAuthorized;
            _metrics.Refuse("viewer-authorizer");
            LogAuthorizerRefused(e.ClientId ?? "(none)", refusal);
            return;
        }

        if (_iotViewers.TryGetValue(viewer.ClientId, out IotViewer? previous) && !string.Equals(previous.Decision.Subject, viewer.Decision.Subject, StringComparison.Ordinal))
        {
            viewer.Dispose();
            e.ReasonCode = MqttConnectReasonCode.ClientIdentifierNotValid;
            _metrics.Refuse("viewer-client-id-taken");
            LogClientIdTaken(viewer.ClientId, viewer.Decision.PrincipalId);
            return;
        }

        e.SessionItems[IotViewerKey] = viewer;
        previous?.Dispose(); // IoT Core drops the older connection of a client id; its timers go with it.
        _iotViewers[viewer.ClientId] = viewer;
    }

    /// <summary>Ends every browser's connection now, as IoT Core does at a connection's <c>disconnectAfterInSeconds</c> or when its network drops.</summary>
    /// <returns>When every one has been told.</returns>
    public async Task DropViewersAsync()
    {
        MqttServer? server = _server;
        if (server is null)
        {
            return;
        }

        foreach (MqttClientStatus client in await server.GetClientsAsync().ConfigureAwait(false))
        {
            if (client.Id.StartsWith(BrokerPolicy.ViewerClientPrefix, StringComparison.Ordinal))
            {
                await DisconnectAsync(client.Id).ConfigureAwait(false);
            }
        }
    }

    private async Task DisconnectAsync(string clientId)
    {
        try
        {
            await _server!.DisconnectClientAsync(clientId, new MqttServerClientDisconnectOptions { ReasonCode = MqttDisconnectReasonCode.NotAuthorized }).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException or OperationCanceledException)
        {
            // Gone already, or the server is stopping.
        }
    }

    private async Task RefreshIotViewerAsync(IotViewer viewer)
    {
        bool keep;
        try
        {
            keep = await _custom!.RefreshAsync(viewer, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            keep = false; // IoT Core ends a connection whose refresh fails; nothing fails open.
        }

        if (!keep)
        {
            LogAuthorizerRefused(viewer.ClientId, "refresh refused");
            await DisconnectAsync(viewer.ClientId).ConfigureAwait(false);
        }
    }

    /// <summary>The viewer sessions the live feed is delivered to now (<see cref="LiveFanout"/>).</summary>
    public int LiveListeners => _fanout.Listeners;

    /// <summary>The retained live message of <paramref name="topic"/> (a car's <c>fleet/{car}/status</c>), or null.</summary>
    /// <param name="topic">The topic.</param>
    /// <returns>A copy of the payload, or null when none is kept.</returns>
    public byte[]? RetainedLiveMessage(string topic) => _fanout.TryGetRetained(topic, out byte[]? payload) ? (byte[])payload.Clone() : null;

    /// <summary>What a viewer session's live outbox holds now (<see cref="LiveOutbox"/>).</summary>
    /// <param name="clientId">The session's client id.</param>
    /// <returns>Its size; null when the session holds no <c>fleet/...</c> subscription.</returns>
    public LiveQueueSize? LiveQueued(string clientId) => _fanout.Queued(clientId);

    private Task OnConnectedAsync(ClientConnectedEventArgs e)
    {
        _guard.Connected(e.RemoteEndPoint);
        _fanout.Connected(e.ClientId, e.SessionItems);
        if (e.SessionItems[DeviceKey] is string car)
        {
            _metrics.DeviceConnections(+1);
            LogDeviceConnected(car);
        }
        else if (e.SessionItems[ViewerKey] is Viewer viewer)
        {
            _metrics.ViewerConnections(+1);
            LogViewerConnected(viewer.Identity.UserId, e.ClientId);
        }
        else if (e.SessionItems[IotViewerKey] is IotViewer iot)
        {
            _metrics.ViewerConnections(+1);
            LogViewerConnected(iot.Decision.PrincipalId, e.ClientId);
            iot.Start(_clock, RefreshIotViewerAsync, v => DisconnectAsync(v.ClientId));
        }

        return Task.CompletedTask;
    }

    private async Task OnDisconnectedAsync(ClientDisconnectedEventArgs e)
    {
        if (e.DisconnectType != MqttClientDisconnectType.Takeover)
        {
            // The broker keeps no session past its connection (persistent sessions are off); a takeover may resume it.
            _fanout.Ended(e.ClientId, e.SessionItems);
        }

        if (e.SessionItems[DeviceKey] is string car)
        {
            _metrics.DeviceConnections(-1);
            LogDeviceDisconnected(car, e.DisconnectType.ToString());

            // A clean DISCONNECT suppresses the will (MQTT 3.1.1 §3.14.4), so the viewers hear it from us either way.
            await PublishAsync(LiveTopics.Status(car), OfflineText, retain: true).ConfigureAwait(false);
        }
        else if (e.SessionItems[ViewerKey] is Viewer viewer)
        {
            _metrics.ViewerConnections(-1);

            // Only this session's entry: a reconnect with the same client id has already put its own in place.
            _viewers.TryRemove(KeyValuePair.Create(e.ClientId, viewer));
        }
        else if (e.SessionItems[IotViewerKey] is IotViewer iot)
        {
            _metrics.ViewerConnections(-1);
            iot.Dispose();
            _iotViewers.TryRemove(KeyValuePair.Create(e.ClientId, iot));
        }
    }

    private async Task InterceptPublishAsync(InterceptingPublishEventArgs e)
    {
        MqttApplicationMessage message = e.ApplicationMessage;
        if (e.SessionItems is null || (e.SessionItems[DeviceKey] is null && e.SessionItems[ViewerKey] is null && e.SessionItems[IotViewerKey] is null))
        {
            return; // The host's own republish (injected messages carry no client session).
        }

        if (message.Payload.Length > BrokerLimits.MaxMessageBytes)
        {
            // As AWS IoT Core does past its 128 KiB: nothing of it is stored, forwarded or retained, and the client goes.
            e.ProcessPublish = false;
            e.CloseConnection = true;
            _metrics.Refuse("message-size");
            LogMessageTooLarge(e.ClientId, message.Payload.Length, BrokerLimits.MaxMessageBytes);
            return;
        }

        if (e.SessionItems[DeviceKey] is string car)
        {
            if (!BrokerPolicy.MayDevicePublish(car, message.Topic))
            {
                // As AWS IoT does on a policy violation: no PUBACK, and the connection is closed.
                e.ProcessPublish = false;
                e.CloseConnection = true;
                _metrics.Refuse("device-topic");
                LogDeviceTopicRefused(car, Clip(message.Topic));
                return;
            }

            byte[] payload = message.Payload.ToArray();
            bool reserved = message.Topic.StartsWith("$aws/things/", StringComparison.Ordinal); // a fix batch skips both parses
            if (reserved && ShadowService.TryParseRequestTopic(message.Topic, out string thing, out string operation))
            {
                // The shadow service's reserved topics: answered by the service, not forwarded (IoT Core's Device Shadow).
                e.ProcessPublish = false;
                await PublishShadowAsync(_shadows.Handle(thing, operation, payload)).ConfigureAwait(false);
                return;
            }

            if (reserved && _jobs is not null && JobsService.TryParseRequestTopic(message.Topic, out string jobThing, out string jobId, out string jobOperation))
            {
                // IoT Jobs' reserved topics: answered by the jobs service, not forwarded.
                e.ProcessPublish = false;
                await PublishShadowAsync(_jobs.Handle(jobThing, jobId, jobOperation, payload)).ConfigureAwait(false);
                return;
            }

            TopicParser.TryParseDeviceTopic(message.Topic, out _, out string leaf);
            if (leaf == "status")
            {
                await PublishAsync(LiveTopics.Status(car), payload, retain: true).ConfigureAwait(false);
                // Not dispatched on: no session may subscribe to a car's own topics (BrokerPolicy, the live policies), and
                // MQTTnet's dispatch looks at every session with a subscription, every car's included. The PUBACK still goes.
                e.ProcessPublish = false;
                if (!await _ingest.StatusAsync(car, payload, e.CancellationToken).ConfigureAwait(false))
                {
                    e.CloseConnection = true;
                }

                return;
            }

            // The republish runs beside ingest, as the IoT rule's two actions do; viewers see the batch at once.
            Task republish = RepublishFixesAsync(car, payload);
            bool handled = await _ingest.IngestAsync(car, message.Topic, payload, e.CancellationToken).ConfigureAwait(false);
            await republish.ConfigureAwait(false);

            // Stored (or refused as bad input): acknowledged, and not dispatched on, as a status is not (above). At 5,000 cars
            // the dispatch of every batch to nobody took an eighth of the host's CPU (2,000 cars, perf).
            e.ProcessPublish = false;
            if (!handled)
            {
                // Storage failed: no PUBACK, so the car keeps the batch and sends it again after reconnecting.
                e.CloseConnection = true;
            }

            return;
        }

        if (e.SessionItems[IotViewerKey] is IotViewer iotViewer)
        {
            if (!LocalCustomAuthorizer.MayPublish(iotViewer, message.Topic))
            {
                // IoT Core closes a connection that publishes outside its policy.
                e.ProcessPublish = false;
                e.CloseConnection = true;
                _metrics.Refuse("viewer-publish");
                LogViewerPublishRefused(iotViewer.Decision.PrincipalId, Clip(message.Topic));
            }

            return;
        }

        Viewer viewer = _viewers.GetValueOrDefault(e.ClientId) ?? (Viewer)e.SessionItems[ViewerKey]!;
        await RefreshIfStaleAsync(viewer, e.CancellationToken).ConfigureAwait(false);
        if (!BrokerPolicy.MayViewerPublish(viewer, message.Topic, message.Payload.ToArray(), NowMs()))
        {
            e.ProcessPublish = false;
            _metrics.Refuse("viewer-publish");
            LogViewerPublishRefused(viewer.Identity.UserId, Clip(message.Topic));
        }
    }

    private async Task InterceptSubscriptionAsync(InterceptingSubscriptionEventArgs e)
    {
        string filter = e.TopicFilter.Topic;
        bool allowed;
        if (e.SessionItems[DeviceKey] is string car)
        {
            allowed = BrokerPolicy.MayDeviceSubscribe(car, filter);
        }
        else if (e.SessionItems[ViewerKey] is Viewer sessionViewer)
        {
            // The newest CONNECT's viewer (a resumed session keeps the items of the first).
            Viewer viewer = _viewers.GetValueOrDefault(e.ClientId) ?? sessionViewer;
            await RefreshIfStaleAsync(viewer, e.CancellationToken).ConfigureAwait(false);
            allowed = BrokerPolicy.MayViewerSubscribe(viewer, filter, NowMs());
        }
        else if (e.SessionItems[IotViewerKey] is IotViewer iot)
        {
            allowed = LocalCustomAuthorizer.MaySubscribe(iot, filter);
        }
        else
        {
            allowed = false;
        }

        if (!allowed)
        {
            e.ProcessSubscription = false;
            e.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
            _metrics.Refuse("subscribe");
            LogSubscribeRefused(e.ClientId, Clip(filter));
        }
    }

    private Task InterceptEnqueueAsync(InterceptingClientApplicationMessageEnqueueEventArgs e)
    {
        e.AcceptEnqueue = MayReceive(e.ReceiverClientId, e.ApplicationMessage.Topic);
        return Task.CompletedTask;
    }

    /// <summary>
    /// The per-delivery check, for MQTTnet's dispatch and the live fan-out alike. A renter's rental can end while they
    /// watch: every delivery is checked, not just the subscription. Fail closed: a browser session the broker does not
    /// know (any more) gets nothing.
    /// </summary>
    private bool MayReceive(string receiverClientId, string topic)
    {
        if (_iotViewers.TryGetValue(receiverClientId, out IotViewer? iot))
        {
            return LocalCustomAuthorizer.MayReceive(iot, topic);
        }

        return !receiverClientId.StartsWith(BrokerPolicy.ViewerClientPrefix, StringComparison.Ordinal)
            || (_viewers.TryGetValue(receiverClientId, out Viewer? viewer) && BrokerPolicy.MayViewerReceive(viewer, topic, NowMs()));
    }

    private async Task OnSubscribedAsync(ClientSubscribedTopicEventArgs e)
    {
        if (_server is not { } server || !LiveFanout.Covers(e.TopicFilter.Topic)
            || (e.SessionItems[ViewerKey] is null && e.SessionItems[IotViewerKey] is null))
        {
            return;
        }

        try
        {
            MqttSessionStatus session = await server.GetSessionAsync(e.ClientId).ConfigureAwait(false);
            if (ReferenceEquals(session.Items, e.SessionItems))
            {
                _fanout.Subscribed(e.ClientId, e.SessionItems, e.TopicFilter.Topic, session, MayReceive);
            }
        }
        catch (InvalidOperationException)
        {
            // The session ended meanwhile.
        }
    }

    private Task OnUnsubscribedAsync(ClientUnsubscribedTopicEventArgs e)
    {
        _fanout.Unsubscribed(e.ClientId, e.SessionItems, e.TopicFilter);
        return Task.CompletedTask;
    }

    private Task OnQueueOverflowAsync(QueueMessageOverwrittenEventArgs e)
    {
        // A session's queue held BrokerLimits.MaxQueuedMessagesPerClient and MQTTnet dropped its oldest message to take a
        // new one (a viewer's live outbox counts its own drops through the same counter): a browser that does not keep up misses live positions (the map is best-effort), the host does not grow.
        _metrics.QueueDrop();
        return Task.CompletedTask;
    }

    private Task OnSessionDeletedAsync(SessionDeletedEventArgs e)
    {
        _fanout.Ended(e.Id, e.SessionItems);
        return Task.CompletedTask;
    }

    /// <summary>
    /// The live event feed: an event Derive has just stored (or revised) goes, as the API's JSON, to
    /// <c>fleet/{car}/events</c>, which only operators may subscribe to and receive (<see cref="BrokerPolicy"/>, and the
    /// custom authorizer's renter policy, which names fixes and status only). Never retained: the API lists the past.
    /// A failure is logged and loses nothing: the event is stored and listed.
    /// </summary>
    /// <param name="e">The event.</param>
    /// <returns>When it is handed to the broker.</returns>
    public async Task EventCommittedAsync(Tracker.Cloud.Derive.Events.FleetEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        string json = Tracker.Cloud.Derive.Api.EventJson.ToJson(new Tracker.Cloud.Derive.Storage.StoredEvent(e, false, null, null));
        await PublishEventAsync(e.CarId, json).ConfigureAwait(false);
    }

    /// <summary>The live event feed: a withdrawn event (a replay no longer emits it) as <c>{"carId","id","withdrawn":true}</c>.</summary>
    /// <param name="key">The event's key.</param>
    /// <returns>When it is handed to the broker.</returns>
    public async Task EventWithdrawnAsync(Tracker.Cloud.Derive.Events.EventKey key)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("carId", key.CarId);
            json.WriteString("id", key.Id);
            json.WriteBoolean("withdrawn", true);
            json.WriteEndObject();
        }

        await PublishEventAsync(key.CarId, Encoding.UTF8.GetString(buffer.WrittenSpan)).ConfigureAwait(false);
    }

    private async Task PublishEventAsync(string car, string json)
    {
        try
        {
            await PublishAsync(LiveTopics.Events(car), Encoding.UTF8.GetBytes(json), retain: false).ConfigureAwait(false);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            LogEventPublishFailed(car, error);
        }
    }

    private async Task RepublishFixesAsync(string car, byte[] payload)
    {
        await PublishAsync(LiveTopics.Fixes(car), payload, retain: false).ConfigureAwait(false);
        _metrics.LiveRepublished();
        if (PublishTimes.TryReadCrc(payload, out uint crc) && _published.TryGet(car, crc, out long publishedMs))
        {
            _metrics.PublishToLive.Record(NowMs() - publishedMs);
        }
    }

    private async Task RefreshIfStaleAsync(Viewer viewer, CancellationToken cancellationToken)
    {
        long now = NowMs();
        if (viewer.Identity.IsRenter && now - viewer.LoadedMs > Viewer.RentalsRefresh.TotalMilliseconds)
        {
            viewer.Refresh(await _rentals.GetForRenterAsync(viewer.Identity.UserId, cancellationToken).ConfigureAwait(false), now);
        }
    }

    /// <summary>Publishes what the shadow service answered (QoS 1, as a car subscribes to its delta).</summary>
    /// <param name="messages">The service's messages.</param>
    /// <returns>When all are handed to the server.</returns>
    public async Task PublishShadowAsync(IReadOnlyList<ShadowMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        foreach (ShadowMessage m in messages)
        {
            await PublishAsync(m.Topic, m.Payload, retain: false, MqttQualityOfServiceLevel.AtLeastOnce).ConfigureAwait(false);
        }
    }

    private async Task PublishAsync(string topic, byte[] payload, bool retain, MqttQualityOfServiceLevel qos = MqttQualityOfServiceLevel.AtMostOnce)
    {
        MqttServer? server = _server;
        if (server is null)
        {
            return;
        }

        if (qos == MqttQualityOfServiceLevel.AtMostOnce && LiveFanout.Carries(topic))
        {
            // The live feed: straight to the viewers' sessions, not through MQTTnet's look at every session (LiveFanout).
            // A retained one is kept by the fan-out for later subscriptions, not in MQTTnet's retained store, which every
            // car's SUBSCRIBE would scan.
            if (retain)
            {
                _fanout.Retain(topic, payload);
            }

            _fanout.Deliver(topic, payload, MayReceive);
            return;
        }

        var message = new MqttApplicationMessage
        {
            Topic = topic,
            Payload = new ReadOnlySequence<byte>(payload),
            QualityOfServiceLevel = qos,
            Retain = retain,
        };
        await server.InjectApplicationMessage(new InjectedMqttApplicationMessage(message) { SenderClientId = string.Empty }, CancellationToken.None).ConfigureAwait(false);
    }

    private long NowMs() => _clock.GetUtcNow().ToUnixTimeMilliseconds();

    private static string Clip(string? text) => text is null ? "(null)" : text.Length <= 80 ? text : text[..80] + "...";

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Refused a client certificate: {Why}")]
    private partial void LogCertificateRefused(string why);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "Refused client id {ClientId}: the certificate is for {CommonName}")]
    private partial void LogClientIdRefused(string clientId, string commonName);

    [LoggerMessage(EventId = 12, Level = LogLevel.Debug, Message = "Car {CarId} connected")]
    private partial void LogDeviceConnected(string carId);

    [LoggerMessage(EventId = 13, Level = LogLevel.Debug, Message = "Car {CarId} disconnected ({How})")]
    private partial void LogDeviceDisconnected(string carId, string how);

    [LoggerMessage(EventId = 14, Level = LogLevel.Information, Message = "Viewer {User} connected as {ClientId}")]
    private partial void LogViewerConnected(string user, string clientId);

    [LoggerMessage(EventId = 15, Level = LogLevel.Warning, Message = "Car {CarId} published to {Topic}, outside its policy: disconnected")]
    private partial void LogDeviceTopicRefused(string carId, string topic);

    [LoggerMessage(EventId = 16, Level = LogLevel.Warning, Message = "Viewer {User} may not publish to {Topic}")]
    private partial void LogViewerPublishRefused(string user, string topic);

    [LoggerMessage(EventId = 17, Level = LogLevel.Information, Message = "Refused subscription of {ClientId} to {Filter}")]
    private partial void LogSubscribeRefused(string clientId, string filter);

    [LoggerMessage(EventId = 19, Level = LogLevel.Warning, Message = "Refused client id {ClientId} for {User}: another user's session holds it")]
    private partial void LogClientIdTaken(string clientId, string user);

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "Closed {ClientId}: it published {Bytes} bytes; the limit is {Limit} (AWS IoT Core's)")]
    private partial void LogMessageTooLarge(string clientId, long bytes, int limit);

    [LoggerMessage(EventId = 21, Level = LogLevel.Information, Message = "Rentals of {User} changed: {ClientId} may see no car now, disconnected")]
    private partial void LogRentalChangeDisconnect(string user, string clientId);

    [LoggerMessage(EventId = 24, Level = LogLevel.Warning, Message = "Could not publish a fleet event of {CarId} to the live feed (it is stored and listed)")]
    private partial void LogEventPublishFailed(string carId, Exception error);

    [LoggerMessage(EventId = 22, Level = LogLevel.Information, Message = "Rentals of {User} changed: {ClientId} no longer sees {Cars}")]
    private partial void LogRentalChangeNarrowed(string user, string clientId, string cars);

    [LoggerMessage(EventId = 23, Level = LogLevel.Error, Message = "Could not re-read the rentals of {User}: {Reason}")]
    private partial void LogRecheckFailed(string user, string reason);

    [LoggerMessage(EventId = 18, Level = LogLevel.Information, Message = "The custom authorizer refused {ClientId}: {Reason}")]
    private partial void LogAuthorizerRefused(string clientId, string reason);
}
