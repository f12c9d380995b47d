using System.Globalization;
using Tracker.BenchTool.Cli;
using Tracker.BenchTool.Input;
using Tracker.BenchTool.Output;
using Tracker.Core.Fixes;
using Tracker.Core.Reporting;

namespace Tracker.BenchTool.Commands;

/// <summary>
/// <c>report &lt;log|-&gt; [--policy FILE]</c>: the fixes the report policy records, one JSON object per
/// line with the reason added, then statistics (records by reason, gaps) on standard error.
/// </summary>
public static class ReportCommand
{
    public const string Usage = "tracker-bench report <log|-> [--policy FILE]";

    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, TextReader? stdin = null)
    {
        Arguments a = Arguments.Parse(args, ["policy"], []);
        a.ExpectPositionals(1, Usage);
        ReportConfig config = a.Value("policy") is string p ? PolicyFile.Load(p) : ReportConfig.Default;
        var policy = new ReportPolicy(config);
        using Stream input = InputFile.Open(a.Positionals[0], stdin);
        var reasons = new SortedDictionary<string, int>(StringComparer.Ordinal);
        int fixes = 0, records = 0;
        long first = 0, last = 0, maxGap = 0, previous = long.MinValue;
        foreach (Fix fix in NmeaFixes.Read(input, new NmeaFixReader()))
        {
            if (fixes++ == 0)
            {
                first = fix.TimeMs;
            }

            last = fix.TimeMs;
            ReportDecision d = policy.Decide(fix);
            if (!d.IsRecord)
            {
                continue;
            }

            records++;
            string reason = d.Reason.ToString();
            reasons[reason] = reasons.GetValueOrDefault(reason) + 1;
            Fix recorded = d.Fix;
            string json = FixJson.Format(recorded);
            stdout.WriteLine(json[..^1] + ",\"reason\":\"" + reason + "\"}");
            if (previous != long.MinValue)
            {
                maxGap = Math.Max(maxGap, recorded.TimeMs - previous);
            }

            previous = recorded.TimeMs;
        }

        var inv = CultureInfo.InvariantCulture;
        stderr.WriteLine(string.Create(inv, $"fixes {fixes}, recorded {records} ({(fixes == 0 ? 0 : 100.0 * records / fixes):F1}%) over {(last - first) / 1000.0:F0} s; longest gap between records {maxGap / 1000.0:F0} s"));
        foreach (var (reason, count) in reasons)
        {
            stderr.WriteLine(string.Create(inv, $"  {reason,-24} {count,7}"));
        }

        return 0;
    }
}
