using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Tracker.Cloud.Local.Observability;

namespace Tracker.Cloud.Local.Console;

/// <summary>
/// The console's live progress: every interval, one structured log line with the fleet's health (cars connected,
/// fixes/s stored, latency, queues, memory). In JSON log mode it is a JSON event with the same named values.
/// </summary>
public sealed partial class ProgressReporter : IAsyncDisposable
{
    private readonly LocalFleetHost _host;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    /// <summary>Starts reporting every <paramref name="interval"/>.</summary>
    /// <param name="host">The host.</param>
    /// <param name="interval">How often.</param>
    /// <param name="log">The log.</param>
    public ProgressReporter(LocalFleetHost host, TimeSpan interval, ILogger<ProgressReporter> log)
    {
        ArgumentNullException.ThrowIfNull(host);
        _host = host;
        _log = log;
        _loop = interval > TimeSpan.Zero ? RunAsync(interval, _stop.Token) : Task.CompletedTask;
    }

    /// <summary>Writes one progress line now.</summary>
    public void Report()
    {
        HostMetrics m = _host.Metrics;
        double[] api = m.PublishToStored.Quantiles(0.5, 0.99);
        using var process = Process.GetCurrentProcess();
        LogProgress(
            m.DevicesConnected,
            _host.Fleet?.Cars.Count ?? 0,
            Math.Round(m.FixRate.PerSecond(), 1),
            m.FixesAccepted,
            double.IsNaN(api[0]) ? -1 : Math.Round(api[0], 1),
            double.IsNaN(api[1]) ? -1 : Math.Round(api[1], 1),
            m.IngestWaiting,
            _host.Fleet?.PendingFixes ?? 0,
            m.ViewersConnected,
            process.WorkingSet64 / (1024 * 1024));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task RunAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            Report();
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "cars {Connected}/{Cars} connected | {FixesPerSecond} fixes/s | {Stored} stored | publish->API p50 {P50Ms} ms p99 {P99Ms} ms | ingest queue {Queue} | in cars' logs {Pending} | viewers {Viewers} | {MemoryMiB} MiB")]
    private partial void LogProgress(long connected, int cars, double fixesPerSecond, long stored, double p50Ms, double p99Ms, long queue, long pending, long viewers, long memoryMiB);
}
