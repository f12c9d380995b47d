using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Core.Query;
using Tracker.Cloud.Derive.Limits;
using Tracker.Cloud.Derive.Storage;

namespace Tracker.Cloud.Derive.Api;

/// <summary>
/// The API's side of the thresholds (issue 16): list them, and set one for the fleet, a car or a rental
/// (<see cref="LimitParser"/>; a setting with no value removes it). Operators only: a renter gets forbidden.
/// </summary>
public sealed class LimitQueries
{
    private readonly ILimitStore _limits;

    /// <summary>Creates the queries.</summary>
    /// <param name="limits">The store.</param>
    public LimitQueries(ILimitStore limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        _limits = limits;
    }

    /// <summary>Every setting.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The settings, or forbidden.</returns>
    public async Task<QueryResult<IReadOnlyList<LimitSetting>>> ListAsync(Identity caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return caller.IsOperator
            ? QueryResult<IReadOnlyList<LimitSetting>>.Ok(await _limits.ListLimitsAsync(cancellationToken).ConfigureAwait(false))
            : QueryResult<IReadOnlyList<LimitSetting>>.Fail(QueryStatus.Forbidden, "limits are for fleet operators");
    }

    /// <summary>Sets (or, with no value, removes) one setting from its JSON.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="json">The body.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The setting stored, or bad request (with the reason) / forbidden.</returns>
    public async Task<QueryResult<LimitSetting>> PutAsync(Identity caller, string? json, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.IsOperator)
        {
            return QueryResult<LimitSetting>.Fail(QueryStatus.Forbidden, "limits are for fleet operators");
        }

        if (!LimitParser.TryParse(json, out LimitSetting? setting, out string problem))
        {
            return QueryResult<LimitSetting>.Invalid([new ParameterError("limit", problem)]);
        }

        await _limits.PutLimitAsync(setting!, cancellationToken).ConfigureAwait(false);
        return QueryResult<LimitSetting>.Ok(setting!);
    }
}
