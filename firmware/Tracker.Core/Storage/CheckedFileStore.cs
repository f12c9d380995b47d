using Tracker.Core.Common;

namespace Tracker.Core.Storage
{
    /// <summary>
    /// A small text file kept as numbered generations, each whole or ignored: <c>{prefix}00000007</c>
    /// holds the text and a last line with the CRC-32 of every byte before it. A commit writes
    /// <c>{prefix}tmp</c>, reads it back, and renames it to the next generation, then deletes all but
    /// it and the one before; a power cut at any step leaves the previous generation the newest whole
    /// one, or the new one. Only the guarantees of <see cref="IFlashFileSystem"/> are relied on (rename
    /// atomic and never replacing; appends may tear). Used for the config overrides and the boot state
    /// (Control/README.md).
    /// </summary>
    public sealed class CheckedFileStore
    {
        /// <summary>Largest generation file read.</summary>
        public const int MaxFileBytes = 16384;

        private const string CrcHeader = "# crc32 ";

        private readonly IFlashFileSystem _fs;
        private readonly string _directory;
        private readonly string _prefix;

        /// <summary>Keeps the generations named <paramref name="prefix"/>NNNNNNNN in <paramref name="directory"/>.</summary>
        /// <param name="fs">The flash file system.</param>
        /// <param name="directory">The directory.</param>
        /// <param name="prefix">The files' prefix (for example <c>cfg.</c>).</param>
        public CheckedFileStore(IFlashFileSystem fs, string directory, string prefix)
        {
            if (fs == null || directory == null || prefix == null)
            {
                throw new System.ArgumentNullException(fs == null ? nameof(fs) : directory == null ? nameof(directory) : nameof(prefix));
            }

            _fs = fs;
            _directory = directory;
            _prefix = prefix;
        }

        /// <summary>The generations on flash, newest first (by name; whether each is whole is <see cref="TryRead"/>'s business).</summary>
        /// <returns>The generation numbers, in descending order; empty when there are none.</returns>
        /// <exception cref="System.Exception">A storage failure.</exception>
        public int[] Generations()
        {
            int[] numbers = NumberedFiles.List(_fs, _directory, _prefix, true);
            int n = 0;
            while (n < numbers.Length && numbers[n] > 0)
            {
                n++;
            }

            int[] generations = new int[n];
            System.Array.Copy(numbers, generations, n);
            return generations;
        }

        /// <summary>Reads one generation's text; false when it is missing, torn, garbled or not UTF-8. Never throws.</summary>
        /// <param name="generation">The generation.</param>
        /// <param name="text">Its text (without the CRC line), or empty.</param>
        /// <returns>True when the generation is whole.</returns>
        public bool TryRead(int generation, out string text)
        {
            text = string.Empty;
            try
            {
                return TryParse(ReadAll(_fs.Combine(_directory, NameOf(generation))), out text);
            }
            catch (System.Exception)
            {
                return false;
            }
        }

        /// <summary>
        /// Reads the newest whole generation. Never throws (a storage failure is "none").
        /// </summary>
        /// <param name="text">Its text, or empty.</param>
        /// <param name="generation">Its number, or 0.</param>
        /// <returns>True when one was found.</returns>
        public bool TryReadNewest(out string text, out int generation)
        {
            text = string.Empty;
            generation = 0;
            int[] generations;
            try
            {
                generations = Generations();
            }
            catch (System.Exception)
            {
                return false;
            }

            for (int i = 0; i < generations.Length; i++)
            {
                if (TryRead(generations[i], out text))
                {
                    generation = generations[i];
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// Writes <paramref name="text"/> as the next generation, then deletes all but it and the one
        /// before it. Never throws: a storage failure (or a power cut, on the host's fault-injecting
        /// file system) is a false result, and the previous generation stays the newest whole one.
        /// </summary>
        /// <param name="text">The text (UTF-8 on flash).</param>
        /// <param name="generation">The new generation, or 0.</param>
        /// <param name="problem">What failed, or empty.</param>
        /// <returns>True when the new generation is committed.</returns>
        public bool Commit(string text, out int generation, out string problem)
        {
            return Commit(text, 0, out generation, out problem);
        }

        /// <summary>
        /// <see cref="Commit(string, out int, out string)"/>, but the cleanup also spares generation
        /// <paramref name="keep"/> (the config overrides' last proven generation while a new one is on
        /// trial: Control/README.md §1, "Restart-needing settings").
        /// </summary>
        /// <param name="text">The text (UTF-8 on flash).</param>
        /// <param name="keep">A generation not to delete (0 for none).</param>
        /// <param name="generation">The new generation, or 0.</param>
        /// <param name="problem">What failed, or empty.</param>
        /// <returns>True when the new generation is committed.</returns>
        public bool Commit(string text, int keep, out int generation, out string problem)
        {
            generation = 0;
            problem = string.Empty;
            byte[] bytes = Encode(text);
            try
            {
                int[] existing = Generations();
                int next = existing.Length > 0 ? existing[0] + 1 : 1;
                string temp = _fs.Combine(_directory, _prefix + "tmp");
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
                    if (existing[i] == keep)
                    {
                        continue;
                    }

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

        /// <summary>The file's bytes for a text: the text, then the CRC line.</summary>
        /// <param name="text">The text.</param>
        /// <returns>The UTF-8 bytes, the CRC line last.</returns>
        public static byte[] Encode(string text)
        {
            byte[] body = Utf8.GetBytes(text);
            byte[] tail = Utf8.GetBytes(CrcHeader + Hex8(Crc32.Compute(body, 0, body.Length)) + "\n");
            byte[] all = new byte[body.Length + tail.Length];
            System.Array.Copy(body, all, body.Length);
            System.Array.Copy(tail, 0, all, body.Length, tail.Length);
            return all;
        }

        /// <summary>Reads a file <see cref="Encode"/> wrote; false for anything else. Never throws.</summary>
        /// <param name="bytes">The file's bytes.</param>
        /// <param name="text">The text, or empty.</param>
        /// <returns>True when the file is whole.</returns>
        public static bool TryParse(byte[] bytes, out string text)
        {
            text = string.Empty;
            int tailLength = CrcHeader.Length + 9;
            if (bytes == null || bytes.Length < tailLength || bytes[bytes.Length - 1] != '\n')
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

            return Utf8.TryDecode(bytes, 0, bodyLength, out text);
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

        private string NameOf(int generation)
        {
            return NumberedFiles.Name(_prefix, generation);
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
