using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tracker.Cloud.Notify.Subscriptions;

/// <summary>How stores keep a subscription (source-generated JSON).</summary>
public static class SubscriptionJson
{
    /// <summary>Writes one.</summary>
    /// <param name="subscription">The subscription.</param>
    /// <returns>JSON.</returns>
    public static string Write(Subscription subscription) => JsonSerializer.Serialize(subscription, SubscriptionJsonContext.Default.Subscription);

    /// <summary>Reads one.</summary>
    /// <param name="json">What <see cref="Write"/> wrote.</param>
    /// <returns>The subscription.</returns>
    /// <exception cref="JsonException">Not one.</exception>
    public static Subscription Read(string json) =>
        JsonSerializer.Deserialize(json, SubscriptionJsonContext.Default.Subscription) ?? throw new JsonException("null subscription");
}

/// <summary>The source-generated serializer.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
[JsonSerializable(typeof(Subscription))]
internal sealed partial class SubscriptionJsonContext : JsonSerializerContext
{
}
