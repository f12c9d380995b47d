using Tracker.BenchTool.Cli;
using Tracker.Core.Reporting;

namespace Tracker.BenchTool.Commands;

/// <summary>Loads a report-policy config file (key=value lines) with the firmware's own loader.</summary>
public static class PolicyFile
{
    public static ReportConfig Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read policy file {path}: {e.Message}");
        }

        ReportConfigResult result = ReportConfigLoader.Load(text);
        if (!result.IsOk || result.Config is null)
        {
            throw new UsageException($"policy file {path}: {result.Message}");
        }

        return result.Config;
    }
}
