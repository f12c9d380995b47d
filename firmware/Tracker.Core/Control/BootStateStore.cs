using Tracker.Core.Storage;

namespace Tracker.Core.Control
{
    /// <summary>The boot state on flash (<c>I:\boot\boot.NNNNNNNN</c>), whole or not at all (<see cref="CheckedFileStore"/>).</summary>
    public sealed class BootStateStore
    {
        /// <summary>Where the device keeps it.</summary>
        public const string DeviceDirectory = "I:\\boot";

        private readonly CheckedFileStore _files;

        /// <summary>Uses <paramref name="directory"/> on <paramref name="fs"/>.</summary>
        /// <param name="fs">The flash file system.</param>
        /// <param name="directory">The directory.</param>
        public BootStateStore(IFlashFileSystem fs, string directory)
        {
            _files = new CheckedFileStore(fs, directory, "boot.");
        }

        /// <summary>The newest whole state; <see cref="BootState.Empty"/> when there is none. Never throws.</summary>
        /// <returns>The state.</returns>
        public BootState Load()
        {
            string text;
            int generation;
            BootState? state;
            return _files.TryReadNewest(out text, out generation) && BootState.TryParse(text, out state) ? state! : BootState.Empty;
        }

        /// <summary>Commits <paramref name="state"/>. Never throws.</summary>
        /// <param name="state">The state.</param>
        /// <returns>True when it is on flash.</returns>
        public bool Save(BootState state)
        {
            int generation;
            string problem;
            return _files.Commit(state.ToText(), out generation, out problem);
        }
    }
}
