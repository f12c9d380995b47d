namespace Tracker.Core.Control
{
    /// <summary>What a <see cref="CarControl.Step"/> asks of the app.</summary>
    public enum ControlAction
    {
        /// <summary>Nothing: go on.</summary>
        None = 0,

        /// <summary>Live keys changed: rebuild the report policy and the uplink from <see cref="RemoteConfig.Result"/>.</summary>
        ConfigChanged = 1,

        /// <summary>Reboot (into a staged update, out of a version that did not confirm, or for pending restart keys).</summary>
        Reboot = 2,
    }
}
