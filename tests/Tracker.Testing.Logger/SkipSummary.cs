namespace Tracker.Testing.Logger;

/// <summary>Counts skipped tests by reason and writes one line per reason, most skips first.</summary>
public sealed class SkipSummary
{
    private readonly Dictionary<string, int> _byReason = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Counts one skipped test.</summary>
    /// <param name="reason">Its skip reason (empty or null: "no reason given").</param>
    public void Add(string? reason)
    {
        string key = string.IsNullOrWhiteSpace(reason) ? "no reason given" : reason.Trim();
        lock (_gate)
        {
            _byReason[key] = _byReason.GetValueOrDefault(key) + 1;
        }
    }

    /// <summary>The summary lines ("27 skipped: reason"), most skips first, then by reason; none when nothing skipped.</summary>
    /// <returns>The lines.</returns>
    public IReadOnlyList<string> Lines()
    {
        lock (_gate)
        {
            return [.. _byReason.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal)
                .Select(p => p.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) + " skipped: " + p.Key)];
        }
    }
}
