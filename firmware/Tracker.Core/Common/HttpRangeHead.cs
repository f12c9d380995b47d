namespace Tracker.Core.Common
{
    /// <summary>
    /// The head of an HTTP/1.1 answer to a range request (RFC 9112 §2-§6, RFC 9110 §14.4), read strictly, for the
    /// Wi-Fi download of an update image (<see cref="HttpRangeClient"/>). Example:
    /// <c>HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 4096-8191/102400\r\nContent-Length: 4096\r\n\r\n</c>.
    /// Only what the download needs is kept: the status, <c>Content-Length</c>, <c>Content-Range</c>, whether a
    /// <c>Transfer-Encoding</c> is present and whether the server closes the connection. Anything a strict reader cannot
    /// take (no status line, a bare LF, obsolete line folding, a header without a colon or with a space before it, two
    /// different lengths, a range that does not add up) makes the head malformed; nothing is guessed.
    /// Never throws; allocates only the result.
    /// </summary>
    public sealed class HttpRangeHead
    {
        /// <summary>The longest head accepted (S3's answers carry about 600 bytes of headers).</summary>
        public const int MaxLength = 4096;

        private HttpRangeHead(int status, long contentLength, long first, long last, long total, bool encoded, bool closes)
        {
            Status = status;
            ContentLength = contentLength;
            RangeFirst = first;
            RangeLast = last;
            RangeTotal = total;
            HasTransferEncoding = encoded;
            Closes = closes;
        }

        /// <summary>The status code (100 to 599).</summary>
        public int Status { get; }

        /// <summary><c>Content-Length</c>, or -1 when absent.</summary>
        public long ContentLength { get; }

        /// <summary>The first byte of <c>Content-Range</c>, or -1 when absent or unsatisfied (<c>bytes */n</c>).</summary>
        public long RangeFirst { get; }

        /// <summary>The last byte of <c>Content-Range</c> (inclusive), or -1.</summary>
        public long RangeLast { get; }

        /// <summary>The whole representation's length from <c>Content-Range</c>, or -1 when absent or <c>*</c>.</summary>
        public long RangeTotal { get; }

        /// <summary>True when a <c>Transfer-Encoding</c> header is present (the body is then not <c>Content-Length</c> bytes).</summary>
        public bool HasTransferEncoding { get; }

        /// <summary>True when the server closes the connection after this answer (<c>Connection: close</c>, or HTTP/1.0).</summary>
        public bool Closes { get; }

        /// <summary>The number of body bytes the range names (<see cref="RangeLast"/> - <see cref="RangeFirst"/> + 1), or -1.</summary>
        public long RangeLength
        {
            get { return RangeFirst >= 0 ? RangeLast - RangeFirst + 1 : -1; }
        }

        /// <summary>Finds the end of a head: the index just past the first CR LF CR LF, or -1.</summary>
        /// <param name="data">The bytes received.</param>
        /// <param name="count">How many of them.</param>
        /// <returns>The head's length, or -1 when it is not complete.</returns>
        public static int FindEnd(byte[] data, int count)
        {
            if (data == null)
            {
                return -1;
            }

            int n = count < data.Length ? count : data.Length;
            for (int i = 3; i < n; i++)
            {
                if (data[i] == '\n' && data[i - 1] == '\r' && data[i - 2] == '\n' && data[i - 3] == '\r')
                {
                    return i + 1;
                }
            }

            return -1;
        }

        /// <summary>Reads a head (the status line, the header lines and the empty line that ends it).</summary>
        /// <param name="data">The bytes.</param>
        /// <param name="length">The head's length, CR LF CR LF included (<see cref="FindEnd"/>).</param>
        /// <param name="head">The head, or null.</param>
        /// <param name="problem">What is wrong, or empty.</param>
        /// <returns>False when the head is malformed.</returns>
        public static bool TryParse(byte[] data, int length, out HttpRangeHead? head, out string problem)
        {
            head = null;
            if (data == null || length < 4 || length > data.Length || length > MaxLength)
            {
                problem = "no head, or longer than " + MaxLength.ToString() + " bytes";
                return false;
            }

            if (data[length - 1] != '\n' || data[length - 2] != '\r' || data[length - 3] != '\n' || data[length - 4] != '\r')
            {
                problem = "the head does not end with an empty line";
                return false;
            }

            int end = LineEnd(data, 0, length);
            int status;
            bool http10;
            if (end < 0 || !TryStatusLine(data, end, out status, out http10))
            {
                problem = "no HTTP/1.x status line";
                return false;
            }

            long contentLength = -1;
            long first = -1;
            long last = -1;
            long total = -1;
            bool encoded = false;
            bool closes = http10;
            bool sawRange = false;
            int start = end + 2;
            while (start < length - 2)
            {
                end = LineEnd(data, start, length);
                if (end < 0)
                {
                    problem = "a header line without CR LF at " + start.ToString();
                    return false;
                }

                int colon = -1;
                for (int i = start; i < end; i++)
                {
                    if (data[i] == ':')
                    {
                        colon = i;
                        break;
                    }

                    if (!IsTokenChar(data[i]))
                    {
                        // A space before the colon, or obsolete line folding (RFC 9112 §5.1, §5.2): refused.
                        problem = "a header name that is not a token at " + start.ToString();
                        return false;
                    }
                }

                if (colon <= start)
                {
                    problem = "a header line without a name and colon at " + start.ToString();
                    return false;
                }

                int valueStart = colon + 1;
                int valueEnd = end;
                while (valueStart < valueEnd && (data[valueStart] == ' ' || data[valueStart] == '\t'))
                {
                    valueStart++;
                }

                while (valueEnd > valueStart && (data[valueEnd - 1] == ' ' || data[valueEnd - 1] == '\t'))
                {
                    valueEnd--;
                }

                for (int i = valueStart; i < valueEnd; i++)
                {
                    if (data[i] < 0x20 && data[i] != '\t' || data[i] == 0x7f)
                    {
                        problem = "a control character in a header value at " + i.ToString();
                        return false;
                    }
                }

                if (NameIs(data, start, colon, "content-length"))
                {
                    long value;
                    if (!TryNumber(data, valueStart, valueEnd, out value) || (contentLength >= 0 && contentLength != value))
                    {
                        // Two different lengths are how responses get smuggled (RFC 9112 §6.3 item 5).
                        problem = "a Content-Length that is not one number";
                        return false;
                    }

                    contentLength = value;
                }
                else if (NameIs(data, start, colon, "content-range"))
                {
                    if (sawRange || !TryContentRange(data, valueStart, valueEnd, out first, out last, out total))
                    {
                        problem = "a Content-Range that is not bytes first-last/total";
                        return false;
                    }

                    sawRange = true;
                }
                else if (NameIs(data, start, colon, "transfer-encoding"))
                {
                    encoded = true;
                }
                else if (NameIs(data, start, colon, "connection"))
                {
                    if (ValueHasToken(data, valueStart, valueEnd, "close"))
                    {
                        closes = true;
                    }
                }

                start = end + 2;
            }

            head = new HttpRangeHead(status, contentLength, first, last, total, encoded, closes);
            problem = string.Empty;
            return true;
        }

        // The index of the CR of the CR LF ending the line that starts at 'start', or -1 (a bare CR or LF is malformed).
        private static int LineEnd(byte[] data, int start, int length)
        {
            for (int i = start; i < length; i++)
            {
                if (data[i] == '\r')
                {
                    return i + 1 < length && data[i + 1] == '\n' ? i : -1;
                }

                if (data[i] == '\n')
                {
                    return -1;
                }
            }

            return -1;
        }

        // "HTTP/1.1 206 Partial Content": version, one space, three digits, then a space and a reason, or nothing (RFC 9112 §4).
        private static bool TryStatusLine(byte[] data, int end, out int status, out bool http10)
        {
            status = 0;
            http10 = false;
            if (end < 12 || data[0] != 'H' || data[1] != 'T' || data[2] != 'T' || data[3] != 'P' || data[4] != '/' || data[5] != '1'
                || data[6] != '.' || (data[7] != '0' && data[7] != '1') || data[8] != ' ')
            {
                return false;
            }

            for (int i = 9; i < 12; i++)
            {
                if (data[i] < '0' || data[i] > '9')
                {
                    return false;
                }

                status = (status * 10) + (data[i] - '0');
            }

            if (status < 100 || (end > 12 && data[12] != ' '))
            {
                return false;
            }

            http10 = data[7] == '0';
            return true;
        }

        // "bytes 0-4095/102400" or "bytes 0-4095/*"; "bytes */102400" (an unsatisfied range) gives first = last = -1.
        private static bool TryContentRange(byte[] data, int start, int end, out long first, out long last, out long total)
        {
            first = -1;
            last = -1;
            total = -1;
            if (end - start < 8 || !NameIs(data, start, start + 5, "bytes") || data[start + 5] != ' ')
            {
                return false;
            }

            int i = start + 6;
            int slash = -1;
            for (int j = i; j < end; j++)
            {
                if (data[j] == '/')
                {
                    slash = j;
                    break;
                }
            }

            if (slash < 0 || slash == end - 1)
            {
                return false;
            }

            if (!(slash == end - 2 && data[end - 1] == '*') && !TryNumber(data, slash + 1, end, out total))
            {
                return false;
            }

            if (slash == i + 1 && data[i] == '*')
            {
                return total >= 0;
            }

            int dash = -1;
            for (int j = i; j < slash; j++)
            {
                if (data[j] == '-')
                {
                    dash = j;
                    break;
                }
            }

            if (dash < 0 || !TryNumber(data, i, dash, out first) || !TryNumber(data, dash + 1, slash, out last) || last < first
                || (total >= 0 && last >= total))
            {
                first = -1;
                last = -1;
                total = -1;
                return false;
            }

            return true;
        }

        // 1 to 15 decimal digits, nothing else (no sign, no space): a length below 10^15 cannot overflow a long.
        private static bool TryNumber(byte[] data, int start, int end, out long value)
        {
            value = 0;
            if (end <= start || end - start > 15)
            {
                return false;
            }

            for (int i = start; i < end; i++)
            {
                byte c = data[i];
                if (c < '0' || c > '9')
                {
                    value = 0;
                    return false;
                }

                value = (value * 10) + (c - '0');
            }

            return true;
        }

        private static bool NameIs(byte[] data, int start, int end, string lower)
        {
            if (end - start != lower.Length)
            {
                return false;
            }

            for (int i = 0; i < lower.Length; i++)
            {
                int c = data[start + i];
                if (c >= 'A' && c <= 'Z')
                {
                    c += 'a' - 'A';
                }

                if (c != lower[i])
                {
                    return false;
                }
            }

            return true;
        }

        // A comma-separated list holding the token, in any case ("keep-alive, close").
        private static bool ValueHasToken(byte[] data, int start, int end, string lower)
        {
            int i = start;
            while (i < end)
            {
                int j = i;
                while (j < end && data[j] != ',')
                {
                    j++;
                }

                int a = i;
                int b = j;
                while (a < b && (data[a] == ' ' || data[a] == '\t'))
                {
                    a++;
                }

                while (b > a && (data[b - 1] == ' ' || data[b - 1] == '\t'))
                {
                    b--;
                }

                if (NameIs(data, a, b, lower))
                {
                    return true;
                }

                i = j + 1;
            }

            return false;
        }

        // tchar (RFC 9110 §5.6.2).
        private static bool IsTokenChar(byte c)
        {
            if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
            {
                return true;
            }

            switch (c)
            {
                case (byte)'!':
                case (byte)'#':
                case (byte)'$':
                case (byte)'%':
                case (byte)'&':
                case (byte)'\'':
                case (byte)'*':
                case (byte)'+':
                case (byte)'-':
                case (byte)'.':
                case (byte)'^':
                case (byte)'_':
                case (byte)'`':
                case (byte)'|':
                case (byte)'~':
                    return true;
                default:
                    return false;
            }
        }
    }
}
