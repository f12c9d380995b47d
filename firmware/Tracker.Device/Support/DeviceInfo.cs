namespace Tracker.Device.Support
{
    /// <summary>What the application says about itself.</summary>
    internal static class DeviceInfo
    {
        /// <summary>
        /// The application version, reported in every status message (printable ASCII, short:
        /// StatusCodec limits it). Bump it with each release that installers flash.
        /// </summary>
        public const string FirmwareVersion = "tracker-0.3.0";
    }
}
