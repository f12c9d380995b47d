namespace Tracker.Simulation.Routes;

/// <summary>A span of seconds from which the simulation draws uniformly, for example a park's duration.</summary>
public readonly record struct SecondsRange
{
    /// <summary>Creates a range; <paramref name="min"/> must be at least 0 and at most <paramref name="max"/>.</summary>
    /// <param name="min">Shortest, in seconds.</param>
    /// <param name="max">Longest, in seconds.</param>
    /// <exception cref="ArgumentOutOfRangeException">min is negative or above max, or either is not finite.</exception>
    public SecondsRange(double min, double max)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max) || min < 0 || max < min)
        {
            throw new ArgumentOutOfRangeException(nameof(min), $"a seconds range needs 0 <= min <= max, got {min} to {max}");
        }

        Min = min;
        Max = max;
    }

    /// <summary>Shortest, in seconds.</summary>
    public double Min { get; }

    /// <summary>Longest, in seconds.</summary>
    public double Max { get; }

    /// <summary>The mean of a uniform draw.</summary>
    public double Mean => (Min + Max) / 2;

    /// <inheritdoc/>
    public override string ToString() => $"{Min:0.#}-{Max:0.#} s";

    internal double Draw(SimRandom random) => random.Uniform(Min, Max);
}
