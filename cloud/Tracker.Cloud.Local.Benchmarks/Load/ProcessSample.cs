using System.Globalization;

namespace Tracker.Cloud.Local.Benchmarks.Load;

/// <summary>
/// A process's memory and CPU as Linux reports them in /proc (proc(5)): resident set size now (<c>VmRSS</c>) and at its
/// peak (<c>VmHWM</c>), CPU time used in user and kernel mode (<c>stat</c> fields 14 and 15, in clock ticks), and what
/// grows with the cars and has a limit of its own: threads (<c>Threads</c>), open file descriptors (the entries of
/// <c>fd/</c>, against RLIMIT_NOFILE) and memory mappings (the lines of <c>maps</c>, against vm.max_map_count).
/// </summary>
/// <param name="RssBytes">Resident set size now.</param>
/// <param name="PeakRssBytes">Highest resident set size since the process started.</param>
/// <param name="CpuSeconds">User plus system CPU time since the process started.</param>
/// <param name="Threads">Threads now.</param>
/// <param name="OpenFiles">Open file descriptors now (sockets included); -1 when they could not be listed.</param>
/// <param name="Mappings">Memory mappings now; -1 when they could not be read.</param>
public readonly record struct ProcessSample(long RssBytes, long PeakRssBytes, double CpuSeconds, int Threads = 0, int OpenFiles = -1, int Mappings = -1)
{
    // sysconf(_SC_CLK_TCK): 100 on every Linux architecture .NET runs on (USER_HZ is fixed in the kernel ABI).
    private const double TicksPerSecond = 100.0;

    /// <summary>Reads process <paramref name="pid"/>; false when it is gone or /proc cannot be read.</summary>
    /// <param name="pid">The process id.</param>
    /// <param name="sample">The sample.</param>
    /// <returns>True when read.</returns>
    public static bool TryRead(int pid, out ProcessSample sample)
    {
        sample = default;
        try
        {
            string root = "/proc/" + pid.ToString(CultureInfo.InvariantCulture);
            long rss = 0;
            long peak = 0;
            int threads = 0;
            foreach (string line in File.ReadLines(root + "/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = Kilobytes(line) * 1024;
                }
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    peak = Kilobytes(line) * 1024;
                }
                else if (line.StartsWith("Threads:", StringComparison.Ordinal))
                {
                    threads = (int)Kilobytes(line);
                }
            }

            // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
            string stat = File.ReadAllText(root + "/stat");
            string[] after = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            long utime = long.Parse(after[11], NumberStyles.None, CultureInfo.InvariantCulture);
            long stime = long.Parse(after[12], NumberStyles.None, CultureInfo.InvariantCulture);
            sample = new ProcessSample(rss, peak, (utime + stime) / TicksPerSecond, threads, Count(() => Directory.EnumerateFileSystemEntries(root + "/fd")), Count(() => File.ReadLines(root + "/maps")));
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    /// <summary>
    /// Threads, open descriptors and mappings, and what each grew by a car since <paramref name="before"/> (the same
    /// process before its cars): what a run of many cars runs out of first, beside the RSS.
    /// </summary>
    /// <param name="cars">The cars added since <paramref name="before"/>.</param>
    /// <param name="before">The process before them.</param>
    /// <returns>The line.</returns>
    public string PerCar(int cars, ProcessSample before) => string.Create(
        CultureInfo.InvariantCulture,
        $"{Threads} threads ({Ratio(Threads, before.Threads, cars)} a car), {Text(OpenFiles)} open files ({Ratio(OpenFiles, before.OpenFiles, cars)} a car), {Text(Mappings)} memory mappings ({Ratio(Mappings, before.Mappings, cars)} a car)");

    private static string Text(int count) => count < 0 ? "n/a" : count.ToString(CultureInfo.InvariantCulture);

    private static string Ratio(int count, int before, int cars) =>
        count < 0 || before < 0 || cars <= 0 ? "n/a" : ((count - before) / (double)cars).ToString("0.00", CultureInfo.InvariantCulture);

    // A count of what /proc lists; -1 when it cannot be listed (another user's process, or gone meanwhile).
    private static int Count(Func<IEnumerable<string>> list)
    {
        try
        {
            return list().Count();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return -1;
        }
    }

    private static long Kilobytes(string line)
    {
        string[] parts = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 2 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long kb) ? kb : 0;
    }
}
