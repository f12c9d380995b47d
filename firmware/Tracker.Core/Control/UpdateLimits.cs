namespace Tracker.Core.Control
{
    /// <summary>
    /// What an update image and its job may be, shared with the cloud through the contract (Tracker.Contract): the job
    /// document's operation, the version's form and the largest image. <c>UpdateJob</c> reads a job by these
    /// rules, and the API function checks an upload by them before any car sees it.
    /// </summary>
    public static class UpdateLimits
    {
        /// <summary>The job document's <c>op</c> for an application update.</summary>
        public const string Operation = "app-update";

        /// <summary>The longest version.</summary>
        public const int MaxVersionLength = 32;

        /// <summary>The largest image accepted (the staging directory's budget on the 16 MB board's I: partition).</summary>
        public const int MaxImageBytes = 1024 * 1024;

        /// <summary>The version rule in words, for the refusals that name it.</summary>
        public const string VersionRule = "1 to 32 of a-z A-Z 0-9 . - +, not starting with '.'";

        /// <summary>
        /// Whether <paramref name="text"/> is a version: 1 to <see cref="MaxVersionLength"/> of ASCII a-z A-Z 0-9 '.', '-'
        /// and '+', not starting with '.' (<see cref="VersionRule"/>). The one rule: the car's job reader, the image
        /// manifest, the upload check of both hosts and the code-signing tool all use it. A version names files (the
        /// car's <c>&lt;version&gt;.img</c>, the host's <c>&lt;version&gt;.bin</c> and S3's <c>images/&lt;version&gt;.bin</c>),
        /// and a leading '.' makes those hidden files, so it is refused; "1.", "1..2" and "01.2" are plain names and
        /// are taken (versions are compared only for equality, under the fleet key's signature).
        /// </summary>
        /// <param name="text">The text.</param>
        /// <returns>True when it is one.</returns>
        public static bool IsValidVersion(string text)
        {
            if (text == null || text.Length == 0 || text.Length > MaxVersionLength || text[0] == '.')
            {
                return false;
            }

            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' || c == '-' || c == '+'))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
