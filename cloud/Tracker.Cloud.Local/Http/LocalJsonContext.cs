using System.Text.Json.Serialization;

namespace Tracker.Cloud.Local.Http;

/// <summary>Source-generated JSON contracts of the host's own routes (the API's are the Lambda's).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(LoginRequest))]
[JsonSerializable(typeof(LoginResponse))]
[JsonSerializable(typeof(HealthReport))]
internal sealed partial class LocalJsonContext : JsonSerializerContext
{
}
