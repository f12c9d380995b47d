using Tracker.Core.Storage;

namespace Tracker.Core.Control
{
    /// <summary>
    /// The loader app's boot (Control/README.md §2, "The loader"), all of it but the runtime's calls: the boot
    /// state is read, <see cref="BootSelector"/> chooses over <see cref="ImageLoader"/> (manifest, every
    /// assembly's SHA-256, the whole image's), the next state is committed before anything runs, and the plan
    /// names the checked assemblies in load order and the entry point, or the built-in application when no
    /// image can run. Never throws on a storage failure or bad bytes.
    /// </summary>
    public sealed class LoadPlan
    {
        private LoadPlan(string version, BootReason reason, VerifiedImage? image, bool stateSaved, string problem)
        {
            Version = version;
            Reason = reason;
            Image = image;
            StateSaved = stateSaved;
            Problem = problem;
        }

        /// <summary>The version to run; empty for the built-in application.</summary>
        public string Version { get; }

        /// <summary>Why that one.</summary>
        public BootReason Reason { get; }

        /// <summary>The checked image to load, or null for the built-in application.</summary>
        public VerifiedImage? Image { get; }

        /// <summary>
        /// False when the next boot state could not be committed: the same choice is made at the next boot, so a
        /// candidate's attempt was not counted (the loader still runs it; the app's watchdog bounds a hang).
        /// </summary>
        public bool StateSaved { get; }

        /// <summary>Why an image that was looked at could not run (the last one refused), or empty.</summary>
        public string Problem { get; }

        /// <summary>Decides this boot.</summary>
        /// <param name="fs">The flash file system.</param>
        /// <param name="directory">The update area (<c>I:\app</c>: <c>images</c> and <c>boot</c>, as the agent's).</param>
        /// <returns>The plan.</returns>
        public static LoadPlan Decide(IFlashFileSystem fs, string directory)
        {
            if (fs == null || directory == null)
            {
                throw new System.ArgumentNullException(fs == null ? nameof(fs) : nameof(directory));
            }

            BootStateStore store = new BootStateStore(fs, fs.Combine(directory, "boot"));
            ImageLoader images = new ImageLoader(fs, fs.Combine(directory, "images"));
            BootState next;
            BootReason reason;
            string version = BootSelector.Choose(store.Load(), images, out next, out reason);
            string problem = images.LastRefusal;
            bool saved = store.Save(next);
            if (version.Length == 0)
            {
                return new LoadPlan(string.Empty, reason, null, saved, problem);
            }

            VerifiedImage? image;
            string takeProblem;
            if (!images.TryTake(version, out image, out takeProblem))
            {
                // Checked intact a moment ago, and now not: a flash read that failed between the two. Nothing runs
                // from bytes that were not checked; the built-in application runs this boot, and the next decides again.
                return new LoadPlan(string.Empty, BootReason.BuiltIn, null, saved, takeProblem);
            }

            return new LoadPlan(version, reason, image, saved, problem);
        }

        /// <summary>
        /// The loader app's step when the runtime refused the chosen image (an assembly <c>Assembly.Load</c> would not
        /// take, the entry type or method missing): the image is marked so every later boot falls back past it
        /// (a candidate is dropped, a confirmed image gives way to the previous one). The app then reboots, as
        /// assemblies already loaded cannot be unloaded. Never throws.
        /// </summary>
        /// <param name="fs">The flash file system.</param>
        /// <param name="directory">The update area.</param>
        /// <param name="version">The version that failed.</param>
        /// <param name="problem">What failed.</param>
        /// <returns>True when the mark is on flash.</returns>
        public static bool Refuse(IFlashFileSystem fs, string directory, string version, string problem)
        {
            if (fs == null || directory == null)
            {
                throw new System.ArgumentNullException(fs == null ? nameof(fs) : nameof(directory));
            }

            return new ImageLoader(fs, fs.Combine(directory, "images")).MarkUnloadable(version, problem);
        }
    }
}
