using Tracker.Core.Common;

namespace Tracker.Core.Control
{
    /// <summary>
    /// The car's reported state, published to <see cref="ShadowTopics.Update"/> on connect and after
    /// every delta (README.md §1): <c>{"state":{"reported":{"cfg":{...},"cfgVer":17,"cfgPending":[...],"cfgErr":...}}}</c>,
    /// within <see cref="ShadowLimits.MaxMessageBytes"/>: when too long, the refusal's message is
    /// shortened, then left out.
    /// </summary>
    public static class ShadowReport
    {
        /// <summary>The reported document's UTF-8 bytes.</summary>
        /// <param name="remote">The remote-config stage.</param>
        /// <returns>The payload (at most <see cref="ShadowLimits.MaxMessageBytes"/> bytes).</returns>
        public static byte[] Build(RemoteConfig remote)
        {
            if (remote == null)
            {
                throw new System.ArgumentNullException(nameof(remote));
            }

            string message = remote.ErrorMessage;
            if (message.Length > ShadowLimits.MaxReportedMessageChars)
            {
                message = message.Substring(0, ShadowLimits.MaxReportedMessageChars - 3) + "...";
            }

            byte[] bytes = Utf8.GetBytes(Document(remote, message, true));
            if (bytes.Length > ShadowLimits.MaxMessageBytes)
            {
                bytes = Utf8.GetBytes(Document(remote, string.Empty, true));
            }

            if (bytes.Length > ShadowLimits.MaxMessageBytes)
            {
                bytes = Utf8.GetBytes(Document(remote, string.Empty, false));
            }

            return bytes;
        }

        private static string Document(RemoteConfig remote, string message, bool withError)
        {
            string[] pending = remote.ReportedPendingKeys();
            string list = "[";
            for (int i = 0; i < pending.Length; i++)
            {
                list = list + (i > 0 ? "," : string.Empty) + JsonText.Quote(pending[i]);
            }

            list = list + "]";
            string error = "null";
            if (withError && remote.ErrorCode.Length > 0)
            {
                error = "{\"ver\":" + remote.ErrorVersion.ToString()
                    + ",\"code\":" + JsonText.Quote(remote.ErrorCode)
                    + ",\"key\":" + JsonText.Quote(ConfigLineReader.Shorten(remote.ErrorKey))
                    + ",\"msg\":" + JsonText.Quote(message) + "}";
            }

            return "{\"state\":{\"reported\":{\"cfg\":" + remote.Reported.ToJson()
                + ",\"cfgVer\":" + remote.AppliedVersion.ToString()
                + ",\"cfgPending\":" + list
                + ",\"cfgErr\":" + error + "}}}";
        }
    }
}
