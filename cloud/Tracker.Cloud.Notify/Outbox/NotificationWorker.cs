using Tracker.Cloud.Derive.Api;
using Tracker.Cloud.Derive.Events;
using Tracker.Cloud.Derive.Storage;
using Tracker.Cloud.Notify.Channels;
using Tracker.Cloud.Notify.Subscriptions;

namespace Tracker.Cloud.Notify.Outbox;

/// <summary>
/// Moves notifications: announces stored events that stand into outbox entries for the subscriptions they match, then
/// sends what is due, recording each outcome (delivered; or retried with exponential backoff; or failed after the last
/// attempt, kept with its error). Everything it knows is in the store, so it can stop at any point: an outage delays
/// notifications and loses none, and a restart resends at most the one in flight (with the same delivery id).
/// </summary>
public sealed class NotificationWorker
{
    private const int Batch = 200;

    private readonly IOutboxStore _outbox;
    private readonly ISubscriptionStore _subscriptions;
    private readonly IReadOnlyDictionary<Channel, ISender> _senders;
    private readonly NotifyOptions _options;
    private readonly TimeProvider _clock;
    private readonly SemaphoreSlim _wake = new(0, 1);

    /// <summary>Creates the worker.</summary>
    /// <param name="outbox">The outbox.</param>
    /// <param name="subscriptions">The subscriptions.</param>
    /// <param name="senders">A sender per channel (a channel without one is never sent: its entries wait).</param>
    /// <param name="options">Retries.</param>
    /// <param name="clock">The clock.</param>
    public NotificationWorker(IOutboxStore outbox, ISubscriptionStore subscriptions, IReadOnlyDictionary<Channel, ISender> senders, NotifyOptions options, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(outbox);
        ArgumentNullException.ThrowIfNull(subscriptions);
        ArgumentNullException.ThrowIfNull(senders);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        options.Validate();
        _outbox = outbox;
        _subscriptions = subscriptions;
        _senders = senders;
        _options = options;
        _clock = clock;
    }

    /// <summary>Makes the running loop look now (an event was just committed).</summary>
    public void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already awake.
            }
        }
    }

    /// <summary>Runs until cancelled: a pass whenever woken, or every <see cref="NotifyOptions.PollEvery"/>.</summary>
    /// <param name="onError">Told of a pass that failed (the store); the next pass tries again.</param>
    /// <param name="cancellationToken">Stops it.</param>
    /// <returns>The task.</returns>
    public async Task RunAsync(Action<Exception> onError, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onError);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                onError(e);
            }

            try
            {
                await _wake.WaitAsync(_options.PollEvery, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One pass: announce, then send what is due.</summary>
    /// <param name="cancellationToken">Cancels it.</param>
    /// <returns>Entries sent successfully in this pass.</returns>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        await AnnounceAsync(cancellationToken).ConfigureAwait(false);
        int delivered = 0;
        long now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (OutboxEntry entry in await _outbox.DueAsync(now, Batch, cancellationToken).ConfigureAwait(false))
        {
            if (!_senders.TryGetValue(entry.Channel, out ISender? sender))
            {
                continue;
            }

            string? error = await sender.SendAsync(entry, cancellationToken).ConfigureAwait(false);
            long at = _clock.GetUtcNow().ToUnixTimeMilliseconds();
            OutboxEntry outcome;
            if (error is null)
            {
                outcome = entry with { State = OutboxState.Delivered, Attempts = entry.Attempts + 1, DeliveredMs = at, LastError = null };
                delivered++;
            }
            else
            {
                int attempts = entry.Attempts + 1;
                outcome = entry with
                {
                    Attempts = attempts,
                    LastError = error.Length > 500 ? error[..500] : error,
                    State = attempts >= _options.MaxAttempts ? OutboxState.Failed : OutboxState.Pending,
                    NextAttemptMs = at + (long)_options.Backoff(attempts).TotalMilliseconds,
                };
            }

            await _outbox.RecordAsync(outcome, cancellationToken).ConfigureAwait(false);
        }

        return delivered;
    }

    private async Task AnnounceAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            IReadOnlyList<StoredEvent> events = await _outbox.UnannouncedAsync(Batch, cancellationToken).ConfigureAwait(false);
            if (events.Count == 0)
            {
                return;
            }

            IReadOnlyList<Subscription> subscriptions = await _subscriptions.ListSubscriptionsAsync(cancellationToken).ConfigureAwait(false);
            long now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
            List<OutboxEntry> entries = [];
            foreach (StoredEvent stored in events)
            {
                FleetEvent e = stored.Event;
                string payload = EventJson.ToJson(stored);
                string summary = EventTypeNames.Name(e.Type) + " " + e.CarId
                    + (e.Detail is { } d ? " (" + d + ")" : string.Empty)
                    + " at " + DateTimeOffset.FromUnixTimeMilliseconds(e.EpisodeStartMs).ToString("yyyy-MM-dd HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture)
                    + (e.Late ? ", late" : string.Empty);
                foreach (Subscription s in subscriptions.Where(s => s.Matches(e)))
                {
                    if (s.WebhookUrl is { } url)
                    {
                        entries.Add(Entry(e, s, Channel.Webhook, url.AbsoluteUri, payload, summary, now));
                    }

                    if (s.Email is { } email)
                    {
                        entries.Add(Entry(e, s, Channel.Email, email, payload, summary, now));
                    }
                }
            }

            await _outbox.AnnounceAsync(events, entries, cancellationToken).ConfigureAwait(false);
            if (events.Count < Batch)
            {
                return;
            }
        }
    }

    private static OutboxEntry Entry(FleetEvent e, Subscription s, Channel channel, string target, string payload, string summary, long now) => new()
    {
        CarId = e.CarId,
        EventId = e.Key.Id,
        SubscriptionId = s.Id,
        Channel = channel,
        Target = target,
        Payload = payload,
        Summary = summary,
        CreatedMs = now,
        NextAttemptMs = now,
    };
}
