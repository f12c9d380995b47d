namespace Tracker.Provisioning.Cli;

/// <summary>What a command may touch outside its arguments: the output streams, the environment variables and the terminal. Tests pass their own.</summary>
/// <param name="Out">Standard output (results, tables, JSON).</param>
/// <param name="Error">Standard error (errors, hints).</param>
/// <param name="GetVariable">Reads an environment variable.</param>
/// <param name="PromptSecret">Asks the person at the terminal for a secret without echo; null when there is no terminal.</param>
public sealed record CliEnvironment(TextWriter Out, TextWriter Error, Func<string, string?> GetVariable, Func<string, string>? PromptSecret)
{
    /// <summary>The real process: console streams, environment, and a no-echo prompt when stdin is a terminal.</summary>
    /// <returns>The environment.</returns>
    public static CliEnvironment FromProcess()
    {
        Func<string, string>? prompt = System.Console.IsInputRedirected ? null : PromptWithoutEcho;
        return new CliEnvironment(System.Console.Out, System.Console.Error, Environment.GetEnvironmentVariable, prompt);
    }

    private static string PromptWithoutEcho(string question)
    {
        var console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings { Out = new Spectre.Console.AnsiConsoleOutput(System.Console.Error) });
        return Spectre.Console.AnsiConsoleExtensions.Prompt(console, Spectre.Console.TextPromptExtensions.Secret(new Spectre.Console.TextPrompt<string>(question), null));
    }
}
