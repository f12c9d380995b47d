using Xunit;

namespace Tracker.Testing;

/// <summary>A fact that needs parts of the machine: skipped with the first missing part's reason, except under CI=true.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class FactNeedingAttribute : FactAttribute
{
    /// <summary>Skips (outside CI) when one of <paramref name="parts"/> is missing.</summary>
    /// <param name="parts">What the test needs.</param>
    public FactNeedingAttribute(params Part[] parts)
    {
        Parts = parts;
        if (PartCatalog.Current.SkipReason(parts) is { } reason)
        {
            Skip = reason;
        }
    }

    /// <summary>What the test needs.</summary>
    public IReadOnlyList<Part> Parts { get; }
}

/// <summary>A theory that needs parts of the machine: skipped with the first missing part's reason, except under CI=true.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class TheoryNeedingAttribute : TheoryAttribute
{
    /// <summary>Skips (outside CI) when one of <paramref name="parts"/> is missing.</summary>
    /// <param name="parts">What the test needs.</param>
    public TheoryNeedingAttribute(params Part[] parts)
    {
        Parts = parts;
        if (PartCatalog.Current.SkipReason(parts) is { } reason)
        {
            Skip = reason;
        }
    }

    /// <summary>What the test needs.</summary>
    public IReadOnlyList<Part> Parts { get; }
}

/// <summary>A fact that reads ../shared/<c>relative</c>: skipped, saying so, when it is absent (see <see cref="SharedFolder"/>).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SharedFactAttribute : FactAttribute
{
    /// <summary>Skips unless ../shared/<paramref name="relative"/> exists.</summary>
    /// <param name="relative">The path under ../shared, e.g. data/drives/x.nmea or reference/x.tsv.</param>
    public SharedFactAttribute(string relative)
    {
        Relative = relative;
        if (SharedFolder.SkipReason(relative) is { } reason)
        {
            Skip = reason;
        }
    }

    /// <summary>The path under ../shared.</summary>
    public string Relative { get; }
}
