using Tracker.BenchTool.Cli;
using Tracker.Core.Reporting;

namespace Tracker.BenchTool.Input;

/// <summary>Loads a report-policy config file (key=value lines) with the firmware's own loader.</summary>
public static class PolicyFile
{
    public static ReportConfig Load(string path)
    {
        ReportConfigResult result = ReportConfigLoader.Load(ConfigText.Read(path, "policy file"));
        if (!result.IsOk || result.Config is null)
        {
            throw new UsageException($"policy file {path}: {result.Message}");
        }

        return result.Config;
    }
}
