using Tracker.Core.Common;

namespace Tracker.Core.Control
{
    /// <summary>
    /// An application update as an IoT Jobs execution names it (Control/README.md §2, "Jobs and the
    /// download"): the message of <c>$aws/things/{car}/jobs/notify-next</c> or of a job's <c>get/accepted</c>,
    /// <c>{"execution":{"jobId":"...","versionNumber":1,"jobDocument":{"op":"app-update","version":"1.4.0",
    /// "size":104857,"sha256":"&lt;64 hex&gt;","sig":"&lt;base64&gt;","url":"https://..."}}}</c>. The URL is
    /// optional (a pre-signed S3 URL may not fit the modem's 1,024 bytes with the rest; it then comes
    /// from the job's own get). Nothing here is trusted: the image is checked against the fleet key
    /// (<see cref="UpdateVerifier"/>). Never throws on bad bytes.
    /// </summary>
    public sealed class UpdateJob
    {
        /// <summary>The one operation this firmware runs.</summary>
        public const string Operation = UpdateLimits.Operation;

        /// <summary>The longest version.</summary>
        public const int MaxVersionLength = UpdateLimits.MaxVersionLength;

        /// <summary>The largest image accepted (the staging directory's budget on the 16 MB board's I: partition).</summary>
        public const int MaxImageBytes = UpdateLimits.MaxImageBytes;

        private UpdateJob(string jobId, int executionVersion, string status, string version, int size, byte[] sha256, byte[] signature, string url)
        {
            JobId = jobId;
            Status = status;
            ExecutionVersion = executionVersion;
            Version = version;
            Size = size;
            Sha256 = sha256;
            Signature = signature;
            Url = url;
        }

        /// <summary>
        /// A stand-in for an execution whose document could not be read (the seven-argument <c>TryParse</c>
        /// named it): its id and versionNumber, so its refusal can be reported; no image.
        /// </summary>
        /// <param name="jobId">The job's id.</param>
        /// <param name="executionVersion">The execution's versionNumber.</param>
        /// <returns>The stand-in.</returns>
        public static UpdateJob Unreadable(string jobId, int executionVersion)
        {
            return new UpdateJob(jobId, executionVersion, string.Empty, string.Empty, 0, new byte[0], new byte[0], string.Empty);
        }

        /// <summary>The job's id (also the download's key on flash).</summary>
        public string JobId { get; }

        /// <summary>The execution's versionNumber (IoT Jobs' optimistic lock for status updates).</summary>
        public int ExecutionVersion { get; }

        /// <summary>The execution's status as IoT Jobs sent it (QUEUED, IN_PROGRESS...), or empty when the message names none.</summary>
        public string Status { get; }

        /// <summary>The image's version.</summary>
        public string Version { get; }

        /// <summary>The image's size in bytes.</summary>
        public int Size { get; }

        /// <summary>The image's SHA-256.</summary>
        public byte[] Sha256 { get; }

        /// <summary>The fleet key's signature (<see cref="UpdateVerifier"/>).</summary>
        public byte[] Signature { get; }

        /// <summary>Where to fetch the image (https), or empty when the job's get must be asked for it.</summary>
        public string Url { get; }

        /// <summary>
        /// The largest message read for its job id alone, to refuse a job whose message is over the modem's limit (Wi-Fi
        /// delivers one): IoT Jobs' 32 KB job document limit and the execution around it. A larger message cannot come
        /// from IoT Jobs, and is left unanswered.
        /// </summary>
        public const int MaxEnvelopeBytes = 36 * 1024;

        /// <summary>Reads a job execution message.</summary>
        /// <param name="payload">The message.</param>
        /// <param name="offset">Index of the first byte.</param>
        /// <param name="count">Number of bytes.</param>
        /// <param name="job">The job, or null (also null, with no problem, for a message naming no job: nothing queued).</param>
        /// <param name="problem">Why it was refused, or empty.</param>
        /// <returns>True when the message was read (with or without a job).</returns>
        public static bool TryParse(byte[] payload, int offset, int count, out UpdateJob? job, out string problem)
        {
            string refusedJobId;
            int refusedVersion;
            return TryParse(payload, offset, count, out job, out problem, out refusedJobId, out refusedVersion);
        }

        /// <summary>
        /// Reads a job execution message, and when the message is well-formed JSON naming an execution (a valid
        /// <c>jobId</c> and <c>versionNumber</c>) whose job document this firmware cannot run (another op, a bad
        /// version, size, digest, signature or URL, or a message over the modem's 1,024 bytes), names that
        /// execution so the car can end it REJECTED with <paramref name="problem"/> rather than leave it queued.
        /// A message that is not well-formed names nothing: it may be a garbled delivery of a good job.
        /// </summary>
        /// <param name="payload">The message.</param>
        /// <param name="offset">Index of the first byte.</param>
        /// <param name="count">Number of bytes.</param>
        /// <param name="job">The job, or null (also null, with no problem, for a message naming no job: nothing queued).</param>
        /// <param name="problem">Why it was refused, or empty.</param>
        /// <param name="refusedJobId">When refused: the execution whose document is at fault, or empty when none can be named.</param>
        /// <param name="refusedVersion">When <paramref name="refusedJobId"/> is set: its versionNumber.</param>
        /// <returns>True when the message was read (with or without a job).</returns>
        public static bool TryParse(byte[] payload, int offset, int count, out UpdateJob? job, out string problem, out string refusedJobId, out int refusedVersion)
        {
            bool read = Read(payload, offset, count, out job, out problem, out refusedJobId, out refusedVersion);
            if (!read && count > ShadowLimits.MaxMessageBytes)
            {
                // Over the limit, the size is the problem: the modem would not have delivered it at all.
                problem = "the message is " + count.ToString() + " bytes: at most " + ShadowLimits.MaxMessageBytes.ToString();
            }

            return read;
        }

        private static bool Read(byte[] payload, int offset, int count, out UpdateJob? job, out string problem, out string refusedJobId, out int refusedVersion)
        {
            job = null;
            problem = string.Empty;
            refusedJobId = string.Empty;
            refusedVersion = 0;
            if (payload == null)
            {
                throw new System.ArgumentNullException(nameof(payload));
            }

            if (count > MaxEnvelopeBytes)
            {
                return false;
            }

            JsonReader json = new JsonReader(payload, offset, count, ShadowLimits.MaxDepth);
            if (json.Next() != JsonToken.StartObject)
            {
                problem = json.Problem.Length > 0 ? json.Problem : "the message is not a JSON object";
                return false;
            }

            string[] fields = new string[10];
            for (int i = 0; i < fields.Length; i++)
            {
                fields[i] = string.Empty;
            }

            // 0 jobId, 1 versionNumber, 2 op, 3 version, 4 size, 5 sha256, 6 sig, 7 url, 8 "execution seen", 9 status
            if (!ReadObject(json, 0, fields, out problem))
            {
                return false;
            }

            if (json.Next() != JsonToken.End)
            {
                problem = json.Problem;
                return false;
            }

            if (fields[8].Length == 0)
            {
                return count <= ShadowLimits.MaxMessageBytes; // no execution: nothing is queued for this car
            }

            int executionVersion;
            if (fields[0].Length == 0 || fields[0].Length > 64 || !IsJobId(fields[0]))
            {
                problem = "jobId is missing, longer than 64 characters, or not letters, digits, '_' and '-'";
                return false;
            }

            if (!ConfigLineReader.TryParseInt(fields[1], out executionVersion) || executionVersion < 1)
            {
                problem = "versionNumber is not a whole number of 1 or more";
                return false;
            }

            if (count > ShadowLimits.MaxMessageBytes)
            {
                problem = "too long"; // replaced by the size, above
            }
            else if (Build(fields, executionVersion, out job, out problem))
            {
                return true;
            }

            refusedJobId = fields[0];
            refusedVersion = executionVersion;
            return false;
        }

        // Reads an object's members; level 0 is the message, 1 the execution, 2 the job document.
        private static bool ReadObject(JsonReader json, int level, string[] fields, out string problem)
        {
            problem = string.Empty;
            while (true)
            {
                JsonToken t = json.Next();
                if (t == JsonToken.EndObject)
                {
                    return true;
                }

                if (t != JsonToken.PropertyName)
                {
                    problem = json.Problem;
                    return false;
                }

                string name = json.Text;
                JsonToken value = json.Next();
                int slot = Slot(level, name);
                if (value == JsonToken.StartObject && ((level == 0 && name == "execution") || (level == 1 && name == "jobDocument")))
                {
                    if (level == 0)
                    {
                        fields[8] = "1";
                    }

                    if (!ReadObject(json, level + 1, fields, out problem))
                    {
                        return false;
                    }

                    continue;
                }

                if (slot >= 0 && (value == JsonToken.String || value == JsonToken.Number))
                {
                    fields[slot] = json.Text;
                    continue;
                }

                if (!json.SkipValue(value))
                {
                    problem = json.Problem.Length > 0 ? json.Problem : "bad value of " + ConfigLineReader.Shorten(name);
                    return false;
                }
            }
        }

        private static int Slot(int level, string name)
        {
            if (level == 1)
            {
                return name == "jobId" ? 0 : name == "versionNumber" ? 1 : name == "status" ? 9 : -1;
            }

            if (level != 2)
            {
                return -1;
            }

            switch (name)
            {
                case "op":
                    return 2;
                case "version":
                    return 3;
                case "size":
                    return 4;
                case "sha256":
                    return 5;
                case "sig":
                    return 6;
                case "url":
                    return 7;
                default:
                    return -1;
            }
        }

        private static bool Build(string[] f, int executionVersion, out UpdateJob? job, out string problem)
        {
            job = null;
            problem = string.Empty;
            int size;
            byte[] signature;
            byte[] sha = new byte[Common.Sha256.DigestBytes];
            if (f[2] != Operation)
            {
                problem = "op '" + ConfigLineReader.Shorten(f[2]) + "' is not " + Operation;
            }
            else if (!IsValidVersion(f[3]))
            {
                problem = "version is missing, longer than 32 characters, or not letters, digits, '.', '-' and '+'";
            }
            else if (!ConfigLineReader.TryParseInt(f[4], out size) || size < 1 || size > MaxImageBytes)
            {
                problem = "size is not 1.." + MaxImageBytes.ToString() + " bytes";
            }
            else if (!TryHex(f[5], sha))
            {
                problem = "sha256 is not 64 hex digits";
            }
            else if (!Base64.TryDecode(f[6], out signature) || signature.Length < RsaSignature.MinModulusBytes || signature.Length > RsaSignature.MaxModulusBytes)
            {
                problem = "sig is not the base64 of a 2,048- to 4,096-bit signature";
            }
            else if (f[7].Length > 0 && !ImageUrl.IsValid(f[7]))
            {
                problem = "url is not https://host[:port]/path of at most " + ImageUrl.MaxLength.ToString() + " characters without quotes, spaces or user info";
            }
            else
            {
                job = new UpdateJob(f[0], executionVersion, f[9].Length > 32 ? string.Empty : f[9], f[3], size, sha, signature, f[7]);
                return true;
            }

            return false;
        }

        // IoT Jobs' job ids: [a-zA-Z0-9_-]+ (they become a level of the car's topics, so nothing else).
        private static bool IsJobId(string text)
        {
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '-'))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Whether <paramref name="text"/> is a version: 1 to <see cref="MaxVersionLength"/> of a-z A-Z 0-9 '.', '-' and '+' (it names files on flash).</summary>
        /// <param name="text">The text.</param>
        /// <returns>True when it is one.</returns>
        public static bool IsValidVersion(string text)
        {
            return UpdateLimits.IsValidVersion(text);
        }

        private static bool TryHex(string text, byte[] output)
        {
            if (text.Length != 2 * output.Length)
            {
                return false;
            }

            for (int i = 0; i < output.Length; i++)
            {
                int hi = HexValue(text[2 * i]);
                int lo = HexValue(text[(2 * i) + 1]);
                if (hi < 0 || lo < 0)
                {
                    return false;
                }

                output[i] = (byte)((hi << 4) | lo);
            }

            return true;
        }

        private static int HexValue(char c)
        {
            if (c >= '0' && c <= '9')
            {
                return c - '0';
            }

            if (c >= 'a' && c <= 'f')
            {
                return c - 'a' + 10;
            }

            return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        }
    }
}
