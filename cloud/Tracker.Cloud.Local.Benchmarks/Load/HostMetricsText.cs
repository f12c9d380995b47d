using System.Globalization;

namespace Tracker.Cloud.Local.Benchmarks.Load;

/// <summary>
/// The host's <c>/metrics</c> page (Prometheus text format 0.0.4) read back: each sample line's name with its labels,
/// and its value. Comment lines and lines that are not a name and a number are skipped, not fatal.
/// </summary>
public sealed class HostMetricsText
{
    private readonly Dictionary<string, double> _values;

    private HostMetricsText(Dictionary<string, double> values) => _values = values;

    /// <summary>Reads <paramref name="text"/>.</summary>
    /// <param name="text">The page.</param>
    /// <returns>The samples.</returns>
    public static HostMetricsText Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (string raw in text.Split('\n'))
        {
            string line = raw.Trim();
            int space = line.LastIndexOf(' ');
            if (line.Length == 0 || line[0] == '#' || space <= 0)
            {
                continue;
            }

            if (double.TryParse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            {
                values[line[..space]] = value;
            }
        }

        return new HostMetricsText(values);
    }

    /// <summary>A sample by its full name (labels included, as written: <c>name{label="x"}</c>); 0 when absent.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The value.</returns>
    public double this[string name] => _values.TryGetValue(name, out double v) ? v : 0;

    /// <summary>Every sample of <paramref name="name"/> with a label, by the label's value.</summary>
    /// <param name="name">The metric name.</param>
    /// <returns>(label value, value) pairs.</returns>
    public IReadOnlyDictionary<string, double> Labelled(string name)
    {
        var found = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach ((string key, double value) in _values)
        {
            if (key.StartsWith(name + "{", StringComparison.Ordinal))
            {
                int open = key.IndexOf('"', StringComparison.Ordinal);
                int close = key.LastIndexOf('"');
                found[open >= 0 && close > open ? key[(open + 1)..close] : key] = value;
            }
        }

        return found;
    }

    /// <summary>This page with one sample set to <paramref name="value"/>.</summary>
    /// <param name="name">The sample's full name.</param>
    /// <param name="value">Its value.</param>
    /// <returns>The new page.</returns>
    public HostMetricsText With(string name, double value)
    {
        ArgumentNullException.ThrowIfNull(name);
        return new HostMetricsText(new Dictionary<string, double>(_values, StringComparer.Ordinal) { [name] = value });
    }

    /// <summary>No samples: every value reads 0.</summary>
    public static HostMetricsText Empty { get; } = new(new Dictionary<string, double>(StringComparer.Ordinal));

    /// <summary>
    /// This page's samples with <paramref name="earlier"/>'s added: the counters of a host that was restarted, counted
    /// over both its lives (the first life's as last read before it stopped). Only counters mean anything summed.
    /// </summary>
    /// <param name="earlier">The page read before the restart.</param>
    /// <returns>The sums.</returns>
    public HostMetricsText Plus(HostMetricsText earlier)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        var values = new Dictionary<string, double>(_values, StringComparer.Ordinal);
        foreach ((string key, double value) in earlier._values)
        {
            values[key] = (values.TryGetValue(key, out double v) ? v : 0) + value;
        }

        return new HostMetricsText(values);
    }
}
