using Tracker.Cloud.Core.Storage;

namespace Tracker.Cloud.Archive.Benchmarks;

/// <summary>
/// A read-only store that computes each car's fixes as they are asked for (no storage at all), to
/// measure the exporter's encoding and upload path without a database's read cost.
/// </summary>
internal sealed class SyntheticStore(int cars, long dayStartMs, int intervalS) : IFixStore
{
    private readonly int _perDay = 86_400 / intervalS;

    public Task<AppendResult> AppendAsync(string carId, IReadOnlyList<StoredFix> fixes, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<bool> AdvanceLatestAsync(StoredFix fix, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<StoredFix?> GetLatestAsync(string carId, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<IReadOnlyList<StoredFix>> GetAllLatestAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<StoredFix>>(Enumerable.Range(0, cars).Select(c => SyntheticRoute.Fixes(c, dayStartMs, intervalS, 0, 1).First()).ToList());

    public Task<StoredFix?> GetBeforeAsync(string carId, long ts, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<FixPage> QueryAsync(string carId, long fromTs, long toTs, int limit, string? cursor, CancellationToken cancellationToken)
    {
        int car = int.Parse(carId.AsSpan(4), System.Globalization.CultureInfo.InvariantCulture);
        int from = cursor is null ? 0 : int.Parse(cursor, System.Globalization.CultureInfo.InvariantCulture);
        int to = Math.Min(_perDay, from + limit);

        // The route is integrated from the day's start, so a page costs the fixes before it too: keep
        // the whole day of the car in one page (the caller's limit is a maximum, as in DynamoDB).
        StoredFix[] page = SyntheticRoute.Fixes(car, dayStartMs, intervalS, from, _perDay).ToArray();
        return Task.FromResult(new FixPage(page, null));
    }
}
