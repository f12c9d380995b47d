using System.Text.Json;
using System.Text.Json.Serialization;
using Amazon.Runtime;
using Tracker.Cloud.Derive;
using Tracker.Cloud.Derive.Engine;
using Tracker.Cloud.Derive.Storage;
using Tracker.Cloud.Lambda.Events;

namespace Tracker.Cloud.Lambda.Tick;

/// <summary>
/// The clock of the Derive stage on AWS (Derive README, "Clock ticks"): an EventBridge schedule invokes it every
/// minute, and it applies "now" to every car that has a state, so the events no data brings (offline, a pending event's
/// settle time, a rental not returned) are raised. Each car's step is the same conditional commit ingest uses, so a
/// tick racing an ingest invocation for the same car cannot double-fire: one of them re-reads and redoes its step.
/// A car whose step fails is counted and the others go on; the invocation then fails (the function's Errors metric
/// and alarm), and the next minute's tick does the car again: a tick is idempotent.
/// </summary>
/// <remarks>
/// Cost: most minutes change nothing for most cars. Each car's tick is first tried on the state as read (the engine is
/// a pure function, so this writes nothing); only when it emits an event or changes a state other than the clock itself
/// is the step run through <see cref="DeriveService.TickAsync"/>, which re-reads and commits conditionally. An idle car
/// costs a read a minute instead of a read and a write of its whole state (docs/aws/cost-model.md). A tick left
/// unwritten is harmless: it changed nothing, and the next one applies the clock again.
/// </remarks>
public sealed class TickHandler
{
    /// <summary>Cars ticked at once.</summary>
    public const int Parallelism = 8;

    private const string EventName = "tick event";

    private readonly DeriveService _derive;
    private readonly IDerivationStore _states;
    private readonly IDeriveContextSource _contexts;
    private readonly CarDeriver _probe;
    private readonly TimeProvider _clock;
    private readonly TextWriter _log;

    /// <summary>Creates the handler.</summary>
    /// <param name="derive">The Derive service over the DynamoDB tables.</param>
    /// <param name="states">Lists the cars that have a state, and reads one.</param>
    /// <param name="contexts">Zones, rentals and limits, for the probe.</param>
    /// <param name="deriver">The engine, the same options as the service's, for the probe.</param>
    /// <param name="clock">"Now": the schedule's time is not trusted (a late delivery still ticks at the true time).</param>
    /// <param name="log">Where the summary line goes.</param>
    public TickHandler(DeriveService derive, IDerivationStore states, IDeriveContextSource contexts, CarDeriver deriver, TimeProvider clock, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(derive);
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(contexts);
        ArgumentNullException.ThrowIfNull(deriver);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(log);
        _derive = derive;
        _states = states;
        _contexts = contexts;
        _probe = deriver;
        _clock = clock;
        _log = log;
    }

    /// <summary>Handles one scheduled event (any JSON object: EventBridge's "Scheduled Event", or <c>{}</c> by hand).</summary>
    /// <param name="input">The event.</param>
    /// <param name="cancellationToken">Cancelled near the deadline.</param>
    /// <returns>The <see cref="TickSummary"/> as JSON.</returns>
    /// <exception cref="InvalidEventException">Not a JSON object.</exception>
    /// <exception cref="TickFailedException">One or more cars' steps failed (the others were done).</exception>
    public async Task<Stream> HandleAsync(Stream input, CancellationToken cancellationToken)
    {
        await EventReader.ReadAsync(input, TickJsonContext.Default.ScheduledTickEvent, EventName, cancellationToken).ConfigureAwait(false);
        TickSummary summary = await TickAllAsync(cancellationToken).ConfigureAwait(false);
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(summary, TickJsonContext.Default.TickSummary);
        await _log.WriteLineAsync(System.Text.Encoding.UTF8.GetString(json)).ConfigureAwait(false);
        if (summary.Failed > 0)
        {
            throw new TickFailedException(summary);
        }

        return new MemoryStream(json, writable: false);
    }

    /// <summary>Ticks every car at the clock's now.</summary>
    /// <param name="cancellationToken">Cancels the remaining cars.</param>
    /// <returns>What was done.</returns>
    public async Task<TickSummary> TickAllAsync(CancellationToken cancellationToken)
    {
        long now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        IReadOnlyList<string> cars = await _states.ListCarsAsync(cancellationToken).ConfigureAwait(false);
        int events = 0, failed = 0, idle = 0;
        string? firstError = null;
        await Parallel.ForEachAsync(cars, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (car, token) =>
        {
            try
            {
                if (!await ChangesAnythingAsync(car, now, token).ConfigureAwait(false))
                {
                    Interlocked.Increment(ref idle);
                    return;
                }

                DeriveStep step = await _derive.TickAsync(car, now, token).ConfigureAwait(false);
                Interlocked.Add(ref events, step.Events.Count);
            }
            catch (Exception e) when (e is AmazonServiceException or AmazonClientException or DeriveConflictException or HttpRequestException)
            {
                Interlocked.Increment(ref failed);
                Interlocked.CompareExchange(ref firstError, car + ": " + e.GetType().Name + ": " + e.Message, null);
            }
        }).ConfigureAwait(false);
        return new TickSummary(now, cars.Count, idle, events, failed, firstError);
    }

    private async Task<bool> ChangesAnythingAsync(string carId, long now, CancellationToken cancellationToken)
    {
        if (await _states.GetAsync(carId, cancellationToken).ConfigureAwait(false) is not { } car)
        {
            return false;
        }

        DeriveContext context = await _contexts.GetContextAsync(carId, cancellationToken).ConfigureAwait(false);
        string before = DeriveJson.Write(car);
        long lastTick = car.LastTickMs;
        DeriveStep step = _probe.Tick(car, now, context);
        car.LastTickMs = lastTick;
        return step.Events.Count > 0 || !string.Equals(before, DeriveJson.Write(car), StringComparison.Ordinal);
    }
}

/// <summary>What one tick did (the response and the log line).</summary>
/// <param name="NowMs">The clock applied.</param>
/// <param name="Cars">Cars ticked.</param>
/// <param name="Idle">Cars the clock changed nothing for (nothing written).</param>
/// <param name="Events">Events the ticks wrote (new or revised).</param>
/// <param name="Failed">Cars whose step failed.</param>
/// <param name="FirstError">The first failure, or null.</param>
public sealed record TickSummary(long NowMs, int Cars, int Idle, int Events, int Failed, string? FirstError);

/// <summary>Some cars' ticks failed; the next tick does them again.</summary>
/// <param name="summary">The tick's summary.</param>
public sealed class TickFailedException(TickSummary summary)
    : Exception($"tick: {summary.Failed} of {summary.Cars} cars failed; first: {summary.FirstError}")
{
    /// <summary>The summary.</summary>
    public TickSummary Summary { get; } = summary;
}

/// <summary>The scheduled event: nothing in it is read (the tick uses its own clock).</summary>
public sealed class ScheduledTickEvent
{
    /// <summary>EventBridge's time of the schedule, for the record.</summary>
    [JsonPropertyName("time")]
    public string? Time { get; set; }
}

/// <summary>Source-generated JSON of the tick function.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ScheduledTickEvent))]
[JsonSerializable(typeof(TickSummary))]
public sealed partial class TickJsonContext : JsonSerializerContext;
