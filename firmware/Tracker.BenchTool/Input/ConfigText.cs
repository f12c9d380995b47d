using Tracker.BenchTool.Cli;

namespace Tracker.BenchTool.Input;

/// <summary>Reads a config file the firmware's loaders take (a report policy, a tracker.conf) for a command.</summary>
internal static class ConfigText
{
    /// <summary>The file's text; a file that cannot be read is a usage error naming it.</summary>
    /// <param name="path">The file.</param>
    /// <param name="what">What the file is, for the message ("policy file", "config file").</param>
    /// <returns>The text.</returns>
    public static string Read(string path, string what)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read {what} {path}: {e.Message}");
        }
    }
}
