using System;
using System.Reflection;
using Tracker.Core.Control;
using Tracker.Core.Storage;

namespace Tracker.Loader.Launch
{
    /// <summary>
    /// One boot of the loader (Control/README.md §2, "The loader"): the core's <see cref="LoadPlan"/> decides
    /// (boot state, <see cref="BootSelector"/>, every image checked by manifest and SHA-256, the next state
    /// committed before anything runs); the chosen image's assemblies are loaded and its entry point called with
    /// the version; with no image to run, the built-in application's. When the runtime refuses the image, it is
    /// marked unloadable (<see cref="LoadPlan.Refuse"/>) so the next boot falls back past it. Returns only when the
    /// caller must reboot: the image was refused (assemblies already loaded cannot be unloaded), or the
    /// application ended or threw (a crash: for a candidate on trial, the reboot uses one of its attempts).
    /// </summary>
    public static class LoaderRun
    {
        /// <summary>The update area on the internal flash (the agent's: <c>images</c>, <c>boot</c>, <c>staging</c>, <c>job</c>).</summary>
        public const string AppDirectory = "I:\\app";

        /// <summary>Runs the boot.</summary>
        /// <param name="fs">The flash file system.</param>
        /// <param name="directory">The update area.</param>
        /// <returns>Why the device must reboot.</returns>
        public static string Run(IFlashFileSystem fs, string directory)
        {
            LoadPlan plan = LoadPlan.Decide(fs, directory);
            Log(String.Concat("boot: ", plan.Version.Length > 0 ? plan.Version : "built-in", " (", ReasonName(plan.Reason), plan.StateSaved ? ")" : "; the boot state was not saved)"));
            if (plan.Problem.Length > 0)
            {
                Log(String.Concat("refused: ", plan.Problem));
            }

            MethodInfo? entry;
            string problem;
            VerifiedImage? image = plan.Image;
            if (image == null)
            {
                if (!AppLauncher.TryBuiltIn(out entry, out problem))
                {
                    return String.Concat("no application to run: ", problem);
                }

                return Invoke(entry!, null);
            }

            if (!AppLauncher.TryLoad(image, out entry, out problem))
            {
                bool marked = LoadPlan.Refuse(fs, directory, image.Version, problem);
                return String.Concat(image.Version, " refused by the runtime (", problem, marked ? "); marked unloadable" : "); the mark did not reach flash");
            }

            return Invoke(entry!, new object[] { image.Version });
        }

        private static string Invoke(MethodInfo entry, object[]? arguments)
        {
            try
            {
                entry.Invoke(null, arguments);
                return "the application returned";
            }
            catch (Exception e)
            {
                return String.Concat("the application threw ", e.Message);
            }
        }

        private static string ReasonName(BootReason reason)
        {
            switch (reason)
            {
                case BootReason.TryingCandidate:
                    return "a candidate on trial";
                case BootReason.CandidateNotConfirmed:
                    return "the candidate never confirmed: dropped";
                case BootReason.CandidateCorrupt:
                    return "the candidate is not intact: dropped";
                case BootReason.PreviousVersion:
                    return "the confirmed image is not intact: the previous one";
                case BootReason.BuiltIn:
                    return "no intact image";
                default:
                    return "confirmed";
            }
        }

        private static void Log(string line)
        {
            Console.WriteLine(String.Concat("[loader] ", line));
        }
    }
}
