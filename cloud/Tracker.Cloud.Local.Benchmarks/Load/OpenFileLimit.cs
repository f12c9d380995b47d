using System.Globalization;
using System.Runtime.InteropServices;

namespace Tracker.Cloud.Local.Benchmarks.Load;

/// <summary>
/// The open-file limit (RLIMIT_NOFILE, getrlimit(2)) against what a load run needs. Every simulated car holds one file
/// descriptor in this process for as long as it runs, its MQTT socket: its flash (<c>ClosedFileFlash</c>) opens a FixLog
/// file only for the call that needs it. The host holds one a car too (its side of the socket). The .NET runtime raises
/// the soft limit to the hard one at start; past the hard limit a socket or file cannot be opened, and the process
/// aborts (a fleet of 10,000 cars that held three descriptors each did, under a limit of 20,000). The run raises the limits where it may (the hard one needs root or
/// CAP_SYS_RESOURCE; the host, started after, inherits them) and otherwise refuses to start, saying what to raise.
/// </summary>
public static partial class OpenFileLimit
{
    /// <summary>Descriptors a car holds in the load process: its socket (measured: 1.0 a car at 300 cars, /proc/self/fd).</summary>
    public const int PerCar = 1;

    /// <summary>Descriptors the load process holds besides its cars (runtime, HTTP client, SQLite, pipes), with room to spare.</summary>
    public const int Base = 256;

    // RLIMIT_NOFILE on every Linux architecture .NET runs on (x64, arm64, arm).
    private const int RlimitNoFile = 7;

    /// <summary>Descriptors a run of <paramref name="cars"/> cars needs in the load process.</summary>
    /// <param name="cars">The cars.</param>
    /// <returns>The count.</returns>
    public static long Needed(int cars) => ((long)cars * PerCar) + Base;

    /// <summary>
    /// What to do about the limit: nothing (<paramref name="soft"/> is enough), raise the soft limit (the hard one is
    /// enough), or raise both. Null when nothing is needed; otherwise the (soft, hard) pair to ask for.
    /// </summary>
    /// <param name="needed">Descriptors needed.</param>
    /// <param name="soft">The soft limit now.</param>
    /// <param name="hard">The hard limit now.</param>
    /// <returns>The limits to set, or null.</returns>
    public static (ulong Soft, ulong Hard)? Plan(long needed, ulong soft, ulong hard)
    {
        ulong want = (ulong)needed;
        if (soft >= want)
        {
            return null;
        }

        return hard >= want ? (want, hard) : (want, want);
    }

    /// <summary>The refusal when the limit cannot be raised far enough: what is needed, what there is, and how to raise it.</summary>
    /// <param name="cars">The cars asked for.</param>
    /// <param name="soft">The soft limit.</param>
    /// <param name="hard">The hard limit.</param>
    /// <returns>The message.</returns>
    public static string TooLow(int cars, ulong soft, ulong hard)
    {
        long needed = Needed(cars);
        long fits = (long)Math.Max(0, ((double)Math.Min(soft, hard) - Base) / PerCar);
        return string.Create(CultureInfo.InvariantCulture, $"{cars} cars need about {needed} open files in this process ({PerCar} a car: its TLS socket, plus {Base} for the process; a car's FixLog files are open only while it writes or reads them); the open-file limit is {soft} (hard limit {hard}) and this user may not raise it. ")
            + string.Create(CultureInfo.InvariantCulture, $"Raise it before starting (as root: ulimit -n {needed}; for a service: LimitNOFILE={needed}; or nofile in /etc/security/limits.conf), or run at most {fits} cars. ")
            + "Past the limit a car's socket or files cannot be opened and the run fails part way.";
    }

    /// <summary>Makes sure this process may open what <paramref name="cars"/> cars need, raising the limits if it may.</summary>
    /// <param name="cars">The cars.</param>
    /// <param name="problem">Why not (<see cref="TooLow"/>), or null.</param>
    /// <param name="raised">What was raised, for the report ("" when nothing was).</param>
    /// <returns>True when the limit is high enough now (always true where there is no getrlimit: not Linux).</returns>
    public static bool TryEnsure(int cars, out string? problem, out string raised)
    {
        problem = null;
        raised = string.Empty;
        if (!OperatingSystem.IsLinux() || NativeMethods.getrlimit(RlimitNoFile, out RLimit now) != 0)
        {
            return true;
        }

        if (Plan(Needed(cars), now.Current, now.Maximum) is not { } plan)
        {
            return true;
        }

        var wanted = new RLimit { Current = plan.Soft, Maximum = plan.Hard };
        if (NativeMethods.setrlimit(RlimitNoFile, ref wanted) == 0)
        {
            raised = string.Create(CultureInfo.InvariantCulture, $"open-file limit raised from {now.Current} (hard {now.Maximum}) to {plan.Soft} (hard {plan.Hard}) for {cars} cars");
            return true;
        }

        problem = TooLow(cars, now.Current, now.Maximum);
        return false;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    private static partial class NativeMethods
    {
#pragma warning disable SYSLIB1054, CA5392 // blittable libc calls; no marshalling to generate
        [DllImport("libc", EntryPoint = "getrlimit")]
        internal static extern int getrlimit(int resource, out RLimit limit);

        [DllImport("libc", EntryPoint = "setrlimit")]
        internal static extern int setrlimit(int resource, ref RLimit limit);
#pragma warning restore SYSLIB1054, CA5392
    }
}
