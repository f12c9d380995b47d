using System.IO;

namespace Tracker.Device.Tests
{
    /// <summary>
    /// A scratch directory on the internal flash (LittleFS, <c>I:</c>), away from the tracker's
    /// own <c>I:\fixlog</c>, emptied before and after each test.
    /// </summary>
    internal static class FlashDirectory
    {
        /// <summary>The test area.</summary>
        public const string Root = "I:\\trk-tests";

        /// <summary>Deletes the test area with everything in it.</summary>
        public static void Clean()
        {
            if (Directory.Exists(Root))
            {
                Directory.Delete(Root, true);
            }
        }

        /// <summary>A fresh sub-directory for one log.</summary>
        /// <param name="name">Its name.</param>
        /// <returns>The full path.</returns>
        public static string For(string name)
        {
            return Root + "\\" + name;
        }
    }
}
