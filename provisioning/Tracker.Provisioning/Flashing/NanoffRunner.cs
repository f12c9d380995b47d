using System.Diagnostics;

namespace Tracker.Provisioning.Flashing;

/// <summary>Runs a flash plan's nanoff commands, one after the other, stopping at the first failure.</summary>
public static class NanoffRunner
{
    /// <summary>Finds the nanoff executable on PATH or in the .NET global tools folder.</summary>
    /// <returns>Its path, or null when nanoff is not installed.</returns>
    public static string? FindNanoff() => FindNanoff(Environment.GetEnvironmentVariable);

    /// <summary>Finds the nanoff executable on PATH or in the .NET global tools folder (~/.dotnet/tools) of an environment.</summary>
    /// <param name="environment">Reads an environment variable (PATH, HOME, USERPROFILE).</param>
    /// <returns>Its path, or null when nanoff is not installed.</returns>
    public static string? FindNanoff(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        string[] names = OperatingSystem.IsWindows() ? ["nanoff.exe", "nanoff.cmd"] : ["nanoff"];
        var folders = (environment("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).ToList();
        if (environment(OperatingSystem.IsWindows() ? "USERPROFILE" : "HOME") is { Length: > 0 } home)
        {
            folders.Add(Path.Combine(home, ".dotnet", "tools"));
        }

        foreach (string folder in folders)
        {
            foreach (string name in names)
            {
                string candidate = Path.Combine(folder, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>Runs the commands; nanoff's own output goes to the console as it comes.</summary>
    /// <param name="nanoff">The nanoff executable (<see cref="FindNanoff()"/>).</param>
    /// <param name="commands">The plan.</param>
    /// <param name="starting">Called before each command, for progress.</param>
    /// <returns>0 when every command succeeded, else the failing command's exit code (and which one).</returns>
    public static (int ExitCode, NanoffCommand? Failed) Run(string nanoff, IReadOnlyList<NanoffCommand> commands, Action<NanoffCommand>? starting = null)
    {
        ArgumentNullException.ThrowIfNull(commands);
        foreach (NanoffCommand command in commands)
        {
            starting?.Invoke(command);
            var info = new ProcessStartInfo(nanoff) { UseShellExecute = false };
            foreach (string argument in command.Arguments)
            {
                info.ArgumentList.Add(argument);
            }

            using Process process = Process.Start(info) ?? throw new InvalidOperationException("nanoff did not start");
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                return (process.ExitCode, command);
            }
        }

        return (0, null);
    }
}
