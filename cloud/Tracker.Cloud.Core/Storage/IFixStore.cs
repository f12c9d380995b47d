namespace Tracker.Cloud.Core.Storage;

/// <summary>
/// The storage port: 30 days of fixes per car, and each car's latest position. Adapters: SQLite
/// (the embedded default) and DynamoDB. Both pass the same contract test suite.
/// </summary>
public interface IFixStore
{
    /// <summary>
    /// Appends fixes of one car, idempotently keyed on (car, ts): a fix already stored is not
    /// written again and counts as a duplicate. Throws only for storage failures (the caller
    /// retries the whole batch; idempotence makes that safe).
    /// </summary>
    Task<AppendResult> AppendAsync(string carId, IReadOnlyList<StoredFix> fixes, CancellationToken cancellationToken);

    /// <summary>
    /// Makes <paramref name="fix"/> the car's latest position only if it is newer than the stored
    /// latest (a conditional write): a late backlog never replaces a newer position.
    /// </summary>
    /// <returns>True when the latest moved forward.</returns>
    Task<bool> AdvanceLatestAsync(StoredFix fix, CancellationToken cancellationToken);

    /// <summary>
    /// Ingest's write of one message: <see cref="AppendAsync"/>, then <see cref="AdvanceLatestAsync"/> with the last of
    /// <paramref name="fixes"/> (offered even when every fix was a duplicate). A store may do both in one write, and
    /// group it with other messages' (SQLite: one transaction for whatever is waiting); it returns only once both are
    /// stored, so an acknowledgement sent after it never covers a fix that is not.
    /// </summary>
    /// <param name="carId">The car.</param>
    /// <param name="fixes">Its fixes, at least one.</param>
    /// <param name="cancellationToken">Cancels the storage calls.</param>
    /// <returns>What the append did, and whether the latest moved forward.</returns>
    async Task<AppendedWithLatest> AppendWithLatestAsync(string carId, IReadOnlyList<StoredFix> fixes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fixes);
        ArgumentOutOfRangeException.ThrowIfZero(fixes.Count, nameof(fixes));
        AppendResult appended = await AppendAsync(carId, fixes, cancellationToken).ConfigureAwait(false);
        return new AppendedWithLatest(appended, await AdvanceLatestAsync(fixes[^1], cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The car's latest position (one read), or null when the car has none.</summary>
    Task<StoredFix?> GetLatestAsync(string carId, CancellationToken cancellationToken);

    /// <summary>Every car's latest position (operators' fleet view).</summary>
    Task<IReadOnlyList<StoredFix>> GetAllLatestAsync(CancellationToken cancellationToken);

    /// <summary>The car's newest stored fix strictly before <paramref name="ts"/>, or null (for the max-speed filter and a derived speed).</summary>
    Task<StoredFix?> GetBeforeAsync(string carId, long ts, CancellationToken cancellationToken);

    /// <summary>
    /// Fixes of a car with <paramref name="fromTs"/> &lt;= ts &lt; <paramref name="toTs"/>, oldest first, at most
    /// <paramref name="limit"/>, continuing after an opaque <paramref name="cursor"/> from a previous page.
    /// </summary>
    /// <exception cref="ArgumentException">The cursor is not one this store issued for this query.</exception>
    Task<FixPage> QueryAsync(string carId, long fromTs, long toTs, int limit, string? cursor, CancellationToken cancellationToken);
}

/// <summary>What an append did.</summary>
/// <param name="Written">Fixes newly stored.</param>
/// <param name="Duplicates">Fixes already stored under the same (car, ts), not written again.</param>
public sealed record AppendResult(int Written, int Duplicates);

/// <summary>What <see cref="IFixStore.AppendWithLatestAsync"/> did.</summary>
/// <param name="Appended">The append.</param>
/// <param name="Advanced">True when the latest position moved forward.</param>
public sealed record AppendedWithLatest(AppendResult Appended, bool Advanced);

/// <summary>One page of a range query.</summary>
/// <param name="Fixes">The fixes, oldest first.</param>
/// <param name="NextCursor">Opaque cursor for the next page, or null when this is the last.</param>
public sealed record FixPage(IReadOnlyList<StoredFix> Fixes, string? NextCursor);
