namespace Tracker.Core.Common
{
    /// <summary>
    /// One TLS connection to a server, as <see cref="HttpRangeClient"/> uses it: the Wi-Fi download's socket and
    /// <c>SslStream</c> on the device (<c>Tracker.Device/Net/TlsConnection</c>), a scripted one in the tests.
    /// Failures are values: no member throws for the network.
    /// </summary>
    public interface IByteConnection
    {
        /// <summary>True between a successful <see cref="Open"/> and <see cref="Close"/> (or a failure that closed it).</summary>
        bool IsOpen { get; }

        /// <summary>Resolves the host, connects and completes the TLS handshake (the server checked against the fleet's CA).</summary>
        /// <param name="host">The host name (also the TLS server name).</param>
        /// <param name="port">The port.</param>
        /// <returns>False when any step failed (nothing is left open).</returns>
        bool Open(string host, int port);

        /// <summary>Sends all of the bytes.</summary>
        /// <param name="data">The bytes.</param>
        /// <param name="offset">The first.</param>
        /// <param name="count">How many.</param>
        /// <returns>False when the connection failed.</returns>
        bool Write(byte[] data, int offset, int count);

        /// <summary>Receives what has arrived, waiting up to the connection's timeout for the first byte.</summary>
        /// <param name="buffer">Where the bytes go.</param>
        /// <param name="offset">The first index.</param>
        /// <param name="count">At most this many.</param>
        /// <returns>The bytes received (1 to <paramref name="count"/>); 0 when the server closed, the wait timed out or the connection failed.</returns>
        int Read(byte[] buffer, int offset, int count);

        /// <summary>Closes the connection (safe to call when closed).</summary>
        void Close();
    }
}
