using Tracker.Cloud.Core.Storage;

namespace Tracker.Cloud.Testing;

/// <summary>An in-memory <see cref="IFixStore"/> for the core's unit tests (the real adapters have their own contract suite).</summary>
public sealed class InMemoryFixStore : IFixStore
{
    private readonly Dictionary<string, SortedDictionary<long, StoredFix>> _fixes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StoredFix> _latest = new(StringComparer.Ordinal);

    /// <summary>When set, the next AppendAsync throws it (then clears).</summary>
    public Exception? FailNextAppend { get; set; }

    /// <summary>When set, the next AdvanceLatestAsync throws it (then clears).</summary>
    public Exception? FailNextAdvance { get; set; }

    public int AppendCalls { get; private set; }

    public IReadOnlyList<StoredFix> All(string carId) =>
        _fixes.TryGetValue(carId, out var fixes) ? fixes.Values.ToList() : [];

    public int Count => _fixes.Values.Sum(f => f.Count);

    public Task<AppendResult> AppendAsync(string carId, IReadOnlyList<StoredFix> fixes, CancellationToken cancellationToken)
    {
        AppendCalls++;
        if (FailNextAppend is { } e)
        {
            FailNextAppend = null;
            throw e;
        }

        if (!_fixes.TryGetValue(carId, out var stored))
        {
            stored = [];
            _fixes[carId] = stored;
        }

        if (fixes.Select(f => f.Ts).Distinct().Count() != fixes.Count)
        {
            // As DynamoDB BatchWriteItem: the same key twice in one request is a validation error.
            throw new ArgumentException("duplicate keys in one append");
        }

        int written = 0;
        foreach (StoredFix fix in fixes)
        {
            if (stored.TryAdd(fix.Ts, fix))
            {
                written++;
            }
        }

        return Task.FromResult(new AppendResult(written, fixes.Count - written));
    }

    public Task<bool> AdvanceLatestAsync(StoredFix fix, CancellationToken cancellationToken)
    {
        if (FailNextAdvance is { } e)
        {
            FailNextAdvance = null;
            throw e;
        }

        if (_latest.TryGetValue(fix.CarId, out var current) && current.Ts >= fix.Ts)
        {
            return Task.FromResult(false);
        }

        _latest[fix.CarId] = fix;
        return Task.FromResult(true);
    }

    public Task<StoredFix?> GetLatestAsync(string carId, CancellationToken cancellationToken) =>
        Task.FromResult(_latest.GetValueOrDefault(carId));

    public Task<IReadOnlyList<StoredFix>> GetAllLatestAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<StoredFix>>(_latest.Values.OrderBy(f => f.CarId, StringComparer.Ordinal).ToList());

    public Task<StoredFix?> GetBeforeAsync(string carId, long ts, CancellationToken cancellationToken) =>
        Task.FromResult(_fixes.TryGetValue(carId, out var fixes) ? fixes.Values.LastOrDefault(f => f.Ts < ts) : null);

    public Task<FixPage> QueryAsync(string carId, long fromTs, long toTs, int limit, string? cursor, CancellationToken cancellationToken)
    {
        long after = long.MinValue;
        if (cursor is not null)
        {
            string[] parts = cursor.Split('|');
            if (parts.Length != 4 || parts[0] != carId || parts[1] != fromTs.ToString() || parts[2] != toTs.ToString() || !long.TryParse(parts[3], out after))
            {
                throw new ArgumentException("not a cursor of this query", nameof(cursor));
            }
        }

        var matching = All(carId).Where(f => f.Ts >= fromTs && f.Ts < toTs && (cursor is null || f.Ts > after)).ToList();
        var page = matching.Take(limit).ToList();
        string? next = matching.Count > limit ? string.Join('|', carId, fromTs, toTs, page[^1].Ts) : null;
        return Task.FromResult(new FixPage(page, next));
    }
}

/// <summary>An in-memory <see cref="IRentalStore"/>.</summary>
public sealed class InMemoryRentalStore : IRentalStore
{
    private readonly List<Rental> _rentals = [];

    /// <summary>Ends a rental early (a rental change, as an operator makes it).</summary>
    public void Remove(Rental rental) => _rentals.Remove(rental);

    public Task PutAsync(Rental rental, CancellationToken cancellationToken)
    {
        _rentals.RemoveAll(r => r.CarId == rental.CarId && r.Renter == rental.Renter && r.FromMs == rental.FromMs);
        _rentals.Add(rental);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<Rental>> GetForRenterAsync(string renter, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Rental>>(_rentals.Where(r => r.Renter == renter).ToList());

    public Task<IReadOnlyList<Rental>> GetForCarAsync(string carId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Rental>>(_rentals.Where(r => r.CarId == carId).ToList());
}
