using System.Diagnostics;

namespace Tracker.Web.Tests;

/// <summary>The web app's own node tests (the JS wire and status decoders against the published vectors, fuzzed).</summary>
public sealed class WebUnitTests
{
    [FactNeeding(Part.Node)]
    public async Task NodeTests_OfTheWebApp_Pass()
    {
        string web = Path.Combine(WebFixture.RepoRoot, "cloud", "Tracker.Cloud.Web");
        var start = new ProcessStartInfo("npm", "test --silent") { WorkingDirectory = Path.GetFullPath(web), RedirectStandardOutput = true, RedirectStandardError = true };
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);

        Assert.True(process.ExitCode == 0, "npm test failed:\n" + await stdout + await stderr);
    }
}
