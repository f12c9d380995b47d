namespace Tracker.Cloud.Core.Ingest;

/// <summary>One message from the broker, as the IoT rule (or the local broker) hands it over.</summary>
/// <param name="Topic">The MQTT topic, plain or Basic Ingest form.</param>
/// <param name="ClientId">The connection's MQTT client id, which AWS IoT binds to the thing name (the car id).</param>
/// <param name="Payload">The batch bytes (Wire format).</param>
/// <param name="ReceivedMs">When the broker received it, UTC epoch ms (kept as <see cref="Storage.StoredFix.ReceivedMs"/>).</param>
public sealed record IngestRequest(string Topic, string ClientId, byte[] Payload, long ReceivedMs);
