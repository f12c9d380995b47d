namespace Tracker.Core.Common
{
    /// <summary>
    /// An update image's bytes over HTTPS with range requests (RFC 9110 §14), written on a bare TLS connection
    /// (<see cref="IByteConnection"/>): the Wi-Fi transport of the update agent's staged download (Control/README.md
    /// §2). nanoFramework's API surface has no <c>HttpWebRequest</c> or <c>HttpClient</c> (their package,
    /// nanoFramework.System.Net.Http, is not in reference/nanoframework-api-surface.tsv), so the request is written and
    /// the answer's head read here: <c>GET path HTTP/1.1</c>, <c>Host</c>, <c>Range: bytes=a-b</c>, one connection
    /// kept for the ranges that follow. The rules are the SIM7080G transport's (<c>Modem/Sim7080HttpsRange</c>):
    /// only a 206 whose <c>Content-Range</c> starts at the offset asked and names exactly the bytes asked is taken;
    /// 403, 404, 410 and 416 are refusals (an expired pre-signed URL, an image gone); any other status, a malformed
    /// head (<see cref="HttpRangeHead"/>), a transfer coding, or no answer is a link that is down, and the connection is
    /// closed so the next read opens a new one. A body cut part way gives the bytes that arrived (a short range,
    /// which the download drops). Never throws for the network. Single-threaded.
    /// </summary>
    public sealed class HttpRangeClient : IRangeSource
    {
        /// <summary>The largest range asked at once (the staged download's chunk).</summary>
        public const int MaxRange = 4096;

        private const int DefaultPort = 443;
        private readonly IByteConnection _connection;
        private readonly string _host;
        private readonly string _hostHeader;
        private readonly int _port;
        private readonly string _path;
        private readonly byte[] _head = new byte[HttpRangeHead.MaxLength];

        /// <summary>Builds the client; nothing is sent until the first read.</summary>
        /// <param name="url">The image's URL (<see cref="ImageUrl"/>'s rule: <c>https://host[:port]/path[?query]</c>).</param>
        /// <param name="connection">The connection to use (closed).</param>
        /// <exception cref="System.ArgumentException">The URL breaks the rule.</exception>
        public HttpRangeClient(string url, IByteConnection connection)
        {
            if (connection == null)
            {
                throw new System.ArgumentNullException("connection");
            }

            string origin;
            string host;
            string path;
            ImageUrl.Split(url, out origin, out host, out path);

            _connection = connection;
            _host = host;
            _path = path;

            // ImageUrl checked the port's digits and range; "https://" is 8 characters.
            _hostHeader = origin.Substring(8);
            int colon = _hostHeader.IndexOf(':');
            _port = colon < 0 ? DefaultPort : int.Parse(_hostHeader.Substring(colon + 1));
        }

        /// <summary>The host the client connects to.</summary>
        public string Host
        {
            get { return _host; }
        }

        /// <summary>The port the client connects to.</summary>
        public int Port
        {
            get { return _port; }
        }

        /// <summary>Connections opened.</summary>
        public int Connects { get; private set; }

        /// <summary>Range requests sent.</summary>
        public int Requests { get; private set; }

        /// <summary>Reads that ended with the link down, a malformed or unusable answer, or a body cut part way.</summary>
        public int Drops { get; private set; }

        /// <summary>Body bytes received, whole ranges and cut ones.</summary>
        public long BytesReceived { get; private set; }

        /// <summary>Why the last read failed (for the log), or empty.</summary>
        public string LastProblem { get; private set; } = string.Empty;

        /// <summary>Builds the request for one range (ASCII).</summary>
        /// <param name="offset">The first byte.</param>
        /// <param name="count">How many.</param>
        /// <returns>The request's bytes.</returns>
        public byte[] Request(int offset, int count)
        {
            string text = string.Concat(new string[]
            {
                "GET ", _path, " HTTP/1.1\r\nHost: ", _hostHeader,
                "\r\nRange: bytes=", offset.ToString(), "-", (offset + count - 1).ToString(),
                "\r\nAccept-Encoding: identity\r\nUser-Agent: tracker\r\n\r\n",
            });
            byte[] bytes = new byte[text.Length];
            for (int i = 0; i < text.Length; i++)
            {
                bytes[i] = (byte)text[i]; // ImageUrl allows only printable ASCII
            }

            return bytes;
        }

        /// <inheritdoc/>
        public RangeResult Read(int offset, byte[] buffer, int count, out int read)
        {
            read = 0;
            if (offset < 0 || count < 1 || buffer == null || count > buffer.Length || count > MaxRange || offset > int.MaxValue - count)
            {
                return RangeResult.Refused;
            }

            if (!_connection.IsOpen)
            {
                if (!_connection.Open(_host, _port))
                {
                    return Drop("cannot connect");
                }

                Connects++;
            }

            Requests++;
            byte[] request = Request(offset, count);
            if (!_connection.Write(request, 0, request.Length))
            {
                return Drop("the request was not sent");
            }

            int received = 0;
            int headLength = -1;
            while (headLength < 0)
            {
                if (received == _head.Length)
                {
                    return Drop("the answer's head is longer than " + HttpRangeHead.MaxLength.ToString() + " bytes");
                }

                int n = _connection.Read(_head, received, _head.Length - received);
                if (n <= 0)
                {
                    return Drop("no answer");
                }

                received += n;
                headLength = HttpRangeHead.FindEnd(_head, received);
            }

            HttpRangeHead? head;
            string problem;
            if (!HttpRangeHead.TryParse(_head, headLength, out head, out problem))
            {
                return Drop("malformed answer: " + problem);
            }

            int status = head!.Status;
            if (status == 403 || status == 404 || status == 410 || status == 416)
            {
                _connection.Close();
                LastProblem = "refused: " + status.ToString();
                return RangeResult.Refused;
            }

            if (status != 206 || head.HasTransferEncoding || head.RangeFirst != offset || head.RangeLength != count
                || (head.ContentLength >= 0 && head.ContentLength != count))
            {
                // A server that ignores Range (200), answers another range, or encodes the body: not a byte of it is taken.
                return Drop(string.Concat("unusable answer: status ", status.ToString(), head.HasTransferEncoding ? ", encoded" : string.Empty));
            }

            // The body bytes that came in with the head; a server sending more than the range broke the framing.
            int early = received - headLength;
            if (early > count)
            {
                return Drop("more body than the range");
            }

            System.Array.Copy(_head, headLength, buffer, 0, early);
            read = early;
            while (read < count)
            {
                int n = _connection.Read(buffer, read, count - read);
                if (n <= 0)
                {
                    BytesReceived += read;
                    Drops++;
                    LastProblem = "cut mid-body";
                    _connection.Close();
                    return read > 0 ? RangeResult.Ok : RangeResult.LinkDown;
                }

                read += n;
            }

            BytesReceived += read;
            if (head.Closes || head.ContentLength < 0)
            {
                // Without a length the body ends with the connection (RFC 9112 §6.3 item 8): open a new one next time.
                _connection.Close();
            }

            LastProblem = string.Empty;
            return RangeResult.Ok;
        }

        /// <summary>Closes the connection (at the end of a download).</summary>
        public void Close()
        {
            _connection.Close();
        }

        private RangeResult Drop(string problem)
        {
            Drops++;
            LastProblem = problem;
            _connection.Close();
            return RangeResult.LinkDown;
        }
    }
}
