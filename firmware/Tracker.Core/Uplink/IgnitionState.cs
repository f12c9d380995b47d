namespace Tracker.Core.Uplink
{
    /// <summary>The ignition (KL15) input as the status message reports it.</summary>
    public enum IgnitionState
    {
        /// <summary>Not wired or not read yet.</summary>
        Unknown = 0,

        /// <summary>Ignition off.</summary>
        Off = 1,

        /// <summary>Ignition on.</summary>
        On = 2,
    }
}
