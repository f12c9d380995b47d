using Tracker.Core.Common;

namespace Tracker.Core.Modem
{
    /// <summary>
    /// An update image's bytes over the SIM7080G's own HTTP(S) client, the cellular transport of
    /// the update agent's staged download (Control/README.md §2). One TLS connection to the image's host
    /// (<c>AT+SHCONF</c> URL, body and header sizes; <c>AT+SHSSL</c> with the CA already converted for
    /// the MQTT link; <c>AT+SHCONN</c>), then per range: <c>AT+SHCHEAD</c>, <c>AT+SHAHEAD="Range","bytes=a-b"</c>,
    /// <c>AT+SHREQ=path,1</c> (GET), the <c>+SHREQ: "GET",status,length</c> URC, and the body read back
    /// with <c>AT+SHREAD</c> in <see cref="ReadPiece"/>-byte pieces. 206 with the length asked is the
    /// range; 403, 404, 410 and 416 are refusals (an expired pre-signed URL, an image gone); any other
    /// status, an AT error or a timeout is a link that is down: the connection is closed so the next
    /// read opens a new one. A body cut part way gives the bytes that arrived (a short range, which the
    /// download drops). Never throws for the link. Single-threaded, on the modem's one AT channel.
    /// </summary>
    /// <remarks>
    /// The SSL context given must not be the MQTT link's: its SNI names the image host. What only a board
    /// can prove is listed in Modem/README.md ("HTTPS downloads"): the longest path <c>AT+SHREQ</c> takes
    /// (an S3 pre-signed URL with a session token is over 1,000 characters), and the CA that S3 chains to.
    /// </remarks>
    public sealed class Sim7080HttpsRange : IRangeSource
    {
        /// <summary>Bytes asked of one <c>AT+SHREAD</c>.</summary>
        public const int ReadPiece = 512;

        /// <summary>The modem's receive buffer for one answer's body (<c>AT+SHCONF="BODYLEN"</c>, at most 4096).</summary>
        public const int BodyLength = 4096;

        /// <summary>The modem's buffer for the request's headers (<c>AT+SHCONF="HEADERLEN"</c>, at most 350).</summary>
        public const int HeaderLength = 350;

        /// <summary>Longest wait for <c>AT+SHCONN</c> (DNS, TCP and the TLS handshake over the air).</summary>
        public const int ConnectMs = 60000;

        /// <summary>Longest wait for an answer's <c>+SHREQ:</c> URC.</summary>
        public const int RequestMs = 60000;

        private const string RequestUrc = "+SHREQ: ";
        private const string ReadHeader = "+SHREAD: ";
        private readonly AtChannel _at;
        private readonly string _origin;
        private readonly string _host;
        private readonly string _caFileName;
        private readonly int _sslContext;
        private string _path;
        private bool _connected;

        /// <summary>Builds the source; nothing is sent until the first read.</summary>
        /// <param name="at">The modem's AT channel (the MQTT link's too).</param>
        /// <param name="url">The image's URL: <c>https://host[:port]/path[?query]</c>.</param>
        /// <param name="caFileName">The CA file in the modem's file system, converted (<c>AT+CSSLCFG="CONVERT",2</c>).</param>
        /// <param name="sslContext">The SSL context to use (0 to 5), not the MQTT link's.</param>
        /// <exception cref="System.ArgumentException">The URL is not https, or a name is empty.</exception>
        public Sim7080HttpsRange(AtChannel at, string url, string caFileName, int sslContext)
        {
            if (at == null)
            {
                throw new System.ArgumentNullException("at");
            }

            if (caFileName == null || caFileName.Length == 0 || caFileName.IndexOf('"') >= 0)
            {
                throw new System.ArgumentException("the CA file name is empty or has a quote", "caFileName");
            }

            if (sslContext < 0 || sslContext > 5)
            {
                throw new System.ArgumentOutOfRangeException("sslContext");
            }

            string origin;
            string host;
            string path;
            ImageUrl.Split(url, out origin, out host, out path);

            _at = at;
            _origin = origin;
            _host = host;
            _path = path;
            _caFileName = caFileName;
            _sslContext = sslContext;
        }

        /// <summary>Connections opened (<c>AT+SHCONN</c> answered OK).</summary>
        public int Connects { get; private set; }

        /// <summary>Range requests made.</summary>
        public int Requests { get; private set; }

        /// <summary>Reads that ended with the link down, or a body cut part way.</summary>
        public int Drops { get; private set; }

        /// <summary>Body bytes received, whole ranges and cut ones.</summary>
        public long BytesReceived { get; private set; }

        /// <summary>Gives a fresh URL on the same host (a new pre-signed one after a refusal).</summary>
        /// <param name="url">The URL.</param>
        /// <returns>False when it is not https or names another host and port (nothing changes).</returns>
        public bool Renew(string url)
        {
            string origin;
            string host;
            string path;
            if (!ImageUrl.TrySplit(url, out origin, out host, out path) || origin != _origin)
            {
                return false;
            }

            _path = path;
            return true;
        }

        /// <inheritdoc/>
        public RangeResult Read(int offset, byte[] buffer, int count, out int read)
        {
            read = 0;
            if (offset < 0 || count < 1 || buffer == null || count > buffer.Length || count > BodyLength || offset > int.MaxValue - count)
            {
                return RangeResult.Refused;
            }

            if (!_connected && !Connect())
            {
                return Drop();
            }

            Requests++;
            string range = string.Concat("bytes=", offset.ToString(), "-", (offset + count - 1).ToString());
            if (!Ok("AT+SHCHEAD") || !Ok("AT+SHAHEAD=\"Range\"," + AtText.Quote(range)))
            {
                return Drop();
            }

            if (!_at.Execute("AT+SHREQ=" + AtText.Quote(_path) + ",1", null, Sim7080Timing.CommandMs).IsOk)
            {
                return Drop();
            }

            string urc;
            int status;
            int length;
            if (!_at.WaitForUrcStartingWith(RequestUrc, RequestMs, out urc) || !TryParseRequest(urc, out status, out length))
            {
                return Drop();
            }

            if (status == 403 || status == 404 || status == 410 || status == 416)
            {
                Disconnect();
                return RangeResult.Refused;
            }

            if (status != 206 || length != count)
            {
                // A server that ignores Range (200), answers another length, or a modem error code (6xx):
                // not a byte of it is taken.
                return Drop();
            }

            while (read < length)
            {
                int piece = length - read < ReadPiece ? length - read : ReadPiece;
                int n;
                AtResult r = _at.ExecuteReadData(
                    string.Concat("AT+SHREAD=", read.ToString(), ",", piece.ToString()), ReadHeader, buffer, read, piece, Sim7080Timing.CommandMs, out n);
                read += n;
                BytesReceived += n;
                if (!r.IsOk || n != piece)
                {
                    Drops++;
                    Disconnect();
                    return read > 0 ? RangeResult.Ok : RangeResult.LinkDown;
                }
            }

            return RangeResult.Ok;
        }

        /// <summary>Closes the connection (at the end of a download, or before the modem sleeps).</summary>
        public void Disconnect()
        {
            if (_connected)
            {
                _connected = false;
                _at.Execute("AT+SHDISC", null, Sim7080Timing.CommandMs);
            }
        }

        /// <summary>Reads the <c>+SHREQ: "GET",status,length</c> URC.</summary>
        /// <param name="line">The URC.</param>
        /// <param name="status">The HTTP status, or the modem's error code (6xx).</param>
        /// <param name="length">The body's length.</param>
        /// <returns>False when it does not parse.</returns>
        public static bool TryParseRequest(string line, out int status, out int length)
        {
            status = 0;
            length = 0;
            if (line == null || !line.StartsWith(RequestUrc))
            {
                return false;
            }

            string rest = line.Substring(RequestUrc.Length).Trim();
            int c1 = rest.IndexOf(',');
            int c2 = c1 < 0 ? -1 : rest.IndexOf(',', c1 + 1);
            return c1 > 0 && c2 > c1
                && rest.IndexOf(',', c2 + 1) < 0
                && AtText.TryParseInt(rest.Substring(c1 + 1, c2 - c1 - 1).Trim(), out status)
                && AtText.TryParseInt(rest.Substring(c2 + 1).Trim(), out length)
                && status >= 100 && status <= 999 && length >= 0;
        }

        private bool Connect()
        {
            string c = _sslContext.ToString();
            _at.Execute("AT+SHDISC", null, Sim7080Timing.CommandMs);
            bool ok = Ok("AT+SHCONF=\"URL\"," + AtText.Quote(_origin))
                && Ok("AT+SHCONF=\"BODYLEN\"," + BodyLength.ToString())
                && Ok("AT+SHCONF=\"HEADERLEN\"," + HeaderLength.ToString())
                && Ok("AT+CSSLCFG=\"SSLVERSION\"," + c + ",3")
                && Ok(string.Concat("AT+CSSLCFG=\"SNI\",", c, ",", AtText.Quote(_host)))
                && Ok(string.Concat("AT+SHSSL=", c, ",", AtText.Quote(_caFileName)))
                && _at.Execute("AT+SHCONN", null, ConnectMs).IsOk;
            if (ok)
            {
                _connected = true;
                Connects++;
            }

            return ok;
        }

        private bool Ok(string command)
        {
            return _at.Execute(command, null, Sim7080Timing.CommandMs).IsOk;
        }

        private RangeResult Drop()
        {
            Drops++;
            Disconnect();
            return RangeResult.LinkDown;
        }
    }
}
