using System;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Tracker.Core.Common;

namespace Tracker.Device.Net
{
    /// <summary>
    /// The core's <see cref="IByteConnection"/> over a TCP <see cref="Socket"/> and <see cref="SslStream"/> (System.Net),
    /// for the Wi-Fi download of an update image (<see cref="HttpRangeClient"/>). The surface has no HttpWebRequest or
    /// HttpClient (reference/nanoframework-api-surface.tsv), so the core writes the HTTP; this adapter only connects,
    /// sends and receives. TLS 1.2, the server checked against the given CA (<c>SslVerification.VerifyPeer</c>) under the
    /// host's name; no client certificate. Every network exception becomes a failed value.
    /// </summary>
    internal sealed class TlsConnection : IByteConnection
    {
        private readonly X509Certificate _ca;
        private readonly int _timeoutMs;
        private Socket? _socket;
        private SslStream? _tls;

        /// <summary>Creates the connection; nothing touches the network until <see cref="Open"/>.</summary>
        /// <param name="caPem">The CA the image server's certificate chains to, PEM text (the string constructor adds mbedTLS's NUL).</param>
        /// <param name="timeoutMs">The longest wait for a read or a write.</param>
        public TlsConnection(string caPem, int timeoutMs)
        {
            _ca = new X509Certificate(caPem);
            _timeoutMs = timeoutMs;
        }

        /// <inheritdoc/>
        public bool IsOpen
        {
            get { return _tls != null; }
        }

        /// <inheritdoc/>
        public bool Open(string host, int port)
        {
            Close();
            Socket? socket = null;
            try
            {
                IPAddress[] addresses = Dns.GetHostEntry(host).AddressList;
                if (addresses.Length == 0)
                {
                    return false;
                }

                socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                socket.ReceiveTimeout = _timeoutMs;
                socket.SendTimeout = _timeoutMs;
                socket.Connect(new IPEndPoint(addresses[0], port));
                SslStream tls = new SslStream(socket);
                tls.SslVerification = SslVerification.VerifyPeer;
                tls.AuthenticateAsClient(host, _ca, SslProtocols.Tls12);
                _socket = socket;
                _tls = tls;
                return true;
            }
            catch (Exception)
            {
                // DNS, TCP or the handshake (an untrusted server): the download counts a link that is down.
                if (socket != null)
                {
                    socket.Close();
                }

                return false;
            }
        }

        /// <inheritdoc/>
        public bool Write(byte[] data, int offset, int count)
        {
            if (_tls == null)
            {
                return false;
            }

            try
            {
                _tls.Write(data, offset, count);
                return true;
            }
            catch (Exception)
            {
                Close();
                return false;
            }
        }

        /// <inheritdoc/>
        public int Read(byte[] buffer, int offset, int count)
        {
            if (_tls == null)
            {
                return 0;
            }

            try
            {
                int n = _tls.Read(buffer, offset, count);
                if (n <= 0)
                {
                    Close();
                    return 0;
                }

                return n;
            }
            catch (Exception)
            {
                // The receive timeout (SocketException) or a reset.
                Close();
                return 0;
            }
        }

        /// <inheritdoc/>
        public void Close()
        {
            SslStream? tls = _tls;
            Socket? socket = _socket;
            _tls = null;
            _socket = null;
            try
            {
                if (tls != null)
                {
                    tls.Dispose();
                }

                if (socket != null)
                {
                    socket.Close();
                }
            }
            catch (Exception)
            {
                // Already gone.
            }
        }
    }
}
