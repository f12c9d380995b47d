namespace Tracker.Core.Control
{
    /// <summary>Whether a config key may be set through the device shadow, and when it takes effect (README.md §1).</summary>
    public enum RemoteClass
    {
        /// <summary>Not a key of tracker.conf: the loader refuses it as unknown.</summary>
        Unknown = 0,

        /// <summary>Applied at once, between two cycles of the main loop (report.*, uplink.*).</summary>
        Live = 1,

        /// <summary>Applied at the next safe restart, and reported pending until then (pins, modem, link, log size).</summary>
        Restart = 2,

        /// <summary>The car's identity, trust and secrets (car.id, mqtt.endpoint, tls.*, cell.password, cell.simPin, wifi.password): written only by the provisioning tool, and never in the shadow, which reports back what it sets.</summary>
        ProvisioningOnly = 3,
    }
}
