using nanoFramework.Runtime.Native;
using Tracker.Device.Storage;
using Tracker.Loader.Launch;

namespace Tracker.Loader
{
    /// <summary>
    /// The loader's entry point: the only application nanoff deploys once the car takes updates
    /// (Control/README.md §2). All of the boot is in <see cref="LoaderRun"/> and the shared core; this file
    /// adds the two things that need device libraries, the flash (<c>I:</c>, LittleFS, through the device
    /// app's own adapter) and the reboot.
    /// </summary>
    public static class Program
    {
        /// <summary>The entry point.</summary>
        public static void Main()
        {
            string why = LoaderRun.Run(new DirectoryFlashFileSystem(), LoaderRun.AppDirectory);
            System.Console.WriteLine(string.Concat("[loader] rebooting: ", why));
            Power.RebootDevice(RebootOption.NormalReboot);
        }
    }
}
