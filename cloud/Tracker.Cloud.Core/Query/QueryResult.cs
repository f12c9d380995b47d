namespace Tracker.Cloud.Core.Query;

/// <summary>The outcome of a query: a value, or a typed refusal with a detail safe to show.</summary>
/// <typeparam name="T">The answer's type.</typeparam>
/// <param name="Status">How it ended.</param>
/// <param name="Value">The answer when <see cref="QueryStatus.Ok"/>, otherwise default.</param>
/// <param name="Detail">Why not, for the problem body's <c>detail</c>; empty when Ok.</param>
/// <param name="Errors">The bad parameters when <see cref="QueryStatus.BadRequest"/>; otherwise empty.</param>
public sealed record QueryResult<T>(QueryStatus Status, T? Value, string Detail, IReadOnlyList<ParameterError> Errors)
{
    /// <summary>An answer.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The result.</returns>
    public static QueryResult<T> Ok(T value) => new(QueryStatus.Ok, value, string.Empty, []);

    /// <summary>A refusal or a miss.</summary>
    /// <param name="status">Forbidden or not found.</param>
    /// <param name="detail">Why.</param>
    /// <returns>The result.</returns>
    public static QueryResult<T> Fail(QueryStatus status, string detail) => new(status, default, detail, []);

    /// <summary>Bad parameters.</summary>
    /// <param name="errors">Each bad parameter.</param>
    /// <returns>The result.</returns>
    public static QueryResult<T> Invalid(IReadOnlyList<ParameterError> errors) =>
        new(QueryStatus.BadRequest, default, string.Join("; ", errors.Select(e => e.Name + ": " + e.Message)), errors);
}
