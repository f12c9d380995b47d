using System.Text.Json;
using Amazon.Runtime;
using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Lambda.Events;

namespace Tracker.Cloud.Lambda.Live;

/// <summary>
/// Closes a renter's live connections when one of their rentals changes (issue 15, F5 on AWS): the rentals table's
/// stream in, IoT Core DeleteConnection out. For each record, the renters whose access now may differ (the old image's
/// renter if that rental ran now, the new image's if it runs now; nothing for a change that leaves the rental as it
/// was) have every client id the live authorizer recorded for them (<see cref="LiveGrantLog"/>) closed. The browser
/// connects again at once and the authorizer grants what the renter rents now: less after a cancellation or a
/// shortening, the new car after a rental starts early. Records are handled in order; at the first failure (DynamoDB
/// or IoT Core unreachable, throttled or refusing) the handler stops and names that record, so Lambda retries from it
/// (partial batch response). Closing again a connection that was already closed is harmless: it is a 404.
/// </summary>
public sealed class RentalChangeHandler
{
    private const string EventName = "DynamoDB stream event";

    private readonly LiveGrantLog _grants;
    private readonly IotConnectionCloser _closer;
    private readonly TimeProvider _clock;
    private readonly TextWriter _log;

    /// <summary>Creates the handler.</summary>
    /// <param name="grants">Who holds which client ids.</param>
    /// <param name="closer">IoT Core's DeleteConnection.</param>
    /// <param name="clock">"Now": which rentals run, which grants have ended.</param>
    /// <param name="log">Where the per-batch log line goes.</param>
    public RentalChangeHandler(LiveGrantLog grants, IotConnectionCloser closer, TimeProvider clock, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(grants);
        ArgumentNullException.ThrowIfNull(closer);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(log);
        _grants = grants;
        _closer = closer;
        _clock = clock;
        _log = log;
    }

    /// <summary>The renters whose live access may have changed with this record, now.</summary>
    /// <param name="record">The stream record.</param>
    /// <param name="nowMs">Now, epoch milliseconds.</param>
    /// <returns>Zero, one or two renters.</returns>
    public static IReadOnlyList<string> AffectedRenters(RentalStreamRecord record, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(record);
        RentalImage.TryRead(record.Change?.OldImage, out Rental? before);
        RentalImage.TryRead(record.Change?.NewImage, out Rental? after);
        if (before is not null && before == after)
        {
            return [];
        }

        var renters = new List<string>(2);
        foreach (Rental? rental in new[] { before, after })
        {
            if (rental is not null && rental.FromMs <= nowMs && nowMs < rental.ToMs && !renters.Contains(rental.Renter, StringComparer.Ordinal))
            {
                renters.Add(rental.Renter);
            }
        }

        return renters;
    }

    /// <summary>Handles one invocation.</summary>
    /// <param name="input">The stream event.</param>
    /// <param name="cancellationToken">Cancelled near the deadline.</param>
    /// <returns>The partial batch response.</returns>
    /// <exception cref="InvalidEventException">Not a stream event.</exception>
    public async Task<Stream> HandleAsync(Stream input, CancellationToken cancellationToken)
    {
        RentalStreamEvent evt = await EventReader.ReadAsync(input, LiveDisconnectJsonContext.Default.RentalStreamEvent, EventName, cancellationToken).ConfigureAwait(false);
        StreamBatchResponse response = await HandleAsync(evt, cancellationToken).ConfigureAwait(false);
        var output = new MemoryStream();
        await JsonSerializer.SerializeAsync(output, response, LiveDisconnectJsonContext.Default.StreamBatchResponse, cancellationToken).ConfigureAwait(false);
        output.Position = 0;
        return output;
    }

    /// <summary>Handles one parsed event.</summary>
    /// <param name="evt">The event.</param>
    /// <param name="cancellationToken">Cancelled near the deadline.</param>
    /// <returns>The partial batch response: empty, or the record to retry from.</returns>
    public async Task<StreamBatchResponse> HandleAsync(RentalStreamEvent evt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(evt);
        List<RentalStreamRecord> records = evt.Records ?? throw new InvalidEventException(EventName + ": no 'Records'");
        var response = new StreamBatchResponse();
        int renters = 0, closed = 0, notConnected = 0, ignored = 0;
        string? error = null;
        foreach (RentalStreamRecord record in records)
        {
            DateTimeOffset now = _clock.GetUtcNow();
            IReadOnlyList<string> affected = AffectedRenters(record, now.ToUnixTimeMilliseconds());
            if (affected.Count == 0)
            {
                ignored++;
                continue;
            }

            try
            {
                foreach (string renter in affected)
                {
                    renters++;
                    foreach (string clientId in await _grants.ClientIdsAsync(renter, now.ToUnixTimeSeconds(), cancellationToken).ConfigureAwait(false))
                    {
                        // Only browsers' ids are ever recorded; anything else in the table is not ours to close.
                        if (!LiveAuthorizer.IsValidWebClientId(clientId))
                        {
                            continue;
                        }

                        if (await _closer.DeleteConnectionAsync(clientId, cancellationToken).ConfigureAwait(false))
                        {
                            closed++;
                        }
                        else
                        {
                            notConnected++;
                        }
                    }
                }
            }
            catch (Exception e) when (e is AmazonServiceException or AmazonClientException or IotDataPlaneException or HttpRequestException or TaskCanceledException)
            {
                error = e.GetType().Name + ": " + e.Message;
                response.BatchItemFailures.Add(new StreamBatchItemFailure(record.Change?.SequenceNumber ?? record.EventId ?? string.Empty));
                break;
            }
        }

        var line = new RentalChangeLogLine(records.Count, renters, closed, notConnected, ignored, response.BatchItemFailures.FirstOrDefault()?.ItemIdentifier, error);
        await _log.WriteLineAsync(JsonSerializer.Serialize(line, LiveDisconnectJsonContext.Default.RentalChangeLogLine)).ConfigureAwait(false);
        return response;
    }
}
