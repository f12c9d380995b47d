using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;

namespace Tracker.Provisioning.Cli;

/// <summary>Where a command prints: a Spectre console for people, or one JSON object for scripts (<c>--json</c>).</summary>
internal sealed class CliOutput
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private const int UnlimitedWidth = 4096;

    private readonly CliEnvironment _env;

    public CliOutput(CliEnvironment env, bool json)
    {
        _env = env;
        IsJson = json;
        bool terminal = ReferenceEquals(env.Out, System.Console.Out) && !System.Console.IsOutputRedirected;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(env.Out),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        if (!terminal)
        {
            // A file or a pipe has no width: Spectre would assume 80 columns and wrap every table row (a 64-character
            // fingerprint, a bundle path) over several lines. Tables then take the width their content needs.
            Console.Profile.Width = UnlimitedWidth;
        }
    }

    /// <summary>True for <c>--json</c>: only one JSON object goes to standard output.</summary>
    public bool IsJson { get; }

    /// <summary>The console for people (tables, status lines).</summary>
    public IAnsiConsole Console { get; }

    /// <summary>Writes the result object as JSON (with <c>--json</c>).</summary>
    public void WriteJson(object value) => _env.Out.WriteLine(JsonSerializer.Serialize(value, Json));

    /// <summary>A line for people, unless <c>--json</c>.</summary>
    public void Line(string markup)
    {
        if (!IsJson)
        {
            Console.MarkupLine(markup);
        }
    }

    /// <summary>Runs a step with a status line for people.</summary>
    public T Step<T>(string what, Func<T> action)
    {
        if (IsJson)
        {
            return action();
        }

        T result = action();
        Console.MarkupLine("[green]✓[/] " + Markup.Escape(what));
        return result;
    }

    /// <summary>Runs a command body: a refusal prints its reason and gives exit code 2 (command line) or 1 (state, files).</summary>
    public int Guard(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (ProvisioningException e)
        {
            if (IsJson)
            {
                WriteJson(new { ok = false, failure = e.Failure, error = e.Message });
            }

            _env.Error.WriteLine("tracker-provision: " + e.Message);
            return e.IsUsage ? 2 : 1;
        }
    }
}
