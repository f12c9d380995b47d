namespace Tracker.Cloud.Notify.Outbox;

/// <summary>How the outbox retries (immutable; <see cref="Validate"/> names the bad key).</summary>
public sealed record NotifyOptions
{
    /// <summary>The defaults.</summary>
    public static NotifyOptions Default { get; } = new();

    /// <summary>Attempts before an entry is failed. Default 10 (about 17 minutes of retrying with the defaults below).</summary>
    public int MaxAttempts { get; init; } = 10;

    /// <summary>The wait after the first failure; doubled after each. Default 2 s.</summary>
    public TimeSpan BackoffBase { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest wait. Default 10 min.</summary>
    public TimeSpan BackoffMax { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How often the worker looks when nothing wakes it. Default 1 s.</summary>
    public TimeSpan PollEvery { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentException">One is out of range.</exception>
    public void Validate()
    {
        if (MaxAttempts < 1)
        {
            throw new ArgumentException("Notify option " + nameof(MaxAttempts) + " must be at least 1", nameof(MaxAttempts));
        }

        if (BackoffBase <= TimeSpan.Zero || BackoffMax < BackoffBase)
        {
            throw new ArgumentException("Notify options need 0 < " + nameof(BackoffBase) + " <= " + nameof(BackoffMax), nameof(BackoffBase));
        }

        if (PollEvery <= TimeSpan.Zero)
        {
            throw new ArgumentException("Notify option " + nameof(PollEvery) + " must be positive", nameof(PollEvery));
        }
    }

    /// <summary>The wait after <paramref name="attempts"/> failed attempts: base × 2^(attempts − 1), at most the maximum.</summary>
    /// <param name="attempts">Failed attempts so far (1 or more).</param>
    /// <returns>The wait.</returns>
    public TimeSpan Backoff(int attempts)
    {
        double ms = BackoffBase.TotalMilliseconds * Math.Pow(2, Math.Max(0, attempts - 1));
        return TimeSpan.FromMilliseconds(Math.Min(ms, BackoffMax.TotalMilliseconds));
    }
}
