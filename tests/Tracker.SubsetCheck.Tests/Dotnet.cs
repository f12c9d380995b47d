namespace Tracker.SubsetCheck.Tests;

/// <summary>The dotnet host that runs these tests, for starting the checker or a build in a child process.</summary>
public static class Dotnet
{
    /// <summary>Its path: the SDK's DOTNET_HOST_PATH, else found from the running runtime (&lt;root&gt;/shared/Microsoft.NETCore.App/&lt;version&gt;/ -> &lt;root&gt;/dotnet).</summary>
    public static string Host { get; } = Find();

    private static string Find()
    {
        string? fromSdk = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(fromSdk) && File.Exists(fromSdk))
        {
            return fromSdk;
        }

        string runtime = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        string candidate = Path.GetFullPath(Path.Combine(runtime, "..", "..", "..", OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet"));
        return File.Exists(candidate) ? candidate : "dotnet";
    }
}
