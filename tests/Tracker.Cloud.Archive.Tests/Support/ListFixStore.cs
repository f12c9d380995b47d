using System.Globalization;
using Tracker.Cloud.Core.Storage;

namespace Tracker.Cloud.Archive.Tests.Support;

/// <summary>
/// A read-only in-memory <see cref="IFixStore"/> over a list, for fast and property tests; its range
/// query can be told to misbehave (return fixes out of order) to test the exporter's checks.
/// </summary>
public sealed class ListFixStore(IEnumerable<StoredFix> fixes) : IFixStore
{
    private readonly StoredFix[] _fixes = fixes.ToArray();

    /// <summary>When set, a range query of this car fails after its first page, as a storage failure does.</summary>
    public string? FailingCar { get; init; }

    /// <summary>When true, each page is returned newest first.</summary>
    public bool ReversePages { get; init; }

    /// <summary>Range queries made.</summary>
    public int Queries => _queries;

    private int _queries;

    /// <inheritdoc />
    public Task<AppendResult> AppendAsync(string carId, IReadOnlyList<StoredFix> fixes, CancellationToken cancellationToken) => throw new NotSupportedException();

    /// <inheritdoc />
    public Task<bool> AdvanceLatestAsync(StoredFix fix, CancellationToken cancellationToken) => throw new NotSupportedException();

    /// <inheritdoc />
    public Task<StoredFix?> GetLatestAsync(string carId, CancellationToken cancellationToken) =>
        Task.FromResult(_fixes.Where(f => f.CarId == carId).MaxBy(f => f.Ts));

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredFix>> GetAllLatestAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<StoredFix>>(_fixes.GroupBy(f => f.CarId).Select(g => g.MaxBy(f => f.Ts)!).ToList());

    /// <inheritdoc />
    public Task<StoredFix?> GetBeforeAsync(string carId, long ts, CancellationToken cancellationToken) => throw new NotSupportedException();

    /// <inheritdoc />
    public Task<FixPage> QueryAsync(string carId, long fromTs, long toTs, int limit, string? cursor, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _queries);
        int skip = cursor is null ? 0 : int.Parse(cursor, CultureInfo.InvariantCulture);
        if (carId == FailingCar && skip > 0)
        {
            throw new IOException("injected storage failure reading " + carId);
        }

        StoredFix[] range = _fixes.Where(f => f.CarId == carId && f.Ts >= fromTs && f.Ts < toTs).OrderBy(f => f.Ts).ToArray();
        StoredFix[] page = range.Skip(skip).Take(limit).ToArray();
        if (ReversePages)
        {
            Array.Reverse(page);
        }

        string? next = skip + page.Length < range.Length ? (skip + page.Length).ToString(CultureInfo.InvariantCulture) : null;
        return Task.FromResult(new FixPage(page, next));
    }
}
