using System.Globalization;
using System.Text.RegularExpressions;
using Tracker.Cloud.Local.Benchmarks.Load;
using Xunit.Abstractions;

namespace Tracker.Cloud.Local.Benchmarks.Tests;

/// <summary>
/// The built load bench, run as a user runs it with two cars, ended the ways a run can end early: Ctrl+C, and a death no
/// handler sees (SIGKILL, as the runtime's "Out of memory." abort). Either way the tracker-local it started must stop and
/// its scratch folder in /tmp must go.
/// </summary>
public sealed partial class RunGuardTests(ITestOutputHelper log)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task LoadRun_StoppedWithCtrlC_StopsItsHostAndRemovesItsFolder()
    {
        using TestProcess bench = StartBench();
        (int host, string folder) = await WaitForHostAsync(bench);

        bench.Interrupt(); // the bench's own process group, as a terminal's Ctrl+C: the host, in a group of its own, gets nothing from it

        int? code = await bench.WaitForExitAsync(Bound);
        log.WriteLine(bench.Output);
        Assert.Equal(130, code);
        Assert.Contains("SIGINT: stopping the host and removing " + folder, bench.Output, StringComparison.Ordinal);
        Assert.True(await Poll.UntilAsync(() => !Runs(host), Bound, TimeSpan.FromMilliseconds(200)), "the host (pid " + host + ") still runs");
        Assert.False(Directory.Exists(folder), folder + " is still there");
    }

    [Fact]
    public async Task LoadRun_KilledOutright_ItsWatchdogStopsTheHostAndRemovesTheFolder()
    {
        using TestProcess bench = StartBench();
        (int host, string folder) = await WaitForHostAsync(bench);

        bench.KillHard(); // SIGKILL: no handler, no finally, as an abort

        log.WriteLine(bench.Output);
        Assert.True(await Poll.UntilAsync(() => !Runs(host), Bound, TimeSpan.FromMilliseconds(200)), "the host (pid " + host + ") still runs after its load process died");
        Assert.True(await Poll.UntilAsync(() => !Directory.Exists(folder), Bound, TimeSpan.FromMilliseconds(200)), folder + " is still there after its load process died");
    }

    [Fact]
    public void Guard_RefusesAFolderOutsideTheTemporaryFolder()
    {
        Assert.Throws<ArgumentException>(() => new RunGuard("/home", TextWriter.Null, handleSignals: false));
        Assert.Throws<ArgumentException>(() => new RunGuard(Path.GetTempPath(), TextWriter.Null, handleSignals: false));
    }

    private static TestProcess StartBench()
    {
        // The bench built beside these tests (the project references it), with two cars and a window long enough to be
        // stopped inside it.
        string dll = Path.Combine(AppContext.BaseDirectory, "tracker-local-benchmark.dll");
        return TestProcess.Start(AppContext.BaseDirectory, "dotnet", dll, LoadOptions.ModeFlag, "--cars", "2", "--warmup", "60", "--seconds", "60", "--connect-timeout", "60s");
    }

    private async Task<(int Host, string Folder)> WaitForHostAsync(TestProcess bench)
    {
        bool ready = await bench.WaitForAsync("scratch folder ", Bound);
        Match line = ReadyLine().Match(bench.Output);
        Assert.True(ready && line.Success, "the bench did not start its host:\n" + bench.Output);
        log.WriteLine(line.Value);
        string folder = line.Groups["folder"].Value.Trim();
        Assert.True(Directory.Exists(folder), folder);
        return (int.Parse(line.Groups["pid"].Value, CultureInfo.InvariantCulture), folder);
    }

    // Gone, or a zombie waiting for whoever adopted it to reap it: either way it runs no more.
    private static bool Runs(int pid)
    {
        try
        {
            string stat = File.ReadAllText("/proc/" + pid.ToString(CultureInfo.InvariantCulture) + "/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"\(pid (?<pid>\d+)\); scratch folder (?<folder>\S+)")]
    private static partial Regex ReadyLine();
}
