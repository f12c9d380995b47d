using System.Threading.Channels;
using Tracker.Cloud.Core.Storage;

namespace Tracker.Cloud.Archive.Export;

/// <summary>
/// Reads one car's day from the store in the background, a page at a time, into a small bounded
/// queue: the exporter starts the next cars' readers while it encodes the current one, so store
/// latency (a DynamoDB query is tens of milliseconds) overlaps with encoding, and memory stays at a
/// few pages per car read ahead.
/// </summary>
internal sealed class CarDayReader
{
    private const int PagesAhead = 2;
    private readonly Channel<IReadOnlyList<StoredFix>> _pages;

    private CarDayReader(string carId, Channel<IReadOnlyList<StoredFix>> pages, Task completion)
    {
        CarId = carId;
        _pages = pages;
        Completion = completion;
    }

    /// <summary>The car.</summary>
    public string CarId { get; }

    /// <summary>Completes when the car's last page is queued; faults with the store's exception.</summary>
    public Task Completion { get; }

    /// <summary>The pages, oldest first, as the store returned them.</summary>
    public ChannelReader<IReadOnlyList<StoredFix>> Pages => _pages.Reader;

    /// <summary>Starts reading the car's fixes in [<paramref name="fromMs"/>, <paramref name="toMs"/>).</summary>
    public static CarDayReader Start(IFixStore store, string carId, long fromMs, long toMs, int pageSize, CancellationToken cancellationToken)
    {
        Channel<IReadOnlyList<StoredFix>> pages = Channel.CreateBounded<IReadOnlyList<StoredFix>>(
            new BoundedChannelOptions(PagesAhead) { SingleReader = true, SingleWriter = true });
        Task completion = Task.Run(
            async () =>
            {
                try
                {
                    string? cursor = null;
                    do
                    {
                        FixPage page = await store.QueryAsync(carId, fromMs, toMs, pageSize, cursor, cancellationToken).ConfigureAwait(false);
                        await pages.Writer.WriteAsync(page.Fixes, cancellationToken).ConfigureAwait(false);
                        cursor = page.NextCursor;
                    }
                    while (cursor is not null);
                }
                finally
                {
                    // The consumer drains what was queued, then awaits Completion for the outcome.
                    pages.Writer.TryComplete();
                }
            },
            cancellationToken);
        return new CarDayReader(carId, pages, completion);
    }
}
