using Tracker.Core.Common;
using Tracker.Core.Storage;

namespace Tracker.Core.Control
{
    /// <summary>
    /// The overrides on flash, one whole file per generation (README.md §1, "Applying atomically"):
    /// <c>cfg.00000007</c> holds a header with the shadow version and the overrides as tracker.conf
    /// lines, kept by <see cref="CheckedFileStore"/> (a CRC line, write, read back, rename), so a power
    /// cut at any step leaves the previous generation or the new one.
    /// </summary>
    public sealed class OverrideStore
    {
        /// <summary>Where the device keeps the generations (LittleFS, next to I:\tracker.conf).</summary>
        public const string DeviceDirectory = "I:\\cfg";

        private const string VersionHeader = "# shadow version ";

        private readonly CheckedFileStore _files;

        /// <summary>Uses <paramref name="directory"/> on <paramref name="fs"/>.</summary>
        /// <param name="fs">The flash file system.</param>
        /// <param name="directory">The directory of the generations.</param>
        public OverrideStore(IFlashFileSystem fs, string directory)
        {
            _files = new CheckedFileStore(fs, directory, "cfg.");
        }

        /// <summary>The generations on flash, newest first.</summary>
        /// <returns>The generation numbers, in descending order.</returns>
        /// <exception cref="System.Exception">A storage failure (the caller treats it as "none").</exception>
        public int[] Generations()
        {
            return _files.Generations();
        }

        /// <summary>Reads one generation; false when it is missing, torn, garbled or not key = value lines. Never throws.</summary>
        /// <param name="generation">The generation.</param>
        /// <param name="overrides">Its overrides, or null.</param>
        /// <param name="version">The shadow version it applied, or 0.</param>
        /// <returns>True when the generation is whole.</returns>
        public bool TryRead(int generation, out ConfigOverrides? overrides, out int version)
        {
            overrides = null;
            version = 0;
            string text;
            return _files.TryRead(generation, out text) && TryParse(text, out overrides, out version);
        }

        /// <summary>Writes <paramref name="overrides"/> as the next generation. Never throws.</summary>
        /// <param name="overrides">The overrides.</param>
        /// <param name="version">The shadow version they apply.</param>
        /// <param name="generation">The new generation, or 0.</param>
        /// <param name="problem">What failed, or empty.</param>
        /// <returns>True when the new generation is committed.</returns>
        public bool Commit(ConfigOverrides overrides, int version, out int generation, out string problem)
        {
            return _files.Commit(VersionHeader + version.ToString() + "\n" + overrides.ToLines(), out generation, out problem);
        }

        private static bool TryParse(string body, out ConfigOverrides? overrides, out int version)
        {
            overrides = null;
            version = 0;
            int eol = body.IndexOf('\n');
            if (!body.StartsWith(VersionHeader) || eol < 0
                || !ConfigLineReader.TryParseInt(body.Substring(VersionHeader.Length, eol - VersionHeader.Length), out version) || version < 0)
            {
                version = 0;
                return false;
            }

            return ConfigOverrides.TryParseLines(body.Substring(eol + 1), out overrides);
        }
    }
}
