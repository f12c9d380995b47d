using System.Diagnostics;
using System.Text.RegularExpressions;
using Tracker.Testing;

namespace Tracker.BenchTool.Tests;

/// <summary>
/// A pseudo-terminal pair from socat (Debian package socat), standing in for a USB-UART wired to a
/// board's GNSS RX: bytes written to one end come out of the other. Started on a bounded timeout;
/// killed on dispose.
/// </summary>
internal sealed partial class Socat : IDisposable
{
    private readonly Process _process;

    private Socat(Process process, string a, string b)
    {
        _process = process;
        EndA = a;
        EndB = b;
    }

    /// <summary>The end the replay writes to.</summary>
    public string EndA { get; }

    /// <summary>The end the test reads from, as the board's UART would.</summary>
    public string EndB { get; }

    /// <summary>Starts <c>socat -d -d pty,raw,echo=0 pty,raw,echo=0</c> and waits (at most 10 s) for it to name both ends.</summary>
    public static Socat Start()
    {
        string exe = PartCatalog.Current.Locate(Part.Socat);
        var info = new ProcessStartInfo(exe) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string arg in new[] { "-d", "-d", "pty,raw,echo=0", "pty,raw,echo=0" })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("socat did not start");
        var ends = new List<string>();
        var done = new ManualResetEventSlim();
        process.ErrorDataReceived += (_, e) =>
        {
            // "2026/11/23 01:58:49 socat[32390] N PTY is /dev/pts/0", once per end.
            Match m = e.Data is null ? Match.Empty : PtyLine().Match(e.Data);
            lock (ends)
            {
                if (m.Success)
                {
                    ends.Add(m.Groups[1].Value);
                }

                if (ends.Count == 2 || e.Data is null)
                {
                    done.Set();
                }
            }
        };
        process.BeginErrorReadLine();
        if (!done.Wait(TimeSpan.FromSeconds(10)) || ends.Count != 2)
        {
            Kill(process);
            throw new InvalidOperationException($"socat did not open two pseudo-terminals in 10 s (got {ends.Count})");
        }

        return new Socat(process, ends[0], ends[1]);
    }

    public void Dispose() => Kill(_process);

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        process.Dispose();
    }

    [GeneratedRegex(@"PTY is (\S+)")]
    private static partial Regex PtyLine();
}

/// <summary>A fact that needs socat: skipped without it, except under CI=true (tests/Tracker.Testing's rule).</summary>
public sealed class SocatFactAttribute : FactAttribute
{
    public SocatFactAttribute()
    {
        if (PartCatalog.Current.SkipReason([Part.Socat]) is { } reason)
        {
            Skip = reason;
        }
    }
}
