using System;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using nanoFramework.M2Mqtt;
using nanoFramework.M2Mqtt.Exceptions;
using nanoFramework.M2Mqtt.Messages;
using Tracker.Core.Uplink;

namespace Tracker.Device.Net
{
    /// <summary>
    /// <see cref="IMqttLink"/> over nanoFramework.M2Mqtt on Wi-Fi: TLS 1.2 with the broker's CA and
    /// the car's X.509 client certificate and key (mutual TLS, as AWS IoT Core requires).
    /// </summary>
    /// <remarks>
    /// <para>M2Mqtt completes asynchronously: <c>MqttMsgPublished</c> (the PUBACK, or a give-up),
    /// <c>MqttMsgPublishReceived</c> and <c>ConnectionClosed</c> are raised on its dispatcher
    /// thread. They are queued here in fixed rings under a monitor and handed out by
    /// <see cref="TryTakeCompletion"/> and <see cref="TryTakeMessage"/> on the uplink's loop.</para>
    /// <para>M2Mqtt resends an unacknowledged QoS 1 PUBLISH with DUP after 1 s, three times, and
    /// then reports <c>IsPublished = false</c>. Those values are constants with an internal setter
    /// (<c>MqttSettings.DelayOnRetry</c>, <c>AttemptsOnRetry</c>), so a broker slower than 1 s
    /// receives duplicates. Ingest dedupes on (car, ts), so duplicates cost bytes, not data. A
    /// give-up becomes a completion with delivered = false, and the uplink offers the batch again.</para>
    /// <para>The client is created in <see cref="Connect"/>, not earlier, because the
    /// <c>MqttClient</c> constructor resolves the host name (<c>Dns.GetHostEntry</c>) and throws
    /// when the network is not up yet.</para>
    /// </remarks>
    internal sealed class M2MqttLink : IMqttLink
    {
        private const int CompletionCapacity = 32;
        private const int MessageCapacity = 8;

        private readonly string _host;
        private readonly int _port;
        private readonly X509Certificate _ca;
        private readonly X509Certificate2 _clientCert;
        private readonly object _sync = new object();
        private readonly int[] _completionIds = new int[CompletionCapacity];
        private readonly bool[] _completionDelivered = new bool[CompletionCapacity];
        private readonly ReceivedMessages _messages = new ReceivedMessages(MessageCapacity);
        private int _completionHead;
        private int _completionCount;
        private MqttClient? _client;
        private int _connected;
        private int _heard;

        /// <summary>Creates the link; nothing touches the network until <see cref="Connect"/>.</summary>
        /// <param name="host">The broker (AWS IoT: the account's <c>-ats</c> endpoint).</param>
        /// <param name="port">8883.</param>
        /// <param name="caPem">The broker's root CA, PEM text.</param>
        /// <param name="certificatePem">The car's certificate, PEM text.</param>
        /// <param name="privateKeyPem">The car's private key, PEM text, unencrypted.</param>
        /// <param name="maxInFlight">Bound on M2Mqtt's own in-flight queue (the uplink's window).</param>
        public M2MqttLink(string host, int port, string caPem, string certificatePem, string privateKeyPem, int maxInFlight)
        {
            _host = host;
            _port = port;

            // The string constructors append the NUL that mbedTLS needs to parse PEM (System.Net
            // X509Certificate.cs); the key is decoded natively and throws when it is not a valid key.
            _ca = new X509Certificate(caPem);
            _clientCert = new X509Certificate2(certificatePem, privateKeyPem, string.Empty);

            MaxInFlight = maxInFlight;
        }

        /// <summary>
        /// Bound on M2Mqtt's own in-flight queue, taken at the next <see cref="Connect"/>: each connect makes a new
        /// client, so a live change of <c>uplink.maxInFlight</c> (the app disconnects on a live change and the uplink
        /// reconnects) reaches M2Mqtt's queue without a restart.
        /// </summary>
        public int MaxInFlight { get; set; }

        /// <summary>PUBACK outcomes dropped because the ring was full (the uplink's ack timeout covers them).</summary>
        public int DroppedCompletions { get; private set; }

        /// <summary>Older subscription messages dropped to make room for newer ones.</summary>
        public int DroppedMessages
        {
            get { return (int)_messages.Dropped; }
        }

        /// <inheritdoc/>
        public bool IsConnected
        {
            get { return _connected != 0; }
        }

        /// <inheritdoc/>
        /// <remarks>
        /// The CONNACK, each PUBACK (<c>MqttMsgPublished</c> with <c>IsPublished</c>) and each message received.
        /// M2Mqtt answers its own keep-alive and raises no event for a PINGRESP; an unanswered PINGREQ closes the
        /// connection (<c>ConnectionClosed</c>), which turns <see cref="IsConnected"/> false instead.
        /// </remarks>
        public int HeardFromBroker
        {
            get { return _heard; }
        }

        /// <inheritdoc/>
        public LinkResult Connect(MqttConnectOptions options)
        {
            Close();

            // Shared by every client (a singleton) and read on each publish. Bounded, so a stalled broker gives Busy
            // instead of an ever-growing queue in RAM.
            MqttSettings.Instance.InflightQueueSize = MaxInFlight;
            MqttClient client;
            try
            {
                client = new MqttClient(_host, _port, true, _ca, _clientCert, MqttSslProtocols.TLSv1_2);
            }
            catch (Exception)
            {
                // DNS failed (the constructor resolves the host).
                return LinkResult.TransportFailed;
            }

            client.MqttMsgPublished += OnPublished;
            client.MqttMsgPublishReceived += OnMessage;
            client.ConnectionClosed += OnClosed;

            bool willFlag = options.WillTopic != null;
            string? willMessage = null;
            if (willFlag)
            {
                // M2Mqtt's will message is a string; the uplink's will payload is UTF-8 text.
                byte[] will = options.WillPayload!;
                willMessage = Encoding.UTF8.GetString(will, 0, will.Length);
            }

            MqttReasonCode code;
            try
            {
                code = client.Connect(
                    options.ClientId,
                    null,
                    null,
                    false,
                    MqttQoSLevel.AtLeastOnce,
                    willFlag,
                    options.WillTopic,
                    willMessage,
                    options.CleanSession,
                    (ushort)options.KeepAliveS);
            }
            catch (MqttCommunicationException)
            {
                // No CONNACK within MqttSettings.DefaultTimeout.
                Drop(client);
                return LinkResult.Timeout;
            }
            catch (Exception)
            {
                // MqttConnectionException: socket or TLS failure (a bad certificate ends here too).
                Drop(client);
                return LinkResult.TransportFailed;
            }

            if (code != MqttReasonCode.Success)
            {
                Drop(client);
                return LinkResult.Refused;
            }

            ClearQueues();
            _client = client;
            Interlocked.Increment(ref _heard); // the CONNACK
            Interlocked.Exchange(ref _connected, 1);
            return LinkResult.Ok;
        }

        /// <inheritdoc/>
        public LinkResult Publish(string topic, byte[] payload, int offset, int count, int qos, out int messageId)
        {
            messageId = 0;
            MqttClient? client = _client;
            if (client == null || _connected == 0)
            {
                return LinkResult.NotConnected;
            }

            if (qos < 0 || qos > 1)
            {
                return LinkResult.Invalid;
            }

            // M2Mqtt sends a whole array; the uplink's buffer is reused, so copy the slice.
            byte[] message = new byte[count];
            Array.Copy(payload, offset, message, 0, count);
            try
            {
                ushort id = client.Publish(topic, message, null, null, qos == 1 ? MqttQoSLevel.AtLeastOnce : MqttQoSLevel.AtMostOnce, false);
                messageId = qos == 1 ? id : 0;
                return LinkResult.Ok;
            }
            catch (MqttClientException e)
            {
                return e.ErrorCode == MqttClientErrorCode.InflightQueueFull ? LinkResult.Busy : LinkResult.Invalid;
            }
            catch (Exception)
            {
                Interlocked.Exchange(ref _connected, 0);
                return LinkResult.NotConnected;
            }
        }

        /// <inheritdoc/>
        public bool TryTakeCompletion(out int messageId, out bool delivered)
        {
            Monitor.Enter(_sync);
            try
            {
                if (_completionCount == 0)
                {
                    messageId = 0;
                    delivered = false;
                    return false;
                }

                messageId = _completionIds[_completionHead];
                delivered = _completionDelivered[_completionHead];
                _completionHead = (_completionHead + 1) % CompletionCapacity;
                _completionCount--;
                return true;
            }
            finally
            {
                Monitor.Exit(_sync);
            }
        }

        /// <inheritdoc/>
        public LinkResult Subscribe(string topic)
        {
            MqttClient? client = _client;
            if (client == null || _connected == 0)
            {
                return LinkResult.NotConnected;
            }

            try
            {
                client.Subscribe(new string[] { topic }, new MqttQoSLevel[] { MqttQoSLevel.AtLeastOnce });
                return LinkResult.Ok;
            }
            catch (MqttClientException)
            {
                return LinkResult.Invalid;
            }
            catch (Exception)
            {
                Interlocked.Exchange(ref _connected, 0);
                return LinkResult.NotConnected;
            }
        }

        /// <inheritdoc/>
        public bool TryTakeMessage(out string topic, out byte[] payload)
        {
            Monitor.Enter(_sync);
            try
            {
                return _messages.TryTake(out topic, out payload);
            }
            finally
            {
                Monitor.Exit(_sync);
            }
        }

        /// <inheritdoc/>
        public void Disconnect()
        {
            MqttClient? client = _client;
            if (client != null && _connected != 0)
            {
                try
                {
                    // Sends DISCONNECT, so the broker does not publish the will (MQTT 3.1.1 §3.14).
                    client.Disconnect();
                }
                catch (Exception)
                {
                    // The connection is gone either way.
                }
            }

            Close();
        }

        private void Close()
        {
            MqttClient? client = _client;
            _client = null;
            Interlocked.Exchange(ref _connected, 0);
            if (client != null)
            {
                Drop(client);
            }

            ClearQueues();
        }

        private void Drop(MqttClient client)
        {
            client.MqttMsgPublished -= OnPublished;
            client.MqttMsgPublishReceived -= OnMessage;
            client.ConnectionClosed -= OnClosed;
            try
            {
                client.Close();
            }
            catch (Exception)
            {
                // Already closed.
            }
        }

        private void ClearQueues()
        {
            Monitor.Enter(_sync);
            try
            {
                _completionHead = 0;
                _completionCount = 0;
                _messages.Clear();
            }
            finally
            {
                Monitor.Exit(_sync);
            }
        }

        private void OnPublished(object sender, MqttMsgPublishedEventArgs e)
        {
            if (e.IsPublished)
            {
                Interlocked.Increment(ref _heard); // the PUBACK
            }

            Monitor.Enter(_sync);
            try
            {
                if (_completionCount == CompletionCapacity)
                {
                    DroppedCompletions++;
                    return;
                }

                int slot = (_completionHead + _completionCount) % CompletionCapacity;
                _completionIds[slot] = e.MessageId;
                _completionDelivered[slot] = e.IsPublished;
                _completionCount++;
            }
            finally
            {
                Monitor.Exit(_sync);
            }
        }

        private void OnMessage(object sender, MqttMsgPublishEventArgs e)
        {
            Interlocked.Increment(ref _heard);
            Monitor.Enter(_sync);
            try
            {
                // Full: the oldest makes room, as on the modem link (the newest watch request counts).
                _messages.Add(e.Topic, e.Message);
            }
            finally
            {
                Monitor.Exit(_sync);
            }
        }

        private void OnClosed(object sender, EventArgs e)
        {
            Interlocked.Exchange(ref _connected, 0);
        }
    }
}
