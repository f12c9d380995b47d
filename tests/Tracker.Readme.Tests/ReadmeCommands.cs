using System.Text.RegularExpressions;

namespace Tracker.Readme.Tests;

/// <summary>
/// The commands in a README: lines of fenced code blocks, and code spans, that start with a program a reader would
/// type (dotnet, npm, npx, nanoff, tracker-bench...). Output shown in a block ("tracker-local: ready in 1.5 s") and
/// paths in prose are not commands.
/// </summary>
public static partial class ReadmeCommands
{
    private static readonly HashSet<string> Programs = new(StringComparer.Ordinal)
    {
        "dotnet", "npm", "npx", "node", "nanoff", "tracker-bench", "tracker-provision", "tracker-local", "git", "curl", "aws", "apt-get", "export", "alias",
    };

    /// <summary>README.md of the clone.</summary>
    public static string ReadmePath => Repository.PathOf("README.md");

    /// <summary>The commands of <paramref name="markdown"/>, with their line numbers, in order (a command may appear more than once).</summary>
    /// <param name="markdown">The README's text.</param>
    /// <returns>(line, command) pairs; each command with its whitespace runs made single spaces.</returns>
    public static IReadOnlyList<(int Line, string Command)> Extract(string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        var commands = new List<(int, string)>();
        bool inBlock = false;
        string[] lines = markdown.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].TrimEnd('\r');
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                inBlock = !inBlock;
                continue;
            }

            if (inBlock)
            {
                AddIfCommand(commands, i + 1, line);
                continue;
            }

            foreach (Match span in CodeSpan().Matches(line))
            {
                AddIfCommand(commands, i + 1, span.Groups[1].Value);
            }
        }

        return commands;
    }

    /// <summary>A command line's words, as a shell would split them (single and double quotes, no expansion).</summary>
    /// <param name="command">The command.</param>
    /// <returns>The words.</returns>
    public static string[] Words(string command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var words = new List<string>();
        var word = new System.Text.StringBuilder();
        char quote = '\0';
        bool any = false;
        foreach (char c in command)
        {
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
                else
                {
                    word.Append(c);
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                any = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (any || word.Length > 0)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    any = false;
                }
            }
            else
            {
                word.Append(c);
            }
        }

        if (any || word.Length > 0)
        {
            words.Add(word.ToString());
        }

        return [.. words];
    }

    private static void AddIfCommand(List<(int, string)> commands, int line, string text)
    {
        string command = Spaces().Replace(text.Trim(), " ");
        string first = command.Split(' ')[0];
        if (Programs.Contains(first))
        {
            commands.Add((line, command));
        }
    }

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
