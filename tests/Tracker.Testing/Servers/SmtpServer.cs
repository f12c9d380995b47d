using System.Diagnostics;

namespace Tracker.Testing;

/// <summary>
/// A real SMTP server for a test: Debian's aiosmtpd (python3-aiosmtpd) on 127.0.0.1 and a free port, writing every
/// message it accepts into a maildir the test reads. Stopped (its process killed) on dispose.
/// </summary>
public sealed class SmtpServer : IDisposable
{
    /// <summary>Where Debian installs the module (<see cref="Part.Aiosmtpd"/> looks for it).</summary>
    public const string ModulePath = "/usr/lib/python3/dist-packages/aiosmtpd";

    private readonly Process _process;
    private readonly TempFolder _folder = new("tracker-smtp-");

    /// <summary>Starts the server; throws when it does not listen within 10 s.</summary>
    public SmtpServer()
    {
        Port = FreePort.OnLoopback();
        Maildir = _folder.Combine("maildir");
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[] { "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:" + Port, "-c", "aiosmtpd.handlers.Mailbox", Maildir })
        {
            start.ArgumentList.Add(arg);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("could not start aiosmtpd");
        if (!Poll.Until(() => _process.HasExited || LoopbackProbe.Accepts(Port), TimeSpan.FromSeconds(10)) || _process.HasExited)
        {
            string error = _process.HasExited ? _process.StandardError.ReadToEnd() : "no listener after 10 s";
            Dispose();
            throw new InvalidOperationException("aiosmtpd did not start: " + error);
        }
    }

    /// <summary>The port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The maildir messages are delivered to.</summary>
    public string Maildir { get; }

    /// <summary>The messages delivered so far, as raw text (headers and body).</summary>
    /// <returns>The messages.</returns>
    public IReadOnlyList<string> Messages()
    {
        string folder = Path.Combine(Maildir, "new");
        return Directory.Exists(folder) ? Directory.GetFiles(folder).Order(StringComparer.Ordinal).Select(File.ReadAllText).ToList() : [];
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
        _folder.Dispose();
    }
}
