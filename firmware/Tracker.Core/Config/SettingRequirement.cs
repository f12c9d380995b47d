namespace Tracker.Core.Config
{
    /// <summary>Whether the config file must set a <see cref="TrackerSetting"/>.</summary>
    public enum SettingRequirement
    {
        /// <summary>The file must set it (ids, endpoints, certificate files: no silent defaults).</summary>
        Required = 0,

        /// <summary>The file may leave it unset; then the feature it configures is off.</summary>
        Optional = 1,

        /// <summary>The file may leave it out; then it takes its documented default.</summary>
        Default = 2,
    }
}
