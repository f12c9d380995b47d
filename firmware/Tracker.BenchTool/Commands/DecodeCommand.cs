using System.Globalization;
using Tracker.BenchTool.Cli;
using Tracker.BenchTool.Output;
using Tracker.Core.Fixes;
using Tracker.Core.Wire;

namespace Tracker.BenchTool.Commands;

/// <summary>
/// <c>decode &lt;file|-&gt;</c>: wire batches, one per line in hexadecimal (as <c>encode</c> writes them),
/// back to one JSON fix per line. A bad line is reported on standard error with its number and the
/// decoder's reason, and the lines around it are still decoded; the exit code is then 1.
/// </summary>
public static class DecodeCommand
{
    public const string Usage = "tracker-bench decode <file|->";

    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, TextReader? stdin = null)
    {
        Arguments a = Arguments.Parse(args, [], []);
        a.ExpectPositionals(1, Usage);
        using Stream input = InputFile.Open(a.Positionals[0], stdin);
        using var reader = new StreamReader(input);
        var fixes = new Fix[BatchFormat.MaxFixes];
        int lineNumber = 0, bad = 0;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            string text = line.Trim();
            if (text.Length == 0)
            {
                continue;
            }

            byte[] bytes;
            try
            {
                bytes = Convert.FromHexString(text);
            }
            catch (FormatException)
            {
                bad++;
                stderr.WriteLine(string.Create(CultureInfo.InvariantCulture, $"line {lineNumber}: not hexadecimal"));
                continue;
            }

            if (!BatchDecoder.TryDecode(bytes, 0, bytes.Length, fixes, out int count, out BatchError error))
            {
                bad++;
                stderr.WriteLine(string.Create(CultureInfo.InvariantCulture, $"line {lineNumber}: rejected: {error}"));
                continue;
            }

            for (int i = 0; i < count; i++)
            {
                stdout.WriteLine(FixJson.Format(fixes[i]));
            }
        }

        return bad == 0 ? 0 : 1;
    }
}
