using System;

namespace Tracker.Device.Support
{
    /// <summary>
    /// One place for the device's log lines. nanoFramework routes <c>Console.WriteLine</c> to the
    /// debugger's output (Visual Studio's Output window, or COM1 when the wire protocol runs on
    /// UART0), so an installer with a laptop sees why a tracker idles.
    /// </summary>
    internal static class DeviceLog
    {
        /// <summary>Writes "[area] message".</summary>
        /// <param name="area">A short tag: boot, gnss, uplink, wifi, watchdog...</param>
        /// <param name="message">The line.</param>
        public static void Info(string area, string message)
        {
            Console.WriteLine(String.Concat("[", area, "] ", message));
        }

        /// <summary>Writes "[area] ERROR: message".</summary>
        /// <param name="area">A short tag.</param>
        /// <param name="message">What went wrong, naming the file or key when there is one.</param>
        public static void Error(string area, string message)
        {
            Console.WriteLine(String.Concat("[", area, "] ERROR: ", message));
        }
    }
}
