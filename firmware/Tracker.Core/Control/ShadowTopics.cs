namespace Tracker.Core.Control
{
    /// <summary>
    /// The classic shadow's MQTT topics for one car (AWS IoT Core developer guide, "Device Shadow
    /// MQTT topics"): <c>$aws/things/{thingName}/shadow/...</c>, the thing name being car.id. The
    /// car subscribes to <see cref="Delta"/> and <see cref="UpdateRejected"/> only (README.md §1).
    /// </summary>
    public sealed class ShadowTopics
    {
        /// <summary>Builds the topics of <paramref name="carId"/>.</summary>
        /// <param name="carId">The car id (the thing name).</param>
        public ShadowTopics(string carId)
        {
            string root = ThingTopics.Root(carId, "shadow");
            Update = root + "update";
            Delta = root + "update/delta";
            UpdateAccepted = root + "update/accepted";
            UpdateRejected = root + "update/rejected";
            Get = root + "get";
            GetAccepted = root + "get/accepted";
            GetRejected = root + "get/rejected";
        }

        /// <summary>Where the car publishes its reported state (and an operator its desired state).</summary>
        public string Update { get; }

        /// <summary>Where the shadow service publishes desired minus reported.</summary>
        public string Delta { get; }

        /// <summary>The accepted update, with metadata (not subscribed by the car: it can exceed the modem's limit).</summary>
        public string UpdateAccepted { get; }

        /// <summary>A refused update: an error code and message.</summary>
        public string UpdateRejected { get; }

        /// <summary>A request for the whole document.</summary>
        public string Get { get; }

        /// <summary>The whole document (not subscribed by the car).</summary>
        public string GetAccepted { get; }

        /// <summary>A refused get.</summary>
        public string GetRejected { get; }
    }
}
