using System.Buffers;
using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Tracker.Core.Uplink;

namespace Tracker.HostLink;

/// <summary>
/// The firmware's <see cref="IMqttLink"/> over MQTTnet, for the host: MQTT 3.1.1 over TLS 1.2 or 1.3
/// with a client certificate (mutual TLS, as AWS IoT Core requires), QoS 1 publishes whose PUBACKs
/// come back through <see cref="TryTakeCompletion"/>, and subscription messages queued for
/// <see cref="TryTakeMessage"/>. The simulated fleet runs one per car.
/// </summary>
/// <remarks>
/// <para>
/// Poll-driven, like every link: <see cref="Connect"/>, <see cref="Subscribe"/> and
/// <see cref="Disconnect"/> block (at most <see cref="MqttNetLinkOptions.OperationTimeout"/>);
/// <see cref="Publish"/> starts the send and returns. MQTTnet completes publishes and delivers
/// messages on its own tasks; they only enqueue into lock-free queues, so the link adds no thread of
/// its own, and a fleet of links costs MQTTnet's receive and keep-alive tasks per connection.
/// </para>
/// <para>
/// Transport failures never throw: they are <see cref="LinkResult"/> values, and a lost connection
/// turns <see cref="IsConnected"/> false while every publish still awaiting its PUBACK completes
/// with delivered = false (MQTTnet fails the waiting requests when its connection ends). Only
/// misuse throws: null arguments, an offset or count outside the buffer, a disposed link.
/// </para>
/// <para>
/// Each <see cref="Connect"/> uses a fresh MQTTnet client, so nothing of a lost connection's state
/// (packet ids, the pending-request table) reaches the next one. Message ids are the link's own
/// counter, not MQTT packet ids: they do not repeat for 2^31 publishes, so a late outcome of a
/// lost connection can never be mistaken for a message of the current one.
/// </para>
/// </remarks>
public sealed class MqttNetLink : IMqttLink, IDisposable
{
    private static readonly MqttClientFactory Factory = new();

    private readonly MqttNetLinkOptions _options;
    private readonly MqttClientTlsOptions _tls;
    private readonly ConcurrentQueue<Completion> _completions = new();
    private readonly ConcurrentQueue<Received> _messages = new();
    private readonly Lock _outcomeGate = new();
    private Session? _session;
    private int _epoch;
    private int _keepFromEpoch;
    private int _lastMessageId;
    private int _queuedMessages;
    private int _heard;
    private long _lastHeardMs;
    private long _pings;
    private long _connects;
    private long _connectFailures;
    private long _publishesSent;
    private long _publishBytesSent;
    private long _acknowledged;
    private long _notDelivered;
    private long _messagesReceived;
    private long _messagesDropped;
    private bool _disposed;
    private string? _lastFailure;

    /// <summary>Creates a link; it connects only when <see cref="Connect"/> is called.</summary>
    /// <param name="options">Broker, identity and limits.</param>
    public MqttNetLink(MqttNetLinkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _tls = new MqttClientTlsOptionsBuilder()
            .UseTls(true)
            .WithSslProtocols(SslProtocols.Tls12 | SslProtocols.Tls13)
            .WithTargetHost(options.ServerName)
            .WithClientCertificates(new X509Certificate2Collection(options.ClientCertificate))
            .WithRevocationMode(X509RevocationMode.NoCheck)
            .WithCertificateValidationHandler(ValidateServerCertificate)
            .Build();
    }

    /// <inheritdoc />
    public bool IsConnected => Volatile.Read(ref _session)?.Client.IsConnected == true;

    /// <inheritdoc />
    /// <remarks>
    /// The CONNACK, each PUBACK, SUBACK and message received, and the PINGRESP of each PINGREQ this link sends: while
    /// a QoS 1 publish awaits its PUBACK and nothing was heard for half the keep-alive, <see cref="TryTakeCompletion"/>
    /// sends one (MQTT 3.1.1 §3.12: the client may ping to learn that the server is alive). MQTTnet's own keep-alive
    /// pings only after a keep-alive without sending, and shows nobody its PINGRESP.
    /// </remarks>
    public int HeardFromBroker => Volatile.Read(ref _heard);

    /// <summary>PINGREQs this link sent to learn whether the broker is alive while a PUBACK was awaited.</summary>
    public long Pings => Interlocked.Read(ref _pings);

    /// <summary>Connections opened (CONNACK accepted).</summary>
    public long Connects => Interlocked.Read(ref _connects);

    /// <summary>
    /// Raised on MQTTnet's task the moment a QoS 1 publish's outcome is known (its PUBACK, or its failure), with the
    /// message id <see cref="Publish"/> gave and whether it was delivered, before the car polls it with
    /// <see cref="TryTakeCompletion"/>. For timing (a load test measures publish to PUBACK with it); the handler must be
    /// quick, and it may run before <see cref="Publish"/> has returned the id.
    /// </summary>
    public event Action<int, bool>? Completed;

    /// <summary>Connection attempts that failed, for any reason.</summary>
    public long ConnectFailures => Interlocked.Read(ref _connectFailures);

    /// <summary>PUBLISH packets handed to the connection.</summary>
    public long PublishesSent => Interlocked.Read(ref _publishesSent);

    /// <summary>
    /// MQTT bytes of those PUBLISH packets (fixed header, topic, packet id, payload;
    /// <see cref="MqttWireSize.Publish"/>), before TLS.
    /// </summary>
    public long PublishBytesSent => Interlocked.Read(ref _publishBytesSent);

    /// <summary>QoS 1 publishes the broker acknowledged (each cost a <see cref="MqttWireSize.PubAck"/>-byte PUBACK).</summary>
    public long Acknowledged => Interlocked.Read(ref _acknowledged);

    /// <summary>QoS 1 publishes that completed without a PUBACK (connection lost, timeout).</summary>
    public long NotDelivered => Interlocked.Read(ref _notDelivered);

    /// <summary>Messages received on subscriptions and queued.</summary>
    public long MessagesReceived => Interlocked.Read(ref _messagesReceived);

    /// <summary>Messages received while the queue held <see cref="MqttNetLinkOptions.MaxQueuedMessages"/>: dropped.</summary>
    public long MessagesDropped => Interlocked.Read(ref _messagesDropped);

    /// <summary>
    /// Why the last connect or operation failed, for a log line: the CONNACK code or the exception
    /// chain's messages. Null until something failed.
    /// </summary>
    public string? LastFailure => Volatile.Read(ref _lastFailure);

    /// <inheritdoc />
    public LinkResult Connect(MqttConnectOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ObjectDisposedException.ThrowIf(_disposed, this);

        Session? old = Interlocked.Exchange(ref _session, null);
        if (old is not null)
        {
            // Still up: send DISCONNECT first. Either way its outcomes stay queued: a PUBACK that
            // arrived still lets the FixLog commit, and the rest complete as not delivered.
            if (old.Client.IsConnected)
            {
                Close(old);
            }
            else
            {
                old.Client.Dispose();
            }
        }

        IMqttClient client = Factory.CreateMqttClient();
        var session = new Session(client, Interlocked.Increment(ref _epoch), options.KeepAliveS * 1000L);
        client.ApplicationMessageReceivedAsync += OnMessageReceived;
        try
        {
            // With CancellationToken.None MQTTnet bounds the whole connect (TCP, TLS, CONNACK) by
            // the options' Timeout.
            MqttClientConnectResult result = client.ConnectAsync(BuildClientOptions(options), CancellationToken.None).GetAwaiter().GetResult();
            if (result.ResultCode != MqttClientConnectResultCode.Success)
            {
                client.Dispose();
                Interlocked.Increment(ref _connectFailures);
                Volatile.Write(ref _lastFailure, "CONNACK " + result.ResultCode);
                return FromConnAck(result.ResultCode);
            }
        }
        catch (Exception e) when (IsTransportFailure(e))
        {
            client.Dispose();
            Interlocked.Increment(ref _connectFailures);
            return Fail(e);
        }

        Interlocked.Increment(ref _connects);
        Heard(); // the CONNACK
        Volatile.Write(ref _session, session);
        return LinkResult.Ok;
    }

    /// <inheritdoc />
    public LinkResult Publish(string topic, byte[] payload, int offset, int count, int qos, out int messageId)
    {
        ArgumentNullException.ThrowIfNull(topic);
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, payload.Length - offset);
        ObjectDisposedException.ThrowIf(_disposed, this);
        messageId = 0;
        if (qos is not (0 or 1) || !IsValidTopicName(topic))
        {
            return LinkResult.Invalid;
        }

        Session? session = Volatile.Read(ref _session);
        if (session is null || !session.Client.IsConnected)
        {
            return LinkResult.NotConnected;
        }

        if (qos == 1 && Interlocked.Increment(ref session.InFlight) > _options.MaxInFlight)
        {
            Interlocked.Decrement(ref session.InFlight);
            return LinkResult.Busy;
        }

        // The caller may reuse its buffer as soon as this returns; MQTTnet writes later.
        var message = new MqttApplicationMessage
        {
            Topic = topic,
            Payload = new ReadOnlySequence<byte>(payload.AsSpan(offset, count).ToArray()),
            QualityOfServiceLevel = qos == 1 ? MqttQualityOfServiceLevel.AtLeastOnce : MqttQualityOfServiceLevel.AtMostOnce,
        };

        Task<MqttClientPublishResult> sending;
        try
        {
            // Bounded by the options' Timeout: no PUBACK in time completes as not delivered.
            sending = session.Client.PublishAsync(message, CancellationToken.None);
        }
        catch (Exception e) when (IsTransportFailure(e) || e is MqttProtocolViolationException)
        {
            if (qos == 1)
            {
                Interlocked.Decrement(ref session.InFlight);
            }

            return e is MqttProtocolViolationException ? LinkResult.Invalid : LinkResult.NotConnected;
        }

        Interlocked.Increment(ref _publishesSent);
        Interlocked.Add(ref _publishBytesSent, MqttWireSize.Publish(topic, count, qos));
        if (qos == 0)
        {
            // Nothing to report for QoS 0, but a failed send must not become an unobserved exception.
            sending.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return LinkResult.Ok;
        }

        messageId = NextMessageId();
        sending.ContinueWith(
            static (t, state) => ((PendingPublish)state!).Complete(t),
            new PendingPublish(this, session, messageId),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return LinkResult.Ok;
    }

    /// <inheritdoc />
    public bool TryTakeCompletion(out int messageId, out bool delivered)
    {
        PingIfSilent();
        if (_completions.TryDequeue(out Completion c))
        {
            messageId = c.MessageId;
            delivered = c.Delivered;
            return true;
        }

        messageId = 0;
        delivered = false;
        return false;
    }

    /// <inheritdoc />
    public LinkResult Subscribe(string topic)
    {
        ArgumentNullException.ThrowIfNull(topic);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (topic.Length == 0)
        {
            return LinkResult.Invalid;
        }

        Session? session = Volatile.Read(ref _session);
        if (session is null || !session.Client.IsConnected)
        {
            return LinkResult.NotConnected;
        }

        MqttClientSubscribeOptions subscribe = Factory.CreateSubscribeOptionsBuilder()
            .WithTopicFilter(topic, MqttQualityOfServiceLevel.AtLeastOnce, false, false, MqttRetainHandling.SendAtSubscribe)
            .Build();
        try
        {
            MqttClientSubscribeResult result = session.Client.SubscribeAsync(subscribe, CancellationToken.None).GetAwaiter().GetResult();
            foreach (MqttClientSubscribeResultItem item in result.Items)
            {
                // MQTT 3.1.1 §3.9.3: 0x00-0x02 grant a QoS; 0x80 is failure (an ACL refusal, for mosquitto).
                if (item.ResultCode is not (MqttClientSubscribeResultCode.GrantedQoS0 or MqttClientSubscribeResultCode.GrantedQoS1 or MqttClientSubscribeResultCode.GrantedQoS2))
                {
                    return LinkResult.Refused;
                }
            }

            Heard(); // the SUBACK
            return LinkResult.Ok;
        }
        catch (MqttProtocolViolationException)
        {
            return LinkResult.Invalid;
        }
        catch (Exception e) when (IsTransportFailure(e))
        {
            LinkResult r = Fail(e);
            return r == LinkResult.TransportFailed ? LinkResult.NotConnected : r;
        }
    }

    /// <inheritdoc />
    public bool TryTakeMessage(out string topic, out byte[] payload)
    {
        if (_messages.TryDequeue(out Received m))
        {
            Interlocked.Decrement(ref _queuedMessages);
            topic = m.Topic;
            payload = m.Payload;
            return true;
        }

        topic = string.Empty;
        payload = [];
        return false;
    }

    /// <inheritdoc />
    public void Disconnect()
    {
        Session? session = Interlocked.Exchange(ref _session, null);
        DropOutcomes();
        if (session is not null)
        {
            Close(session);
        }
    }

    /// <summary>Disconnects (see <see cref="Disconnect"/>) and releases the client.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        Disconnect();
        _disposed = true;
    }

    private static bool IsTransportFailure(Exception e) =>
        e is not (ArgumentException or MqttConfigurationException or ObjectDisposedException or NotSupportedException);

    /// <summary>
    /// What a failed connect or operation means, from the exception MQTTnet raised and its inner
    /// exceptions (MQTTnet wraps socket and TLS errors in <see cref="MqttCommunicationException"/>).
    /// </summary>
    private static LinkResult Classify(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            switch (x)
            {
                case OperationCanceledException or TimeoutException or MqttCommunicationTimedOutException:
                    return LinkResult.Timeout;
                case AuthenticationException:
                    // The TLS handshake failed on a certificate: ours refused by the broker, or the
                    // broker's failing our check against the CA.
                    return LinkResult.Refused;
                case MqttClientNotConnectedException:
                    return LinkResult.NotConnected;
                case System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.NetworkUnreachable or System.Net.Sockets.SocketError.NetworkDown }:
                    return LinkResult.NetworkDown;
            }

            if (IsCertificateAlert(x.Message))
            {
                return LinkResult.Refused;
            }
        }

        return LinkResult.TransportFailed;
    }

    /// <summary>
    /// A TLS alert by which the broker refused our certificate. In TLS 1.3 the server checks the
    /// client's certificate after the client's handshake has completed (RFC 8446 §4.4.2.4), so the
    /// refusal arrives as an alert on the first read, which .NET raises as an IOException rather
    /// than an AuthenticationException; only its OpenSSL text says what it was ("tlsv1 alert
    /// unknown ca", "... bad certificate", "... certificate required", "... access denied").
    /// </summary>
    private static bool IsCertificateAlert(string message) =>
        message.Contains("alert", StringComparison.OrdinalIgnoreCase)
        && (message.Contains("unknown ca", StringComparison.OrdinalIgnoreCase)
            || message.Contains("certificate", StringComparison.OrdinalIgnoreCase)
            || message.Contains("access denied", StringComparison.OrdinalIgnoreCase));

    /// <summary>CONNACK return codes, MQTT 3.1.1 §3.2.2.3 (and their MQTT 5 equivalents).</summary>
    private static LinkResult FromConnAck(MqttClientConnectResultCode code) => code switch
    {
        MqttClientConnectResultCode.ServerUnavailable or MqttClientConnectResultCode.ServerBusy => LinkResult.TransportFailed,
        _ => LinkResult.Refused,
    };

    /// <summary>A topic name a PUBLISH may carry: 1 to 65,535 UTF-8 bytes, no wildcards (§4.7.1, §4.7.3).</summary>
    private static bool IsValidTopicName(string topic) =>
        topic.Length > 0 && topic.IndexOfAny(['+', '#', '\0']) < 0 && System.Text.Encoding.UTF8.GetByteCount(topic) <= 65535;

    private static string Describe(Exception e)
    {
        var text = new System.Text.StringBuilder();
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            text.Append(text.Length == 0 ? string.Empty : " <- ").Append(x.GetType().Name).Append(": ").Append(x.Message);
        }

        return text.ToString();
    }

    private LinkResult Fail(Exception e)
    {
        Volatile.Write(ref _lastFailure, Describe(e));
        return Classify(e);
    }

    private MqttClientOptions BuildClientOptions(MqttConnectOptions options)
    {
        MqttClientOptionsBuilder builder = Factory.CreateClientOptionsBuilder()
            .WithTcpServer(_options.Host, _options.Port)
            .WithProtocolVersion(MqttProtocolVersion.V311)
            .WithClientId(options.ClientId)
            .WithCleanSession(options.CleanSession)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(options.KeepAliveS))
            .WithTimeout(_options.OperationTimeout)
            .WithTlsOptions(_tls)
            .WithoutPacketFragmentation();
        if (options.WillTopic is not null)
        {
            // QoS 1 so the broker's copy of the will reaches the cloud like any fix (AWS IoT Core
            // accepts will QoS 0 and 1).
            builder = builder
                .WithWillTopic(options.WillTopic)
                .WithWillPayload(options.WillPayload ?? [])
                .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
        }

        return builder.Build();
    }

    /// <summary>
    /// The broker's certificate must chain to the configured CA alone (not the machine's store) and
    /// carry the expected name. Revocation is not checked: neither AWS IoT's device endpoints nor a
    /// test CA give the tracker a revocation source it can reach.
    /// </summary>
    private bool ValidateServerCertificate(MqttClientCertificateValidationEventArgs e)
    {
        if (e.Certificate is null || (e.SslPolicyErrors & (SslPolicyErrors.RemoteCertificateNotAvailable | SslPolicyErrors.RemoteCertificateNameMismatch)) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(_options.CaCertificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (e.Chain is not null)
        {
            // Intermediates the broker sent with its certificate.
            foreach (X509ChainElement element in e.Chain.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        X509Certificate2 leaf = e.Certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(e.Certificate.GetRawCertData());
        return chain.Build(leaf);
    }

    private int NextMessageId()
    {
        int id = Interlocked.Increment(ref _lastMessageId);
        if (id <= 0)
        {
            // After 2^31 publishes: start again at 1; 0 means "no id" (QoS 0).
            Interlocked.CompareExchange(ref _lastMessageId, 0, id);
            id = Interlocked.Increment(ref _lastMessageId);
        }

        return id;
    }

    private Task OnMessageReceived(MqttApplicationMessageReceivedEventArgs e)
    {
        Heard();
        if (Interlocked.Increment(ref _queuedMessages) > _options.MaxQueuedMessages)
        {
            // The caller is not collecting; the message is acknowledged (the connection must go on)
            // and dropped, and the count says so.
            Interlocked.Decrement(ref _queuedMessages);
            Interlocked.Increment(ref _messagesDropped);
            return Task.CompletedTask;
        }

        _messages.Enqueue(new Received(e.ApplicationMessage.Topic, e.ApplicationMessage.Payload.ToArray()));
        Interlocked.Increment(ref _messagesReceived);
        return Task.CompletedTask;
    }

    private void OnPublishCompleted(Session session, int messageId, Task<MqttClientPublishResult> task)
    {
        Interlocked.Decrement(ref session.InFlight);

        // MQTT 3.1.1's PUBACK has no reason code (MQTTnet reports Success); MQTT 5's may refuse.
        bool delivered = task.IsCompletedSuccessfully && task.Result.ReasonCode is MqttClientPublishReasonCode.Success or MqttClientPublishReasonCode.NoMatchingSubscribers;
        _ = task.Exception;
        if (task.IsCompletedSuccessfully)
        {
            Heard(); // the PUBACK, whatever its reason code
        }

        Interlocked.Increment(ref delivered ? ref _acknowledged : ref _notDelivered);
        Completed?.Invoke(messageId, delivered); // before it is queued, so a timer sees it no later than the car's poll
        lock (_outcomeGate)
        {
            if (session.Epoch >= _keepFromEpoch)
            {
                _completions.Enqueue(new Completion(messageId, delivered));
            }
        }
    }

    private void Heard()
    {
        Volatile.Write(ref _lastHeardMs, Environment.TickCount64);
        Interlocked.Increment(ref _heard);
    }

    /// <summary>
    /// Sends a PINGREQ when a QoS 1 publish awaits its PUBACK, nothing was heard from the broker for half the
    /// keep-alive, and no PINGREQ of ours is out; its PINGRESP counts in <see cref="HeardFromBroker"/>. The wait is
    /// bounded by half the keep-alive, the bound MQTTnet's own keep-alive uses; an unanswered one changes nothing
    /// here (the uplink sees the silence).
    /// </summary>
    private void PingIfSilent()
    {
        Session? session = Volatile.Read(ref _session);
        if (session is null
            || Volatile.Read(ref session.InFlight) == 0
            || Environment.TickCount64 - Volatile.Read(ref _lastHeardMs) < session.KeepAliveMs / 2
            || Interlocked.CompareExchange(ref session.Pinging, 1, 0) != 0)
        {
            return;
        }

        var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(session.KeepAliveMs / 2));
        Task ping;
        try
        {
            ping = session.Client.PingAsync(timeout.Token);
        }
        catch (Exception e) when (IsTransportFailure(e))
        {
            timeout.Dispose();
            Volatile.Write(ref session.Pinging, 0);
            return;
        }

        Interlocked.Increment(ref _pings);
        ping.ContinueWith(
            (t, state) =>
            {
                _ = t.Exception;
                if (t.IsCompletedSuccessfully)
                {
                    Heard(); // the PINGRESP
                }

                timeout.Dispose();
                Volatile.Write(ref ((Session)state!).Pinging, 0);
            },
            session,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>Drops every outcome not yet taken, and every one still to come from connections up to now.</summary>
    private void DropOutcomes()
    {
        lock (_outcomeGate)
        {
            _keepFromEpoch = Volatile.Read(ref _epoch) + 1;
            _completions.Clear();
        }
    }

    /// <summary>Sends DISCONNECT when still connected (so the broker drops the will, §3.14.4), then releases the client.</summary>
    private void Close(Session session)
    {
        try
        {
            if (session.Client.IsConnected)
            {
                session.Client.DisconnectAsync(new MqttClientDisconnectOptions(), CancellationToken.None).GetAwaiter().GetResult();
            }
        }
        catch (Exception e) when (IsTransportFailure(e))
        {
            // Lost on the way out: the broker publishes the will, which is what a lost car does.
        }

        session.Client.Dispose();
    }

    /// <summary>One connection: its MQTTnet client, its QoS 1 messages awaiting PUBACK, and its epoch.</summary>
    private sealed class Session(IMqttClient client, int epoch, long keepAliveMs)
    {
        public readonly IMqttClient Client = client;
        public readonly int Epoch = epoch;
        public readonly long KeepAliveMs = keepAliveMs;
        public int InFlight;
        public int Pinging;
    }

    /// <summary>The state a publish's continuation needs.</summary>
    private sealed class PendingPublish(MqttNetLink link, Session session, int messageId)
    {
        public void Complete(Task<MqttClientPublishResult> task) => link.OnPublishCompleted(session, messageId, task);
    }

    private readonly record struct Completion(int MessageId, bool Delivered);

    private readonly record struct Received(string Topic, byte[] Payload);
}
