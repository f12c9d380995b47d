using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace Tracker.Testing;

/// <summary>
/// A real mosquitto (Debian's package) run by a test: bound to 127.0.0.1 on a free port, one TLS
/// listener with <c>require_certificate true</c> and <c>use_identity_as_username true</c> (the
/// client certificate's CN is the MQTT user name, as a thing name is on AWS IoT Core), an ACL file,
/// and the certificates of a <see cref="TestPki"/>. Everything lives in a temporary folder. The
/// process is killed on <see cref="Dispose"/>; tests use it in <c>using</c>, so it is killed on
/// every path out of the test.
/// </summary>
public sealed class MosquittoBroker : IDisposable
{
    private const int LogLines = 400;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);

    private readonly ConcurrentQueue<string> _log = new();
    private readonly string _config;
    private Process? _process;

    private MosquittoBroker(string directory, int port, string config)
    {
        Directory = directory;
        Port = port;
        _config = config;
    }

    /// <summary>The folder holding the config, ACL and certificates.</summary>
    public string Directory { get; }

    /// <summary>The TLS port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>True while the broker process runs.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The broker's log (its file, and what it printed), for a test's assertions and messages.</summary>
    public string RecentLog
    {
        get
        {
            string file = Path.Combine(Directory, "mosquitto.log");
            string text = string.Empty;
            try
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var reader = new StreamReader(stream);
                text = reader.ReadToEnd();
            }
            catch (IOException)
            {
            }

            return text + string.Join('\n', _log);
        }
    }

    /// <summary>Writes the config, certificates and ACL, starts the broker and waits until it accepts connections.</summary>
    /// <param name="pki">The CA whose certificates the broker presents and requires.</param>
    /// <param name="acl">The ACL file's text (see <see cref="FleetAcl"/>).</param>
    /// <param name="debugLog">Log every packet (log_type all), e.g. to see "Denied PUBLISH" lines; off for the drives.</param>
    /// <param name="clientCaPem">
    /// The CA certificates (PEM) that client certificates must chain to, when they are not
    /// <paramref name="pki"/>'s (e.g. a fleet CA made by the provisioning tool); the broker's own
    /// certificate still comes from <paramref name="pki"/>.
    /// </param>
    /// <param name="crlPem">
    /// Certificate revocation lists (PEM) for the listener's <c>crlfile</c>: OpenSSL then checks every
    /// client certificate against its issuer's CRL, and refuses a client whose issuer has none in the
    /// file. mosquitto reads the file at start; see <see cref="ReplaceCrl"/>.
    /// </param>
    public static MosquittoBroker Start(TestPki pki, string acl, bool debugLog = false, string? clientCaPem = null, string? crlPem = null)
    {
        ArgumentNullException.ThrowIfNull(pki);
        ArgumentNullException.ThrowIfNull(acl);
        string exe = PartCatalog.Current.Locate(Part.Mosquitto);
        string dir = System.IO.Directory.CreateTempSubdirectory("tracker-mosquitto-").FullName;
        if (clientCaPem is null)
        {
            TestPki.WriteCertificatePem(Path.Combine(dir, "ca.pem"), pki.Ca);
        }
        else
        {
            File.WriteAllText(Path.Combine(dir, "ca.pem"), clientCaPem);
        }

        if (crlPem is not null)
        {
            File.WriteAllText(Path.Combine(dir, "crl.pem"), crlPem);
        }

        var server = pki.IssueServer();
        TestPki.WriteCertificatePem(Path.Combine(dir, "server.pem"), server);
        TestPki.WriteKeyPem(Path.Combine(dir, "server.key"), server);
        File.WriteAllText(Path.Combine(dir, "acl"), acl);
        int port = FreePort.OnLoopback();
        var config = new StringBuilder()
            .AppendLine("# Written by tests/Tracker.Testing for one test; deleted afterwards.")
            .AppendLine("per_listener_settings false")
            .AppendLine("allow_anonymous false")
            .AppendLine("persistence false")
            .AppendLine("log_dest file " + Path.Combine(dir, "mosquitto.log"))
            .AppendLine(debugLog ? "log_type all" : "log_type error\nlog_type warning\nlog_type notice\nlog_type information")
            .AppendLine("connection_messages true")
            .AppendLine("acl_file " + Path.Combine(dir, "acl"))
            .AppendLine("listener " + port.ToString(System.Globalization.CultureInfo.InvariantCulture) + " 127.0.0.1")
            .AppendLine("cafile " + Path.Combine(dir, "ca.pem"))
            .AppendLine("certfile " + Path.Combine(dir, "server.pem"))
            .AppendLine("keyfile " + Path.Combine(dir, "server.key"))
            .AppendLine("require_certificate true")
            .AppendLine("use_identity_as_username true");
        if (crlPem is not null)
        {
            config.AppendLine("crlfile " + Path.Combine(dir, "crl.pem"));
        }

        if (Environment.UserName == "root")
        {
            // Run as root, mosquitto drops to the 'mosquitto' user, who cannot read this private
            // temporary folder; "user root" keeps it as the test's own user.
            config.AppendLine("user root");
        }

        string configPath = Path.Combine(dir, "mosquitto.conf");
        File.WriteAllText(configPath, config.ToString());
        var broker = new MosquittoBroker(dir, port, configPath);
        try
        {
            broker.Launch(exe);
        }
        catch
        {
            broker.Dispose();
            throw;
        }

        return broker;
    }

    /// <summary>
    /// The fleet's ACL (mosquitto's acl_file syntax; %u is the user name, the certificate's CN): a
    /// car may publish only under tracker/&lt;its id&gt;/ and read only its own live topic; the
    /// operator reads every car's topics and may write any car's live topic.
    /// </summary>
    public const string FleetAcl =
        "user operator\n" +
        "topic read tracker/#\n" +
        "topic write tracker/+/live\n" +
        "\n" +
        "pattern write tracker/%u/#\n" +
        "pattern read tracker/%u/live\n";

    /// <summary>Kills the broker at once (SIGKILL: no will is published, no socket is closed cleanly).</summary>
    public void Kill()
    {
        Process? p = _process;
        _process = null;
        if (p is null)
        {
            return;
        }

        try
        {
            if (!p.HasExited)
            {
                p.Kill(entireProcessTree: true);
            }

            p.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        finally
        {
            p.Dispose();
        }
    }

    /// <summary>Starts the broker again on the same port with the same files (after <see cref="Kill"/>).</summary>
    public void Restart()
    {
        Kill();
        Launch(PartCatalog.Current.Locate(Part.Mosquitto));
    }

    /// <summary>
    /// Replaces the CRL (for a broker started with one) and restarts the broker on the same port:
    /// mosquitto reads <c>crlfile</c> only when it starts.
    /// </summary>
    /// <param name="crlPem">The new revocation lists (PEM).</param>
    public void ReplaceCrl(string crlPem)
    {
        ArgumentNullException.ThrowIfNull(crlPem);
        string path = Path.Combine(Directory, "crl.pem");
        if (!File.Exists(path))
        {
            throw new InvalidOperationException("this broker was started without a CRL");
        }

        File.WriteAllText(path, crlPem);
        Restart();
    }

    /// <summary>Kills the broker and deletes its folder.</summary>
    public void Dispose()
    {
        Kill();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private void Launch(string exe)
    {
        var start = new ProcessStartInfo(exe)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(_config);
        var p = new Process { StartInfo = start };
        p.OutputDataReceived += (_, e) => Remember(e.Data);
        p.ErrorDataReceived += (_, e) => Remember(e.Data);
        p.Start();
        _process = p;
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();

        // Ready when the listener accepts a TCP connection; bounded.
        bool listening = Poll.Until(() => p.HasExited || LoopbackProbe.Accepts(Port), StartTimeout);
        if (p.HasExited)
        {
            p.WaitForExit();
            throw new InvalidOperationException($"mosquitto exited at start (code {p.ExitCode}):\n{RecentLog}");
        }

        if (!listening)
        {
            throw new InvalidOperationException($"mosquitto did not listen on 127.0.0.1:{Port} within {StartTimeout.TotalSeconds} s:\n{RecentLog}");
        }
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        _log.Enqueue(line);
        while (_log.Count > LogLines && _log.TryDequeue(out _))
        {
        }
    }
}
