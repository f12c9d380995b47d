namespace Tracker.Cloud.Core.Ingest;

/// <summary>The stable names of <see cref="FixFilter"/> values, as they appear in logs, metrics and options.</summary>
public static class FixFilterNames
{
    /// <summary>Every filter, in evaluation order.</summary>
    public static IReadOnlyList<FixFilter> All { get; } =
        [FixFilter.Invalid, FixFilter.Zero, FixFilter.Future, FixFilter.Past, FixFilter.Accuracy, FixFilter.MaxSpeed, FixFilter.Duplicate];

    /// <summary>The filter's name: <c>invalid</c>, <c>zero</c>, <c>future</c>, <c>past</c>, <c>accuracy</c>, <c>max-speed</c>, <c>duplicate</c>.</summary>
    /// <param name="filter">The filter.</param>
    /// <returns>Its name.</returns>
    public static string Name(FixFilter filter) => filter switch
    {
        FixFilter.Invalid => "invalid",
        FixFilter.Zero => "zero",
        FixFilter.Future => "future",
        FixFilter.Past => "past",
        FixFilter.Accuracy => "accuracy",
        FixFilter.MaxSpeed => "max-speed",
        FixFilter.Duplicate => "duplicate",
        _ => throw new ArgumentOutOfRangeException(nameof(filter), filter, "not a filter"),
    };

    /// <summary>The filter with this name (ordinal, case-sensitive), for configuration.</summary>
    /// <param name="name">A name from <see cref="Name"/>.</param>
    /// <param name="filter">The filter, when found.</param>
    /// <returns>True when the name is known.</returns>
    public static bool TryParse(string? name, out FixFilter filter)
    {
        foreach (FixFilter candidate in All)
        {
            if (string.Equals(Name(candidate), name, StringComparison.Ordinal))
            {
                filter = candidate;
                return true;
            }
        }

        filter = default;
        return false;
    }
}
