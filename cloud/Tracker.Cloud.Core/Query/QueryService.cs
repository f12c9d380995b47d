using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Core.Storage;
using Tracker.Core.Uplink;

namespace Tracker.Cloud.Core.Query;

/// <summary>
/// The read side of the API (DESIGN.md, "The data path", step 8): validate, authorize with
/// <see cref="AccessPolicy"/>, read the store. Every expected outcome is a <see cref="QueryResult{T}"/>;
/// storage failures propagate.
/// </summary>
public sealed class QueryService
{
    private readonly IFixStore _store;
    private readonly AccessPolicy _policy;

    /// <summary>Creates the service.</summary>
    /// <param name="store">The fixes.</param>
    /// <param name="policy">Who sees what.</param>
    public QueryService(IFixStore store, AccessPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(policy);
        _store = store;
        _policy = policy;
    }

    /// <summary><c>GET /cars/{carId}/location</c>: the car's latest position visible to the caller.</summary>
    /// <param name="caller">The authenticated caller.</param>
    /// <param name="carId">The path's car id, unvalidated.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The position, or bad request / forbidden / not found.</returns>
    public async Task<QueryResult<StoredFix>> GetLatestAsync(Identity caller, string? carId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (CheckCarId(carId) is { } bad)
        {
            return QueryResult<StoredFix>.Invalid([bad]);
        }

        AccessDecision access = await _policy.AuthorizeCarAsync(caller, carId!, cancellationToken);
        if (!access.IsAllowed)
        {
            return QueryResult<StoredFix>.Fail(Map(access.Outcome), access.Detail);
        }

        StoredFix? latest = await _store.GetLatestAsync(carId!, cancellationToken);
        if (latest is not null && access.Covers(latest.Ts))
        {
            return QueryResult<StoredFix>.Ok(latest);
        }

        // A renter whose rental began after the car last reported sees no position: it belongs to the previous rental.
        return QueryResult<StoredFix>.Fail(QueryStatus.NotFound, "no position yet");
    }

    /// <summary>
    /// <c>GET /cars/{carId}/locations?start=&amp;end=&amp;limit=&amp;cursor=</c>: history, oldest first, one page.
    /// A renter's range is clamped to the rental window; a range wholly outside it gives an empty page.
    /// </summary>
    /// <param name="caller">The authenticated caller.</param>
    /// <param name="carId">The path's car id, unvalidated.</param>
    /// <param name="request">The raw query parameters.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The page, or bad request / forbidden / not found.</returns>
    public async Task<QueryResult<FixPage>> GetHistoryAsync(Identity caller, string? carId, HistoryRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        List<ParameterError> errors = [];
        if (CheckCarId(carId) is { } bad)
        {
            errors.Add(bad);
        }

        HistoryParameters.TryParse(request, out HistoryParameters? parameters, out IReadOnlyList<ParameterError> parameterErrors);
        errors.AddRange(parameterErrors);
        if (errors.Count > 0 || parameters is null)
        {
            return QueryResult<FixPage>.Invalid(errors);
        }

        AccessDecision access = await _policy.AuthorizeCarAsync(caller, carId!, cancellationToken);
        if (!access.IsAllowed)
        {
            return QueryResult<FixPage>.Fail(Map(access.Outcome), access.Detail);
        }

        long from = Math.Max(parameters.StartMs, access.FromTs);
        long to = Math.Min(parameters.EndMs, access.ToTs);
        if (from >= to)
        {
            return QueryResult<FixPage>.Ok(new FixPage([], null));
        }

        try
        {
            return QueryResult<FixPage>.Ok(await _store.QueryAsync(carId!, from, to, parameters.Limit, parameters.Cursor, cancellationToken));
        }
        catch (ArgumentException) when (parameters.Cursor is not null)
        {
            // The port's documented answer to a cursor it did not issue for this query.
            return QueryResult<FixPage>.Invalid([new ParameterError("cursor", "is not a cursor of this query: pass the nextCursor of the previous page with the same carId, start and end")]);
        }
    }

    /// <summary><c>GET /cars</c>: every car's latest position, operators only.</summary>
    /// <param name="caller">The authenticated caller.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The positions, or forbidden.</returns>
    public async Task<QueryResult<IReadOnlyList<StoredFix>>> GetFleetAsync(Identity caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        AccessDecision access = AccessPolicy.AuthorizeFleet(caller);
        if (!access.IsAllowed)
        {
            return QueryResult<IReadOnlyList<StoredFix>>.Fail(Map(access.Outcome), access.Detail);
        }

        return QueryResult<IReadOnlyList<StoredFix>>.Ok(await _store.GetAllLatestAsync(cancellationToken));
    }

    /// <summary><c>GET /me</c>: who the caller is and the rentals they should know of (running or coming).</summary>
    /// <param name="caller">The authenticated caller.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The caller's rentals; empty for operators.</returns>
    public async Task<QueryResult<IReadOnlyList<Rental>>> GetRentalsAsync(Identity caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return QueryResult<IReadOnlyList<Rental>>.Ok(await _policy.CurrentRentalsAsync(caller, cancellationToken));
    }

    private static ParameterError? CheckCarId(string? carId) =>
        UplinkTopics.IsValidThingName(carId)
            ? null
            : new ParameterError("carId", "must be 1 to 128 characters of a-z A-Z 0-9 : _ - (an AWS IoT thing name)");

    private static QueryStatus Map(AccessOutcome outcome) => outcome switch
    {
        AccessOutcome.Forbidden => QueryStatus.Forbidden,
        AccessOutcome.NotFound => QueryStatus.NotFound,
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "not a refusal"),
    };
}
