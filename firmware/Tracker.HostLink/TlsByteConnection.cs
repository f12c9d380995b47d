using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Tracker.Core.Common;

namespace Tracker.HostLink;

/// <summary>
/// The core's <see cref="IByteConnection"/> on the host: a <see cref="TcpClient"/> and <see cref="SslStream"/>, the
/// server checked against the given CA only (as <see cref="HttpRangeSource"/> does). The host's stand-in for the
/// device's <c>Tracker.Device/Net/TlsConnection</c>, so the core's <see cref="HttpRangeClient"/>, the Wi-Fi download
/// the device runs, is tested against a real HTTPS server. Never throws for the network.
/// </summary>
public sealed class TlsByteConnection : IByteConnection, IDisposable
{
    private readonly X509Certificate2 _trustedCa;
    private readonly int _timeoutMs;
    private TcpClient? _tcp;
    private SslStream? _tls;

    /// <summary>Creates the connection; nothing touches the network until <see cref="Open"/>.</summary>
    /// <param name="trustedCa">The CA the server's certificate must chain to (the only one trusted).</param>
    /// <param name="timeout">The longest wait for one read or write.</param>
    public TlsByteConnection(X509Certificate2 trustedCa, TimeSpan timeout)
    {
        _trustedCa = trustedCa ?? throw new ArgumentNullException(nameof(trustedCa));
        _timeoutMs = (int)timeout.TotalMilliseconds;
    }

    /// <summary>Connections opened.</summary>
    public int Opened { get; private set; }

    /// <inheritdoc/>
    public bool IsOpen => _tls is not null;

    /// <inheritdoc/>
    public bool Open(string host, int port)
    {
        Close();
        var tcp = new TcpClient { ReceiveTimeout = _timeoutMs, SendTimeout = _timeoutMs };
        try
        {
            tcp.Connect(host, port);
            var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (_, certificate, _, errors) => HttpRangeSource.Trusted(certificate, errors, _trustedCa));
            tls.AuthenticateAsClient(new SslClientAuthenticationOptions { TargetHost = host, EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13 });
            _tcp = tcp;
            _tls = tls;
            Opened++;
            return true;
        }
        catch (Exception e) when (e is SocketException or IOException or AuthenticationException)
        {
            tcp.Dispose();
            return false;
        }
    }

    /// <inheritdoc/>
    public bool Write(byte[] data, int offset, int count)
    {
        try
        {
            _tls?.Write(data, offset, count);
            return _tls is not null;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            Close();
            return false;
        }
    }

    /// <inheritdoc/>
    public int Read(byte[] buffer, int offset, int count)
    {
        try
        {
            int n = _tls?.Read(buffer, offset, count) ?? 0;
            if (n <= 0)
            {
                Close();
            }

            return Math.Max(n, 0);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The receive timeout, or the server cut the connection.
            Close();
            return 0;
        }
    }

    /// <inheritdoc/>
    public void Close()
    {
        _tls?.Dispose();
        _tcp?.Dispose();
        _tls = null;
        _tcp = null;
    }

    /// <inheritdoc/>
    public void Dispose() => Close();
}
