namespace Tracker.Core.Control
{
    /// <summary>
    /// The root of one AWS IoT service's reserved topics for a car: <c>$aws/things/{thingName}/{service}/</c>,
    /// the thing name being car.id. <see cref="ShadowTopics"/> and <see cref="JobTopics"/> build on it.
    /// </summary>
    public static class ThingTopics
    {
        /// <summary>The topic root of <paramref name="service"/> for <paramref name="carId"/>, ending in a slash.</summary>
        /// <param name="carId">The car id (the thing name).</param>
        /// <param name="service">The service's segment: <c>shadow</c> or <c>jobs</c>.</param>
        /// <returns><c>$aws/things/{carId}/{service}/</c>.</returns>
        /// <exception cref="System.ArgumentException">The car id is null or empty.</exception>
        public static string Root(string carId, string service)
        {
            if (carId == null || carId.Length == 0)
            {
                throw new System.ArgumentException("a car id is needed", nameof(carId));
            }

            return "$aws/things/" + carId + "/" + service + "/";
        }
    }
}
