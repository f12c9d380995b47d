using Tracker.Core.Common;
using Tracker.Core.Storage;

namespace Tracker.Core.Control
{
    /// <summary>
    /// The overrides on flash, one whole file per generation (README.md §1, "Applying atomically"):
    /// <c>cfg.00000007</c> holds a header with the shadow version, the overrides as tracker.conf
    /// lines, and a last line with the CRC-32 of every byte before it. A commit writes
    /// <c>cfg.tmp</c>, reads it back, and renames it to the next generation; a power cut at any step
    /// leaves the previous generation the newest whole one, or the new one. Only the guarantees of
    /// <see cref="IFlashFileSystem"/> are relied on (rename atomic, never replacing; appends may tear).
    /// </summary>
    public sealed class OverrideStore
    {
        /// <summary>Where the device keeps the generations (LittleFS, next to I:\tracker.conf).</summary>
        public const string DeviceDirectory = "I:\\cfg";

        /// <summary>Largest generation file read (far above what 1,024-byte deltas can build).</summary>
        public const int MaxFileBytes = 16384;

        private const string Prefix = "cfg.";
        private const string TempName = "cfg.tmp";
        private const string VersionHeader = "# shadow version ";
        private const string CrcHeader = "# crc32 ";

        private readonly IFlashFileSystem _fs;
        private readonly string _directory;

        /// <summary>Uses <paramref name="directory"/> on <paramref name="fs"/>.</summary>
        /// <param name="fs">The flash file system.</param>
        /// <param name="directory">The directory of the generations.</param>
        public OverrideStore(IFlashFileSystem fs, string directory)
        {
            if (fs == null || directory == null)
            {
                throw new System.ArgumentNullException(fs == null ? nameof(fs) : nameof(directory));
            }

            _fs = fs;
            _directory = directory;
        }

        /// <summary>The generations on flash, newest first (by name; whether each is whole is <see cref="TryRead"/>'s business).</summary>
        /// <returns>The generation numbers, in descending order; empty when there are none.</returns>
        /// <exception cref="System.Exception">A storage failure (the caller treats it as "none").</exception>
        public int[] Generations()
        {
            _fs.CreateDirectory(_directory);
            string[] names = _fs.ListFiles(_directory);
            int[] found = new int[names.Length];
            int n = 0;
            for (int i = 0; i < names.Length; i++)
            {
                int generation = ParseName(names[i]);
                if (generation > 0)
                {
                    found[n++] = generation;
                }
            }

            // Insertion sort, descending: a handful of files.
            for (int i = 1; i < n; i++)
            {
                int g = found[i];
                int j = i - 1;
                while (j >= 0 && found[j] < g)
                {
                    found[j + 1] = found[j];
                    j--;
                }

                found[j + 1] = g;
            }

            int[] sorted = new int[n];
            System.Array.Copy(found, sorted, n);
            return sorted;
        }

        /// <summary>Reads one generation; false when it is missing, torn, garbled or not UTF-8 key = value lines. Never throws.</summary>
        /// <param name="generation">The generation.</param>
        /// <param name="overrides">Its overrides, or null.</param>
        /// <param name="version">The shadow version it applied, or 0.</param>
        /// <returns>True when the generation is whole.</returns>
        public bool TryRead(int generation, out ConfigOverrides? overrides, out int version)
        {
            overrides = null;
            version = 0;
            try
            {
                return TryParse(ReadAll(_fs.Combine(_directory, NameOf(generation))), out overrides, out version);
            }
            catch (System.Exception)
            {
                return false;
            }
        }

        /// <summary>
        /// Writes <paramref name="overrides"/> as the next generation, then deletes all but it and the
        /// one before it. Never throws: a storage failure (or a power cut, on the host's fault-injecting
        /// file system) is a false result, and the previous generation stays the newest whole one.
        /// </summary>
        /// <param name="overrides">The overrides.</param>
        /// <param name="version">The shadow version they apply.</param>
        /// <param name="generation">The new generation, or 0.</param>
        /// <param name="problem">What failed, or empty.</param>
        /// <returns>True when the new generation is committed.</returns>
        public bool Commit(ConfigOverrides overrides, int version, out int generation, out string problem)
        {
            generation = 0;
            problem = string.Empty;
            byte[] bytes = Encode(overrides, version);
            try
            {
                int[] existing = Generations();
                int next = existing.Length > 0 ? existing[0] + 1 : 1;
                string temp = _fs.Combine(_directory, TempName);
                _fs.Delete(temp);
                _fs.Append(temp, bytes, 0, bytes.Length);
                byte[] back = ReadAll(temp);
                if (back.Length != bytes.Length || !Same(back, bytes))
                {
                    _fs.Delete(temp);
                    problem = "the written file did not read back the same";
                    return false;
                }

                _fs.Rename(temp, _fs.Combine(_directory, NameOf(next)));
                generation = next;
                for (int i = 1; i < existing.Length; i++)
                {
                    _fs.Delete(_fs.Combine(_directory, NameOf(existing[i])));
                }

                return true;
            }
            catch (System.Exception e)
            {
                problem = "storage: " + e.Message;
                return generation > 0;
            }
        }

        /// <summary>The file's bytes for a set of overrides (public for the format's tests).</summary>
        /// <param name="overrides">The overrides.</param>
        /// <param name="version">The shadow version.</param>
        /// <returns>The UTF-8 bytes, the CRC line last.</returns>
        public static byte[] Encode(ConfigOverrides overrides, int version)
        {
            byte[] body = Utf8.GetBytes(VersionHeader + version.ToString() + "\n" + overrides.ToLines());
            byte[] tail = Utf8.GetBytes(CrcHeader + Hex8(Crc32.Compute(body, 0, body.Length)) + "\n");
            byte[] all = new byte[body.Length + tail.Length];
            System.Array.Copy(body, all, body.Length);
            System.Array.Copy(tail, 0, all, body.Length, tail.Length);
            return all;
        }

        /// <summary>Reads a file <see cref="Encode"/> wrote; false for anything else. Never throws.</summary>
        /// <param name="bytes">The file's bytes.</param>
        /// <param name="overrides">The overrides, or null.</param>
        /// <param name="version">The shadow version, or 0.</param>
        /// <returns>True when the file is whole.</returns>
        public static bool TryParse(byte[] bytes, out ConfigOverrides? overrides, out int version)
        {
            overrides = null;
            version = 0;
            int tailLength = CrcHeader.Length + 9;
            if (bytes.Length < tailLength + VersionHeader.Length + 2 || bytes[bytes.Length - 1] != '\n')
            {
                return false;
            }

            int bodyLength = bytes.Length - tailLength;
            string tail;
            if (!Utf8.TryDecode(bytes, bodyLength, tailLength, out tail) || !tail.StartsWith(CrcHeader)
                || tail.Substring(CrcHeader.Length, 8) != Hex8(Crc32.Compute(bytes, 0, bodyLength)))
            {
                return false;
            }

            string body;
            if (!Utf8.TryDecode(bytes, 0, bodyLength, out body) || !body.StartsWith(VersionHeader))
            {
                return false;
            }

            int eol = body.IndexOf('\n');
            if (eol < 0 || !ConfigLineReader.TryParseInt(body.Substring(VersionHeader.Length, eol - VersionHeader.Length), out version) || version < 0)
            {
                version = 0;
                return false;
            }

            return ConfigOverrides.TryParseLines(body.Substring(eol + 1), out overrides);
        }

        private byte[] ReadAll(string path)
        {
            int length = _fs.Length(path);
            if (length < 0 || length > MaxFileBytes)
            {
                return new byte[0];
            }

            byte[] bytes = new byte[length];
            int read = 0;
            while (read < length)
            {
                int n = _fs.ReadAt(path, read, bytes, read, length - read);
                if (n <= 0)
                {
                    return new byte[0];
                }

                read += n;
            }

            return bytes;
        }

        private static bool Same(byte[] a, byte[] b)
        {
            for (int i = 0; i < a.Length; i++)
            {
                if (a[i] != b[i])
                {
                    return false;
                }
            }

            return true;
        }

        private static string NameOf(int generation)
        {
            string digits = generation.ToString();
            while (digits.Length < 8)
            {
                digits = "0" + digits;
            }

            return Prefix + digits;
        }

        // cfg.NNNNNNNN -> N (1 or more), anything else -> 0.
        private static int ParseName(string name)
        {
            if (name.Length != Prefix.Length + 8 || !name.StartsWith(Prefix))
            {
                return 0;
            }

            int generation;
            string digits = name.Substring(Prefix.Length);
            for (int i = 0; i < digits.Length; i++)
            {
                if (digits[i] < '0' || digits[i] > '9')
                {
                    return 0;
                }
            }

            return ConfigLineReader.TryParseInt(digits, out generation) && generation > 0 ? generation : 0;
        }

        private static string Hex8(uint value)
        {
            char[] chars = new char[8];
            for (int i = 7; i >= 0; i--)
            {
                int d = (int)(value & 0xF);
                chars[i] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
                value >>= 4;
            }

            return new string(chars);
        }
    }
}
