using System.Buffers;
using System.Collections;
using System.Collections.Concurrent;
using MQTTnet;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Tracker.Cloud.Local.Broker;

/// <summary>
/// The live feed's delivery to the browsers (issue 19). MQTTnet hands every published message to every session that has
/// a subscription, and each car has one (its shadow), so a batch republished to <c>fleet/{car}/fixes</c> cost a check of
/// every car's session (with the car's own publish, a third of the host's CPU at 2,000 cars, growing with the fleet).
/// Only viewers may subscribe to <c>fleet/...</c> (<see cref="BrokerPolicy"/>, the live policies), so this keeps, from
/// MQTTnet's own subscription events, which viewer session holds which <c>fleet/...</c> filters, and puts each message
/// straight into the queues of the sessions it matches: the cost follows the browsers watching, not the cars. What
/// MQTTnet would do is kept: a message goes once to a session however many of its filters match, at QoS 0 and without
/// the retain flag (it is live); the per-delivery check (a renter's rental can end while they watch) runs for every
/// delivery; a full queue drops its oldest. Each session's live messages wait in its <see cref="LiveOutbox"/>, bounded in
/// messages and in bytes, in front of MQTTnet's queue (which bounds messages only).
/// <para>
/// The retained statuses (<c>fleet/{car}/status</c>, one a car) are kept here too, not in MQTTnet's retained store:
/// MQTTnet copies its whole retained store at every SUBSCRIBE and compares each message with each filter of it, so with
/// one retained status a car, each car's own subscribe cost a look at every car's status (a tenth of the host's CPU
/// just after a 10,000-car connect storm, and the storm's cost grew with the square of the fleet). A viewer's new
/// <c>fleet/...</c> subscription is given the matching retained messages from here, with the retain flag, through the
/// same per-delivery check; a car's subscription is never given any (no car may subscribe to <c>fleet/...</c>).
/// </para>
/// </summary>
public sealed class LiveFanout
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Listener> _byClient = new(StringComparer.Ordinal);
    private readonly Action _dropped;
    private Listener[] _listeners = [];
    private readonly ConcurrentDictionary<string, byte[]> _retained = new(StringComparer.Ordinal);

    /// <summary>Creates the fan-out.</summary>
    /// <param name="dropped">Told once for every live message a session's full outbox drops.</param>
    public LiveFanout(Action dropped)
    {
        ArgumentNullException.ThrowIfNull(dropped);
        _dropped = dropped;
    }

    /// <summary>The viewer sessions holding at least one <c>fleet/...</c> subscription now.</summary>
    public int Listeners => Volatile.Read(ref _listeners).Length;

    /// <summary>The retained message of <paramref name="topic"/>, if one is kept.</summary>
    /// <param name="topic">A <c>fleet/...</c> topic.</param>
    /// <param name="payload">The message; do not change it.</param>
    /// <returns>True when one is kept.</returns>
    public bool TryGetRetained(string topic, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out byte[]? payload) => _retained.TryGetValue(topic, out payload);

    /// <summary>Keeps <paramref name="payload"/> as the retained message of <paramref name="topic"/>; an empty payload removes it (MQTT §3.3.1.3).</summary>
    /// <param name="topic">A <c>fleet/...</c> topic.</param>
    /// <param name="payload">The message; the caller does not change it afterwards.</param>
    public void Retain(string topic, byte[] payload)
    {
        ArgumentNullException.ThrowIfNull(topic);
        ArgumentNullException.ThrowIfNull(payload);
        if (!Carries(topic))
        {
            throw new ArgumentException("only fleet/... topics are retained here: " + topic, nameof(topic));
        }

        if (payload.Length == 0)
        {
            _retained.TryRemove(topic, out _);
        }
        else
        {
            _retained[topic] = payload;
        }
    }

    /// <summary>True when <paramref name="topic"/> is delivered here rather than by MQTTnet's dispatch.</summary>
    /// <param name="topic">A topic the host publishes.</param>
    /// <returns>True for <c>fleet/...</c>.</returns>
    public static bool Carries(string topic) => topic is not null && topic.StartsWith(TopicParser.Root + "/", StringComparison.Ordinal);

    /// <summary>True when a filter can match a <c>fleet/...</c> topic (the policies grant viewers <c>fleet/...</c> filters only).</summary>
    /// <param name="filter">A subscription's filter.</param>
    /// <returns>True for <c>fleet/...</c>, and for filters that begin with a wildcard.</returns>
    public static bool Covers(string filter) => Carries(filter) || (filter is not null && (filter.StartsWith('+') || filter.StartsWith('#')));

    /// <summary>MQTTnet granted a session a subscription (its <c>ClientSubscribedTopicAsync</c>).</summary>
    /// <param name="clientId">The session's client id.</param>
    /// <param name="sessionItems">The session's items (they identify the session: a new session has new ones).</param>
    /// <param name="filter">The filter granted.</param>
    /// <param name="session">The session, to deliver to; looked up by the caller.</param>
    /// <param name="mayReceive">The per-delivery check, for the retained messages the subscription is given.</param>
    public void Subscribed(string clientId, IDictionary sessionItems, string filter, MqttSessionStatus session, Func<string, string, bool> mayReceive)
    {
        ArgumentNullException.ThrowIfNull(mayReceive);
        ArgumentNullException.ThrowIfNull(clientId);
        ArgumentNullException.ThrowIfNull(sessionItems);
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(session);
        if (!Covers(filter))
        {
            return;
        }

        LiveOutbox outbox;
        lock (_gate)
        {
            if (!_byClient.TryGetValue(clientId, out Listener? listener) || !ReferenceEquals(listener.Items, sessionItems))
            {
                // A first subscription, or one of a new session under the same client id (the old one is gone).
                listener?.Outbox.Close();
                listener = new Listener(clientId, sessionItems, new LiveOutbox(session, _dropped), []);
            }

            if (!listener.Filters.Contains(filter, StringComparer.Ordinal))
            {
                listener = listener with { Filters = [.. listener.Filters, filter] };
            }

            _byClient[clientId] = listener;
            Publish();
            outbox = listener.Outbox;
        }

        DeliverRetained(clientId, outbox, filter, mayReceive);
    }

    private void DeliverRetained(string clientId, LiveOutbox outbox, string filter, Func<string, string, bool> mayReceive)
    {
        foreach (KeyValuePair<string, byte[]> kept in _retained)
        {
            if (MqttTopicFilterComparer.Compare(kept.Key, filter) != MqttTopicFilterCompareResult.IsMatch || !mayReceive(clientId, kept.Key))
            {
                continue;
            }

            if (!outbox.Offer(Message(kept.Key, kept.Value, retain: true)))
            {
                break; // The session ended meanwhile; its end event removes it.
            }
        }
    }

    /// <summary>A session dropped a filter (its <c>ClientUnsubscribedTopicAsync</c>, also for the host's own unsubscribe).</summary>
    /// <param name="clientId">The session's client id.</param>
    /// <param name="sessionItems">The session's items.</param>
    /// <param name="filter">The filter.</param>
    public void Unsubscribed(string clientId, IDictionary sessionItems, string filter)
    {
        lock (_gate)
        {
            if (clientId is null || !_byClient.TryGetValue(clientId, out Listener? listener) || !ReferenceEquals(listener.Items, sessionItems))
            {
                return;
            }

            string[] left = [.. listener.Filters.Where(f => !string.Equals(f, filter, StringComparison.Ordinal))];
            if (left.Length == 0)
            {
                _byClient.Remove(clientId);
                listener.Outbox.Close();
            }
            else
            {
                _byClient[clientId] = listener with { Filters = left };
            }

            Publish();
        }
    }

    /// <summary>A session ended (deleted, or its client disconnected: the broker keeps no session past its connection).</summary>
    /// <param name="clientId">The session's client id.</param>
    /// <param name="sessionItems">The session's items; a newer session under the same id is left alone.</param>
    public void Ended(string clientId, IDictionary? sessionItems)
    {
        lock (_gate)
        {
            if (clientId is not null && _byClient.TryGetValue(clientId, out Listener? listener) && ReferenceEquals(listener.Items, sessionItems))
            {
                _byClient.Remove(clientId);
                listener.Outbox.Close();
                Publish();
            }
        }
    }

    /// <summary>A session under this client id connected: a listener of an older session under it is dropped.</summary>
    /// <param name="clientId">The client id.</param>
    /// <param name="sessionItems">The new session's items (the same as before when MQTTnet resumed the session).</param>
    public void Connected(string clientId, IDictionary sessionItems)
    {
        lock (_gate)
        {
            if (clientId is not null && _byClient.TryGetValue(clientId, out Listener? listener) && !ReferenceEquals(listener.Items, sessionItems))
            {
                _byClient.Remove(clientId);
                listener.Outbox.Close();
                Publish();
            }
        }
    }

    /// <summary>Puts a live message into the queue of every viewer session with a matching filter that may receive it.</summary>
    /// <param name="topic">The topic (<c>fleet/...</c>).</param>
    /// <param name="payload">The payload.</param>
    /// <param name="mayReceive">The per-delivery check: (client id, topic) to true when the session may have it.</param>
    /// <returns>How many sessions it was queued for.</returns>
    public int Deliver(string topic, byte[] payload, Func<string, string, bool> mayReceive)
    {
        ArgumentNullException.ThrowIfNull(topic);
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(mayReceive);
        Listener[] listeners = Volatile.Read(ref _listeners);
        if (listeners.Length == 0)
        {
            return 0;
        }

        int queued = 0;
        MqttApplicationMessage? message = null;
        foreach (Listener listener in listeners)
        {
            if (!Matches(listener.Filters, topic) || !mayReceive(listener.ClientId, topic))
            {
                continue;
            }

            // One message object for every session: MQTTnet builds each session's own PUBLISH packet from it.
            message ??= Message(topic, payload, retain: false);
            if (listener.Outbox.Offer(message))
            {
                queued++;
            }
        }

        return queued;
    }

    /// <summary>What a viewer session's live outbox holds now.</summary>
    /// <param name="clientId">The session's client id.</param>
    /// <returns>Its size; null when the session holds no <c>fleet/...</c> subscription.</returns>
    public LiveQueueSize? Queued(string clientId)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        foreach (Listener listener in Volatile.Read(ref _listeners))
        {
            if (string.Equals(listener.ClientId, clientId, StringComparison.Ordinal))
            {
                return listener.Outbox.Size;
            }
        }

        return null;
    }

    private static bool Matches(string[] filters, string topic)
    {
        foreach (string filter in filters)
        {
            if (MqttTopicFilterComparer.Compare(topic, filter) == MqttTopicFilterCompareResult.IsMatch)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A live message as every viewer gets it: QoS 0, retained only when it is a kept status given to a new subscription.</summary>
    private static MqttApplicationMessage Message(string topic, byte[] payload, bool retain) => new()
    {
        Topic = topic,
        Payload = new ReadOnlySequence<byte>(payload),
        QualityOfServiceLevel = MqttQualityOfServiceLevel.AtMostOnce,
        Retain = retain,
    };

    private void Publish() => Volatile.Write(ref _listeners, [.. _byClient.Values]);

    private sealed record Listener(string ClientId, IDictionary Items, LiveOutbox Outbox, string[] Filters);
}
