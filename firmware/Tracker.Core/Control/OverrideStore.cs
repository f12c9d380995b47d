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
        private readonly CheckedFileStore _trials;

        /// <summary>Uses <paramref name="directory"/> on <paramref name="fs"/>.</summary>
        /// <param name="fs">The flash file system.</param>
        /// <param name="directory">The directory of the generations.</param>
        public OverrideStore(IFlashFileSystem fs, string directory)
        {
            _files = new CheckedFileStore(fs, directory, "cfg.");
            _trials = new CheckedFileStore(fs, directory, "trial.");
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
            return Commit(overrides, version, 0, out generation, out problem);
        }

        /// <summary>
        /// Writes <paramref name="overrides"/> as the next generation, sparing generation
        /// <paramref name="keep"/> (the last proven one, while restart keys wait for or run their trial
        /// boot) from the cleanup. Never throws.
        /// </summary>
        /// <param name="overrides">The overrides.</param>
        /// <param name="version">The shadow version they apply.</param>
        /// <param name="keep">A generation to keep (0 for none).</param>
        /// <param name="generation">The new generation, or 0.</param>
        /// <param name="problem">What failed, or empty.</param>
        /// <returns>True when the new generation is committed.</returns>
        public bool Commit(ConfigOverrides overrides, int version, int keep, out int generation, out string problem)
        {
            return _files.Commit(VersionHeader + version.ToString() + "\n" + overrides.ToLines(), keep, out generation, out problem);
        }

        /// <summary>The trial state (<c>trial.NNNNNNNN</c> beside the generations); false when there is none whole. Never throws.</summary>
        /// <param name="trial">The state, or null.</param>
        /// <returns>True when one was read.</returns>
        public bool TryLoadTrial(out ConfigTrial? trial)
        {
            trial = null;
            string text;
            int generation;
            return _trials.TryReadNewest(out text, out generation) && ConfigTrial.TryParse(text, out trial);
        }

        /// <summary>Commits the trial state whole. Never throws.</summary>
        /// <param name="trial">The state.</param>
        /// <returns>True when it is on flash.</returns>
        public bool SaveTrial(ConfigTrial trial)
        {
            int generation;
            string problem;
            return _trials.Commit(trial.ToText(), out generation, out problem);
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
