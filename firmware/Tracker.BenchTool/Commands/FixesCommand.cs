using Tracker.BenchTool.Cli;
using Tracker.BenchTool.Input;
using Tracker.BenchTool.Output;
using Tracker.Core.Fixes;
using Tracker.Core.Reporting;

namespace Tracker.BenchTool.Commands;

/// <summary><c>fixes &lt;log|-&gt; [--policy FILE]</c>: one JSON object per line for every epoch with a valid fix.</summary>
public static class FixesCommand
{
    public const string Usage = "tracker-bench fixes <log|-> [--policy FILE]";

    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextReader? stdin = null)
    {
        Arguments a = Arguments.Parse(args, ["policy"], []);
        a.ExpectPositionals(1, Usage);
        ReportPolicy? policy = a.Value("policy") is string p ? new ReportPolicy(PolicyFile.Load(p)) : null;
        using Stream input = InputFile.Open(a.Positionals[0], stdin);
        var reader = new NmeaFixReader();
        foreach (Fix fix in NmeaFixes.Read(input, reader))
        {
            if (policy is null)
            {
                stdout.WriteLine(FixJson.Format(fix));
                continue;
            }

            ReportDecision d = policy.Decide(fix);
            if (d.IsRecord)
            {
                Fix recorded = d.Fix;
                stdout.WriteLine(FixJson.Format(recorded));
            }
        }

        return 0;
    }
}
