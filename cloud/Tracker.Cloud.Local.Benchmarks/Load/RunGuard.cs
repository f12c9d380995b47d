using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Tracker.Cloud.Local.Benchmarks.Load;

/// <summary>
/// Makes sure a load run leaves nothing behind, however it ends: the tracker-local processes it started and its scratch
/// folder in /tmp. A normal end or an exception unwinds through <c>using</c>; Ctrl+C, SIGTERM and SIGHUP are caught
/// here (the host runs in a process group of its own, so a terminal's Ctrl+C never reaches it); and for the ends no
/// handler sees (the runtime's abort, SIGKILL) a watchdog shell, in a session of its own, waits for this process to
/// go, then stops the hosts it was told of (SIGINT to their groups, SIGKILL after 30 s) and deletes the folder.
/// </summary>
public sealed class RunGuard : IDisposable
{
    /// <summary>The file in the scratch folder that lists the host pids, one a line, for the watchdog.</summary>
    public const string HostPidsFile = "host.pids";

    // $1 the load process, $2 the scratch folder, $3 the pid list. A pid is signalled only while its command line
    // still names the folder (not a recycled pid); the loops end with the load process, then within 31 s. The group
    // kills go through env to the kill program: dash's built-in kill takes no "--", so it cannot signal a group.
    private const string WatchdogScript = """
        exec </dev/null >/dev/null 2>&1
        while kill -0 "$1" 2>/dev/null; do sleep 1; done
        ours() { grep -aqF -- "$2" "/proc/$1/cmdline" 2>/dev/null; }
        if [ -f "$3" ]; then
          for h in $(cat "$3"); do ours "$h" "$2" && env kill -INT -- "-$h" 2>/dev/null; done
          i=0
          while [ $i -lt 30 ]; do
            alive=0
            for h in $(cat "$3"); do ours "$h" "$2" && alive=1; done
            [ $alive -eq 0 ] && break
            sleep 1; i=$((i+1))
          done
          for h in $(cat "$3"); do ours "$h" "$2" && env kill -KILL -- "-$h" 2>/dev/null; done
        fi
        rm -rf -- "$2"
        """;

    private readonly string _folder;
    private readonly Process? _watchdog;
    private readonly List<HostProcess> _hosts = [];
    private readonly List<PosixSignalRegistration> _signals = [];
    private readonly Lock _gate = new();
    private readonly TextWriter _output;
    private int _cleaned;

    /// <summary>Guards <paramref name="folder"/> (a scratch folder under the system's temporary folder).</summary>
    /// <param name="folder">The run's scratch folder; deleted by the watchdog if this process dies.</param>
    /// <param name="output">Where a line goes when a signal stops the run.</param>
    /// <param name="handleSignals">Catch SIGINT, SIGTERM and SIGHUP (the command line's run; not a test host's).</param>
    public RunGuard(string folder, TextWriter output, bool handleSignals)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(output);
        _folder = Path.GetFullPath(folder);
        _output = output;
        if (!_folder.StartsWith(Path.GetTempPath(), StringComparison.Ordinal) || _folder.Length <= Path.GetTempPath().Length)
        {
            throw new ArgumentException("the guarded folder must be below " + Path.GetTempPath() + ", not " + _folder, nameof(folder));
        }

        if (OperatingSystem.IsLinux() && File.Exists("/usr/bin/setsid") && File.Exists("/bin/sh"))
        {
            var start = new ProcessStartInfo("/usr/bin/setsid") { UseShellExecute = false };
            foreach (string word in (string[])["/bin/sh", "-c", WatchdogScript, "tracker-load-watchdog", Environment.ProcessId.ToString(CultureInfo.InvariantCulture), _folder, HostPidsPath])
            {
                start.ArgumentList.Add(word);
            }

            _watchdog = Process.Start(start);
        }

        if (handleSignals)
        {
            foreach (PosixSignal signal in (PosixSignal[])[PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP])
            {
                _signals.Add(PosixSignalRegistration.Create(signal, OnSignal));
            }
        }
    }

    /// <summary>The pid list the watchdog reads.</summary>
    public string HostPidsPath => Path.Combine(_folder, HostPidsFile);

    /// <summary>The watchdog's pid (null where there is none: not Linux, or no setsid).</summary>
    public int? WatchdogId => _watchdog?.Id;

    /// <summary>Records a started host: the watchdog stops it if this process dies, and a signal stops it before this process ends.</summary>
    /// <param name="host">The host.</param>
    public void Add(HostProcess host)
    {
        ArgumentNullException.ThrowIfNull(host);
        lock (_gate)
        {
            _hosts.Add(host);
            File.AppendAllText(HostPidsPath, host.Id.ToString(CultureInfo.InvariantCulture) + "\n");
        }
    }

    /// <summary>Stops the watchdog (the run ended in this process, which cleans up itself) and the signal handlers.</summary>
    public void Dispose()
    {
        foreach (PosixSignalRegistration signal in _signals)
        {
            signal.Dispose();
        }

        if (_watchdog is not null)
        {
            try
            {
                if (!_watchdog.HasExited)
                {
                    _watchdog.Kill();
                    _watchdog.WaitForExit(5000);
                }
            }
            catch (InvalidOperationException)
            {
            }

            _watchdog.Dispose();
        }
    }

    private void OnSignal(PosixSignalContext context)
    {
        if (Interlocked.Exchange(ref _cleaned, 1) != 0)
        {
            return; // a second signal: the default (immediate) end
        }

        // The run's own unwinding cannot be reached from a signal; stop the hosts and delete the folder here, then end.
        context.Cancel = true;
        _output.WriteLine($"tracker-local-benchmark: {context.Signal}: stopping the host and removing {_folder}");
        HostProcess[] hosts;
        lock (_gate)
        {
            hosts = [.. _hosts];
        }

        foreach (HostProcess host in hosts)
        {
            host.StopAsync(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
        }

        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _output.WriteLine("tracker-local-benchmark: could not remove " + _folder + ": " + e.Message);
        }

        _output.Flush();
        Environment.Exit(128 + SignalNumber(context.Signal));
    }

    private static int SignalNumber(PosixSignal signal) => signal switch
    {
        PosixSignal.SIGHUP => 1,
        PosixSignal.SIGINT => 2,
        _ => 15,
    };
}
