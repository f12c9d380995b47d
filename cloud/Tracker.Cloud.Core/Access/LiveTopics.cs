namespace Tracker.Cloud.Core.Access;

/// <summary>
/// The topics of the browsers' live path (the same in AWS IoT Core and in the local broker). The cloud
/// republishes each car's fix batches and status under <c>fleet/{car}/</c>; browsers only ever read
/// there, and ask a car to go live by publishing a watch request on the car's own control topic
/// <c>tracker/{car}/live</c> (firmware Uplink/README.md, "Watch request").
/// </summary>
public static class LiveTopics
{
    /// <summary>The prefix every browser-readable topic starts with.</summary>
    public const string FleetPrefix = "fleet/";

    /// <summary>The prefix of a car's own topics.</summary>
    public const string TrackerPrefix = "tracker/";

    /// <summary>The MQTT client id prefix a browser connection must use, so it can never take over a car's client id (a thing name).</summary>
    public const string WebClientIdPrefix = "web-";

    /// <summary>Where a car's fix batches are republished for browsers.</summary>
    /// <param name="carId">The car id (thing name).</param>
    /// <returns><c>fleet/{car}/fixes</c>.</returns>
    public static string Fixes(string carId) => FleetPrefix + carId + "/fixes";

    /// <summary>Where a car's status messages (and its <c>offline</c> will) are republished for browsers.</summary>
    /// <param name="carId">The car id.</param>
    /// <returns><c>fleet/{car}/status</c>.</returns>
    public static string Status(string carId) => FleetPrefix + carId + "/status";

    /// <summary>
    /// Where the fleet events Derive stores (or withdraws) about a car are published for operators, as JSON
    /// (cloud/Tracker.Cloud.Derive/README.md, "Events"). Operators' grant covers it (<c>fleet/*</c>); a renter's grant
    /// names only <see cref="Fixes"/> and <see cref="Status"/>, so a renter never receives a fleet event.
    /// </summary>
    /// <param name="carId">The car id.</param>
    /// <returns><c>fleet/{car}/events</c>.</returns>
    public static string Events(string carId) => FleetPrefix + carId + "/events";

    /// <summary>The car's watch-request topic, which a viewer may publish to.</summary>
    /// <param name="carId">The car id.</param>
    /// <returns><c>tracker/{car}/live</c>.</returns>
    public static string Watch(string carId) => TrackerPrefix + carId + "/live";
}
