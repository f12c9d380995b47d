using System.Text;
using MQTTnet;
using MQTTnet.Server;

namespace Tracker.Cloud.Local.Broker;

/// <summary>
/// A viewer session's live messages on their way to its connection, bounded in messages
/// (<see cref="BrokerLimits.MaxQueuedMessagesPerClient"/>) and in bytes (<see cref="BrokerLimits.MaxQueuedBytesPerClient"/>),
/// whichever is reached first (issue 19). MQTTnet's own session queue bounds messages only and can drop only by count,
/// so a browser that stopped reading could hold 1,000 messages of up to <see cref="BrokerLimits.MaxPacketBytes"/> each.
/// Here the waiting messages are kept in front of MQTTnet's queue, which is handed one at a time
/// (<see cref="MqttSessionStatus.DeliverApplicationMessageAsync"/>, which completes once MQTTnet has written it to the
/// connection); a new message that does not fit drops the oldest waiting ones, each counted, as MQTTnet's own overflow
/// does. The message being written counts against the bound until it is written.
/// </summary>
public sealed class LiveOutbox
{
    private readonly Lock _gate = new();
    private readonly Queue<Entry> _waiting = new();
    private readonly MqttSessionStatus _session;
    private readonly Action _dropped;
    private readonly int _maxMessages;
    private readonly long _maxBytes;
    private long _waitingBytes;
    private Entry? _sending;
    private bool _closed;

    /// <summary>Creates the outbox of one session.</summary>
    /// <param name="session">The session its messages are handed to.</param>
    /// <param name="dropped">Told once for every message dropped to make room.</param>
    /// <param name="maxMessages">The most messages held (waiting plus the one being written).</param>
    /// <param name="maxBytes">The most bytes held (topics and payloads, waiting plus the one being written).</param>
    public LiveOutbox(MqttSessionStatus session, Action dropped, int maxMessages = BrokerLimits.MaxQueuedMessagesPerClient, long maxBytes = BrokerLimits.MaxQueuedBytesPerClient)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(dropped);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1L);
        _session = session;
        _dropped = dropped;
        _maxMessages = maxMessages;
        _maxBytes = maxBytes;
    }

    /// <summary>What the outbox holds now: the waiting messages and the one being written.</summary>
    public LiveQueueSize Size
    {
        get
        {
            lock (_gate)
            {
                return new LiveQueueSize(_waiting.Count + (_sending is null ? 0 : 1), _waitingBytes + (_sending?.Bytes ?? 0));
            }
        }
    }

    /// <summary>The bytes a message counts for: its topic (UTF-8) and its payload.</summary>
    /// <param name="message">The message.</param>
    /// <returns>Its size.</returns>
    public static long SizeOf(MqttApplicationMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return Encoding.UTF8.GetByteCount(message.Topic) + message.Payload.Length;
    }

    /// <summary>
    /// Queues a message for the session, dropping the oldest waiting ones while the outbox is over either bound (the
    /// newest too, only when it alone does not fit beside the one being written).
    /// </summary>
    /// <param name="message">The message (shared by every session it goes to).</param>
    /// <returns>False when the outbox is closed (its session ended).</returns>
    public bool Offer(MqttApplicationMessage message)
    {
        var entry = new Entry(message, SizeOf(message));
        Entry? next;
        lock (_gate)
        {
            if (_closed)
            {
                return false;
            }

            _waiting.Enqueue(entry);
            _waitingBytes += entry.Bytes;
            long sendingBytes = _sending?.Bytes ?? 0;
            int sendingCount = _sending is null ? 0 : 1;
            while (_waiting.Count > 0 && (_waiting.Count + sendingCount > _maxMessages || _waitingBytes + sendingBytes > _maxBytes))
            {
                _waitingBytes -= _waiting.Dequeue().Bytes;
                _dropped();
            }

            if (_sending is not null || !_waiting.TryDequeue(out next))
            {
                return true;
            }

            _waitingBytes -= next.Bytes;
            _sending = next;
        }

        Send(next);
        return true;
    }

    /// <summary>The session ended: what waits is let go, and nothing more is handed to the session.</summary>
    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
            _waiting.Clear();
            _waitingBytes = 0;
        }
    }

    private void Send(Entry entry)
    {
        Task<InjectMqttApplicationMessageResult> written;
        try
        {
            written = _session.DeliverApplicationMessageAsync(entry.Message);
        }
        catch (ObjectDisposedException)
        {
            // The session ended between the offer and now; its end closes this outbox.
            Close();
            return;
        }

        // Written, or failed (the connection closed, or MQTTnet's own queue dropped it): either way the next may go.
        written.ContinueWith(static (task, state) => ((LiveOutbox)state!).Written(task), this, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    private void Written(Task task)
    {
        _ = task.Exception; // observed: a failed write is the connection's end, which its own events report
        Entry? next;
        lock (_gate)
        {
            _sending = null;
            if (_closed || !_waiting.TryDequeue(out next))
            {
                return;
            }

            _waitingBytes -= next.Bytes;
            _sending = next;
        }

        Send(next);
    }

    private sealed record Entry(MqttApplicationMessage Message, long Bytes);
}

/// <summary>What a session's live outbox holds.</summary>
/// <param name="Messages">Messages, waiting or being written.</param>
/// <param name="Bytes">Their topics' and payloads' bytes.</param>
public readonly record struct LiveQueueSize(int Messages, long Bytes);
