using Tracker.Cloud.Core.Cars;
using Tracker.Cloud.Core.Storage;
using Tracker.Core.Common;
using Tracker.Core.Fixes;
using Tracker.Core.Wire;

namespace Tracker.Cloud.Core.Ingest;

/// <summary>
/// The ingest pipeline (DESIGN.md, "The data path", step 6): topic and car check, decode with the
/// firmware's codec, the named filters (<see cref="FixFilterHandler"/>), enrichment (speed, and moving as
/// <see cref="Motion"/> defines it), idempotent append keyed on
/// (car, ts), then the forward-only latest position. Bad input is a value in the result; good fixes
/// next to bad ones are always kept. Storage failures propagate, never swallowed, so that the caller
/// (the Lambda) fails and the message is retried; the append is idempotent, so a retry is safe.
/// </summary>
public sealed class IngestService
{
    private readonly IFixStore _store;
    private readonly IngestOptions _options;
    private readonly TimeProvider _clock;

    /// <summary>Creates the pipeline.</summary>
    /// <param name="store">Where fixes go.</param>
    /// <param name="options">Filters and thresholds; validated here.</param>
    /// <param name="clock">The clock the <c>future</c> and <c>past</c> filters compare with.</param>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public IngestService(IFixStore store, IngestOptions options, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        options.Validate();
        _store = store;
        _options = options;
        _clock = clock;
    }

    /// <summary>Ingests one broker message.</summary>
    /// <param name="request">Topic, client id, payload and receive time.</param>
    /// <param name="cancellationToken">Cancels the storage calls.</param>
    /// <returns>What was stored and what was rejected, by reason.</returns>
    /// <exception cref="Exception">Whatever the store throws: the message must be retried.</exception>
    public async Task<IngestResult> IngestAsync(IngestRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Payload);
        if (!IngestTopic.TryParse(request.Topic, out string carId))
        {
            return Rejected(null, BatchRejection.BadTopic, "topic is not tracker/{car}/fixes or $aws/rules/{rule}/tracker/{car}/fixes");
        }

        // The IoT policy should already stop this; checking again keeps one car from writing as another.
        if (!string.Equals(carId, request.ClientId, StringComparison.Ordinal))
        {
            return Rejected(carId, BatchRejection.ForeignCar, "topic car id does not match the connection's client id");
        }

        byte[] payload = request.Payload;
        if (payload.Length > BatchFormat.MaxPayloadBytes)
        {
            return Rejected(carId, BatchRejection.Oversized, "payload of " + payload.Length + " bytes exceeds the 128 KB AWS IoT Core limit");
        }

        if (!BatchDecoder.TryReadCount(payload, 0, payload.Length, out int count, out BatchError error)
            && error != BatchError.CountTooLarge)
        {
            return Rejected(carId, Map(error), "batch header rejected: " + error);
        }

        // A count beyond the format's bound is decoded with an empty output so the decoder can tell a
        // garbled header (checksum) from a faulty encoder; the decoder never needs more than count slots.
        Fix[] fixes = new Fix[count];
        if (!BatchDecoder.TryDecode(payload, 0, payload.Length, fixes, out int decoded, out error))
        {
            return Rejected(carId, Map(error), "batch rejected: " + error);
        }

        return await IngestFixesAsync(carId, new ArraySegment<Fix>(fixes, 0, decoded), request.ReceivedMs, cancellationToken);
    }

    /// <summary>
    /// Runs decoded fixes of one car through filters, enrichment and storage (the part of
    /// <see cref="IngestAsync"/> after decoding; the local stack and tests call it directly).
    /// </summary>
    /// <param name="carId">The car, already checked against the connection.</param>
    /// <param name="fixes">The fixes, in any order.</param>
    /// <param name="receivedMs">When they arrived, UTC epoch ms.</param>
    /// <param name="cancellationToken">Cancels the storage calls.</param>
    /// <returns>What was stored and what was rejected, by reason.</returns>
    public async Task<IngestResult> IngestFixesAsync(string carId, IReadOnlyList<Fix> fixes, long receivedMs, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(carId);
        ArgumentNullException.ThrowIfNull(fixes);
        Dictionary<FixFilter, int> rejected = FixFilterNames.All.ToDictionary(f => f, _ => 0);
        var filters = new FixFilterHandler(_options, _clock.GetUtcNow().ToUnixTimeMilliseconds());

        // The filters that look at a fix alone, first; those that need the car's previous fix run in time order below.
        List<Fix> survivors = new(fixes.Count);
        foreach (Fix fix in fixes)
        {
            if (filters.FirstRejecting(fix) is { } filter)
            {
                rejected[filter]++;
            }
            else
            {
                survivors.Add(fix);
            }
        }

        // Oldest first (stable), so enrichment and the speed check follow the drive; a batch need not be ordered.
        List<Fix> ordered = survivors.OrderBy(f => f.TimeMs).ToList();
        List<StoredFix> candidates = new(ordered.Count);
        StoredFix? previous = null;
        if (ordered.Count > 0)
        {
            // One read a batch; the same fix is found again on a retry, so enrichment is repeatable.
            previous = await _store.GetBeforeAsync(carId, ordered[0].TimeMs, cancellationToken);
        }

        for (int i = 0; i < ordered.Count; i++)
        {
            Fix fix = ordered[i];

            if (i > 0 && FixFilterHandler.DuplicateInBatch(fix, ordered[i - 1]))
            {
                rejected[FixFilter.Duplicate]++;
                continue;
            }

            long distanceCm = 0;
            long elapsedMs = 0;
            if (previous is not null)
            {
                distanceCm = GeoMath.DistanceCm(previous.LatE7, previous.LonE7, fix.LatE7, fix.LonE7);
                elapsedMs = fix.TimeMs - previous.Ts;
                if (filters.MaxSpeed(distanceCm, elapsedMs))
                {
                    rejected[FixFilter.MaxSpeed]++;
                    continue;
                }
            }

            StoredFix stored = Enrich(carId, fix, previous, distanceCm, elapsedMs, receivedMs);
            candidates.Add(stored);
            previous = stored;
        }

        int accepted = 0;
        bool advanced = false;
        if (candidates.Count > 0)
        {
            // The latest is always offered, even when every fix was a duplicate: a retry after a failure between the
            // append and the latest's write must still move it. The store keeps it forward-only.
            AppendedWithLatest stored = await _store.AppendWithLatestAsync(carId, candidates, cancellationToken);
            accepted = stored.Appended.Written;
            rejected[FixFilter.Duplicate] += stored.Appended.Duplicates;
            advanced = stored.Advanced;
        }

        return new IngestResult(carId, BatchRejection.None, string.Empty, fixes.Count, accepted, rejected, advanced);
    }

    private StoredFix Enrich(string carId, in Fix fix, StoredFix? previous, long distanceCm, long elapsedMs, long receivedMs)
    {
        int? speed = Motion.SpeedMmps(Known(fix.SpeedMmps), previous is not null, distanceCm, elapsedMs, _options, out bool derived);
        bool moving = Motion.IsMoving(speed, _options);

        return new StoredFix(
            carId,
            fix.TimeMs,
            fix.LatE7,
            fix.LonE7,
            Known(fix.AltCm),
            speed,
            Known(fix.CourseCdeg),
            Known(fix.HdopX100),
            Known(fix.Satellites),
            (byte)fix.Mode,
            (byte)fix.Quality,
            derived,
            moving,
            receivedMs);
    }

    private static int? Known(int value) => value == Fix.Unknown ? null : value;

    private static IngestResult Rejected(string? carId, BatchRejection rejection, string detail) =>
        new(carId, rejection, detail, 0, 0, FixFilterNames.All.ToDictionary(f => f, _ => 0), false);

    private static BatchRejection Map(BatchError error) => error switch
    {
        BatchError.Empty => BatchRejection.Empty,
        BatchError.Truncated => BatchRejection.Truncated,
        BatchError.UnsupportedVersion => BatchRejection.WrongVersion,
        BatchError.ChecksumMismatch => BatchRejection.ChecksumMismatch,
        BatchError.CountTooLarge => BatchRejection.CountTooLarge,
        BatchError.Malformed or BatchError.FieldOutOfRange => BatchRejection.Malformed,
        BatchError.TrailingBytes => BatchRejection.TrailingBytes,
        _ => throw new InvalidOperationException("unexpected decoder error " + error),
    };
}
