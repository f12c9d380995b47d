using Tracker.Core.Common;
using Tracker.Core.Control;

namespace Tracker.Device.Net
{
    /// <summary>
    /// The update agent's transport over Wi-Fi: the core's <see cref="HttpRangeClient"/> (range requests written on a
    /// bare connection) over a <see cref="TlsConnection"/>, the image server checked against the car's CA file.
    /// </summary>
    internal sealed class WifiUpdateTransport : IUpdateTransport
    {
        /// <summary>The longest wait for one read or write on the connection.</summary>
        public const int TimeoutMs = 30000;

        private readonly string _caPem;

        /// <summary>Creates the transport.</summary>
        /// <param name="caPem">The CA the image server chains to (the bundle's <c>tls.caFile</c>: Amazon Root CA 1 for S3 and IoT Core).</param>
        public WifiUpdateTransport(string caPem)
        {
            _caPem = caPem;
        }

        /// <inheritdoc/>
        public IRangeSource Open(string url)
        {
            // Throws ArgumentException for a URL outside ImageUrl's rule; the agent fails the job "Transport".
            return new HttpRangeClient(url, new TlsConnection(_caPem, TimeoutMs));
        }

        /// <inheritdoc/>
        public void Close(IRangeSource source)
        {
            HttpRangeClient? client = source as HttpRangeClient;
            if (client != null)
            {
                client.Close();
            }
        }
    }
}
