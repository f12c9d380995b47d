namespace Tracker.Core.Common
{
    /// <summary>
    /// The one rule for an update image's URL (Control/README.md §2, "Jobs and the download"), shared by the job
    /// reader (<c>Control/UpdateJob</c>, which refuses a job naming any other) and the transports that split it
    /// (<c>Modem/Sim7080HttpsRange</c>: the host goes in <c>AT+SHCONF="URL"</c>, the path in <c>AT+SHREQ</c>, both
    /// inside AT quotes). <c>https://host[:port]/path[?query]</c>: a host of letters, digits, '.' and '-', an
    /// optional port of 1 to 65535, a path starting with '/', and nothing a quoted AT parameter or an HTTP request
    /// line cannot carry (no quote, backslash, space or control character, no user info).
    /// </summary>
    public static class ImageUrl
    {
        /// <summary>The longest URL accepted (a pre-signed S3 URL with a session token is 500 to 1,200 characters).</summary>
        public const int MaxLength = 2048;

        /// <summary>What a transport says when a URL breaks the rule (its ArgumentException's message).</summary>
        public const string RuleText = "the image URL must be https://host[:port]/path, without quotes, spaces or user info (ImageUrl)";

        /// <summary>The longest host (a DNS name, RFC 1035 §2.3.4).</summary>
        public const int MaxHostLength = 253;

        private const string Scheme = "https://";

        /// <summary>Splits <paramref name="url"/>. Never throws.</summary>
        /// <param name="url">The URL.</param>
        /// <param name="origin"><c>https://host[:port]</c>, or empty.</param>
        /// <param name="host">The host, or empty.</param>
        /// <param name="path">The path and query (starting with '/'), or empty.</param>
        /// <returns>False when the URL breaks the rule above.</returns>
        public static bool TrySplit(string url, out string origin, out string host, out string path)
        {
            origin = string.Empty;
            host = string.Empty;
            path = string.Empty;
            if (url == null || url.Length > MaxLength || !url.StartsWith(Scheme))
            {
                return false;
            }

            for (int i = 0; i < url.Length; i++)
            {
                char c = url[i];
                if (c <= ' ' || c > '~' || c == '"' || c == '\\')
                {
                    return false;
                }
            }

            int slash = url.IndexOf('/', Scheme.Length);
            if (slash <= Scheme.Length)
            {
                return false;
            }

            string authority = url.Substring(Scheme.Length, slash - Scheme.Length);
            int colon = authority.IndexOf(':');
            string name = colon < 0 ? authority : authority.Substring(0, colon);
            if (!IsHost(name) || (colon >= 0 && !IsPort(authority.Substring(colon + 1))))
            {
                return false;
            }

            origin = url.Substring(0, slash);
            host = name;
            path = url.Substring(slash);
            return true;
        }

        /// <summary>Splits the URL a transport is built for (<see cref="TrySplit"/>), which must follow the rule.</summary>
        /// <param name="url">The URL.</param>
        /// <param name="origin"><c>https://host[:port]</c>.</param>
        /// <param name="host">The host.</param>
        /// <param name="path">The path and query (starting with '/').</param>
        /// <exception cref="System.ArgumentException">The URL breaks the rule (<see cref="RuleText"/>).</exception>
        public static void Split(string url, out string origin, out string host, out string path)
        {
            if (!TrySplit(url, out origin, out host, out path))
            {
                throw new System.ArgumentException(RuleText, "url");
            }
        }

        /// <summary>Whether <paramref name="url"/> follows the rule. Never throws.</summary>
        /// <param name="url">The URL.</param>
        /// <returns>True when it does.</returns>
        public static bool IsValid(string url)
        {
            string origin;
            string host;
            string path;
            return TrySplit(url, out origin, out host, out path);
        }

        private static bool IsHost(string name)
        {
            if (name.Length == 0 || name.Length > MaxHostLength || name[0] == '.' || name[0] == '-' || name[name.Length - 1] == '.')
            {
                return false;
            }

            for (int i = 0; i < name.Length; i++)
            {
                char c = name[i];
                if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' || c == '-'))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool IsPort(string text)
        {
            if (text.Length == 0 || text.Length > 5)
            {
                return false;
            }

            int port = 0;
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (c < '0' || c > '9')
                {
                    return false;
                }

                port = (port * 10) + (c - '0');
            }

            return port >= 1 && port <= 65535;
        }
    }
}
