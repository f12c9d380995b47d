using Microsoft.VisualStudio.TestPlatform.ObjectModel;
using Microsoft.VisualStudio.TestPlatform.ObjectModel.Client;
using Microsoft.VisualStudio.TestPlatform.ObjectModel.Logging;

namespace Tracker.Testing.Logger;

/// <summary>
/// The <c>tracker-skips</c> VSTest logger: at the end of a test run it writes one line per skip reason to the
/// console, indented like the console logger's own lines, so that "why did 27 tests skip?" is answered in the
/// default output of <c>dotnet test</c> (the console logger shows skip reasons only at normal verbosity).
/// </summary>
[FriendlyName(FriendlyName)]
[ExtensionUri(Uri)]
public sealed class SkipSummaryLogger : ITestLogger
{
    /// <summary>The name runsettings use.</summary>
    public const string FriendlyName = "tracker-skips";

    /// <summary>The logger's URI.</summary>
    public const string Uri = "logger://tracker/skips";

    private readonly SkipSummary _summary = new();
    private readonly TextWriter _out;

    /// <summary>Writes to standard output (VSTest creates loggers with this constructor).</summary>
    public SkipSummaryLogger()
        : this(Console.Out)
    {
    }

    /// <summary>Writes to <paramref name="output"/>.</summary>
    /// <param name="output">Where the summary goes.</param>
    public SkipSummaryLogger(TextWriter output) => _out = output;

    /// <inheritdoc />
    public void Initialize(TestLoggerEvents events, string testRunDirectory)
    {
        ArgumentNullException.ThrowIfNull(events);
        events.TestResult += (_, e) =>
        {
            if (e.Result.Outcome == TestOutcome.Skipped)
            {
                _summary.Add(ReasonOf(e.Result));
            }
        };
        events.TestRunComplete += (_, _) =>
        {
            foreach (string line in _summary.Lines())
            {
                _out.WriteLine("  " + line);
            }
        };
    }

    /// <summary>
    /// The skip reason of a result: xunit's adapter puts it in the result's messages (additional info), some
    /// adapters in the error message.
    /// </summary>
    /// <param name="result">A skipped result.</param>
    /// <returns>The reason, or null.</returns>
    public static string? ReasonOf(TestResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        foreach (TestResultMessage message in result.Messages)
        {
            if (message.Category == TestResultMessage.AdditionalInfoCategory && !string.IsNullOrWhiteSpace(message.Text))
            {
                return message.Text;
            }
        }

        return result.ErrorMessage;
    }
}
