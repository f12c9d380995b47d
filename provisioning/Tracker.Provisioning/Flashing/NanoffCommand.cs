namespace Tracker.Provisioning.Flashing;

/// <summary>One nanoff invocation of a flash plan.</summary>
/// <param name="Step">The profile step's name (firmware, files, application).</param>
/// <param name="Arguments">nanoff's arguments, one per element (no shell quoting needed).</param>
public sealed record NanoffCommand(string Step, IReadOnlyList<string> Arguments)
{
    /// <summary>The executable: the nanoff global tool.</summary>
    public const string Executable = "nanoff";

    /// <summary>The command line as a person would type it (arguments with spaces are quoted).</summary>
    /// <returns>The text.</returns>
    public string ToDisplayString() =>
        Executable + " " + string.Join(" ", Arguments.Select(a => a.Length == 0 || a.Any(char.IsWhiteSpace) ? "\"" + a + "\"" : a));
}
