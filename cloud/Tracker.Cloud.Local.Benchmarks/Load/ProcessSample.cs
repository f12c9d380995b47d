using System.Globalization;

namespace Tracker.Cloud.Local.Benchmarks.Load;

/// <summary>
/// A process's memory and CPU as Linux reports them in /proc (proc(5)): resident set size now (<c>VmRSS</c>) and at its
/// peak (<c>VmHWM</c>), and CPU time used in user and kernel mode (<c>stat</c> fields 14 and 15, in clock ticks).
/// </summary>
/// <param name="RssBytes">Resident set size now.</param>
/// <param name="PeakRssBytes">Highest resident set size since the process started.</param>
/// <param name="CpuSeconds">User plus system CPU time since the process started.</param>
public readonly record struct ProcessSample(long RssBytes, long PeakRssBytes, double CpuSeconds)
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
            }

            // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
            string stat = File.ReadAllText(root + "/stat");
            string[] after = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            long utime = long.Parse(after[11], NumberStyles.None, CultureInfo.InvariantCulture);
            long stime = long.Parse(after[12], NumberStyles.None, CultureInfo.InvariantCulture);
            sample = new ProcessSample(rss, peak, (utime + stime) / TicksPerSecond);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    private static long Kilobytes(string line)
    {
        string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 2 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long kb) ? kb : 0;
    }
}
