namespace Tracker.BenchTool.Cli;

/// <summary>
/// The arguments after the command name: positionals and <c>--name value</c> / <c>--flag</c>
/// options, checked against what the command declares so a typo is an error, not a silent default.
/// </summary>
public sealed class Arguments
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    private readonly List<string> _positionals = [];

    private Arguments()
    {
    }

    /// <summary>Positional arguments, in order.</summary>
    public IReadOnlyList<string> Positionals => _positionals;

    /// <summary>Parses <paramref name="args"/> for a command that takes the given options.</summary>
    /// <param name="args">Arguments after the command name.</param>
    /// <param name="valueOptions">Options that take a value (without the leading dashes).</param>
    /// <param name="flags">Options that take none.</param>
    public static Arguments Parse(IReadOnlyList<string> args, IReadOnlyCollection<string> valueOptions, IReadOnlyCollection<string> flags)
    {
        var parsed = new Arguments();
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            if (a.StartsWith("--", StringComparison.Ordinal) && a.Length > 2)
            {
                string name = a[2..];
                if (parsed._options.ContainsKey(name))
                {
                    throw new UsageException($"option --{name} is given twice");
                }

                if (flags.Contains(name))
                {
                    parsed._options[name] = null;
                }
                else if (valueOptions.Contains(name))
                {
                    if (i + 1 >= args.Count || (args[i + 1].StartsWith("--", StringComparison.Ordinal) && args[i + 1].Length > 2))
                    {
                        throw new UsageException($"option --{name} needs a value");
                    }

                    parsed._options[name] = args[++i];
                }
                else
                {
                    string known = string.Join(", ", valueOptions.Concat(flags).Select(o => "--" + o));
                    throw new UsageException($"unknown option {a}" + (known.Length > 0 ? $" (this command takes {known})" : " (this command takes no options)"));
                }
            }
            else
            {
                parsed._positionals.Add(a);
            }
        }

        return parsed;
    }

    /// <summary>True when the flag was given.</summary>
    public bool Has(string name) => _options.ContainsKey(name);

    /// <summary>The option's value, or null when absent.</summary>
    public string? Value(string name) => _options.TryGetValue(name, out string? v) ? v : null;

    /// <summary>An integer option in [min, max], or the default when absent.</summary>
    public int Int(string name, int fallback, int min, int max)
    {
        string? text = Value(name);
        if (text is null)
        {
            return fallback;
        }

        if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int v) || v < min || v > max)
        {
            throw new UsageException($"--{name} must be a whole number from {min} to {max}, not '{text}'");
        }

        return v;
    }

    /// <summary>Requires exactly <paramref name="count"/> positionals, naming them in the error.</summary>
    public void ExpectPositionals(int count, string usage)
    {
        if (_positionals.Count != count)
        {
            throw new UsageException($"expected {count} argument{(count == 1 ? "" : "s")}, got {_positionals.Count}: usage: {usage}");
        }
    }
}
