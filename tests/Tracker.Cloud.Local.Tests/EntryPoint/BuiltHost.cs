using Tracker.Testing;

namespace Tracker.Cloud.Local.Tests.EntryPoint;

/// <summary>The built tracker-local beside the test assembly (the same bits as cloud/Tracker.Cloud.Local's output), run as a user runs it.</summary>
internal static class BuiltHost
{
    /// <summary>The apphost; <c>dotnet tracker-local.dll</c> where there is none.</summary>
    public static string Executable { get; } = Path.Combine(AppContext.BaseDirectory, "tracker-local");

    /// <summary>Starts the host with <paramref name="arguments"/>, in <paramref name="workingDirectory"/>.</summary>
    public static TestProcess Start(string workingDirectory, params string[] arguments) => File.Exists(Executable)
        ? TestProcess.Start(workingDirectory, Executable, arguments)
        : TestProcess.Start(workingDirectory, "dotnet", [Path.ChangeExtension(Executable, ".dll"), .. arguments]);
}
