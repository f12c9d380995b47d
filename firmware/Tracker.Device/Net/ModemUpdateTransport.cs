using Tracker.Core.Common;
using Tracker.Core.Control;
using Tracker.Core.Modem;

namespace Tracker.Device.Net
{
    /// <summary>
    /// The update agent's transport over the SIM7080G's own HTTPS client (the core's <see cref="Sim7080HttpsRange"/>:
    /// <c>AT+SH*</c> on the modem's one AT channel, shared with the MQTT link, both driven from the main loop), with the CA
    /// the MQTT set-up already converted in the modem's file system, on an SSL context of its own.
    /// </summary>
    internal sealed class ModemUpdateTransport : IUpdateTransport
    {
        /// <summary>
        /// The download's SSL context: the MQTT link configures contexts 0 and 1 (Modem/README.md, "Which SSL context
        /// AT+SMSSL=1 uses"), so the image host's SNI goes on 2.
        /// </summary>
        public const int SslContext = 2;

        private readonly Sim7080Modem _modem;

        /// <summary>Creates the transport.</summary>
        /// <param name="modem">The modem (the MQTT link's).</param>
        public ModemUpdateTransport(Sim7080Modem modem)
        {
            _modem = modem;
        }

        /// <inheritdoc/>
        public IRangeSource Open(string url)
        {
            // Throws ArgumentException for a URL outside ImageUrl's rule; the agent fails the job "Transport".
            return new Sim7080HttpsRange(_modem.Channel, url, _modem.Options.CaFileName, SslContext);
        }

        /// <inheritdoc/>
        public void Close(IRangeSource source)
        {
            Sim7080HttpsRange? https = source as Sim7080HttpsRange;
            if (https != null)
            {
                https.Disconnect();
            }
        }
    }
}
