using System.Text.Json.Serialization;

namespace Tracker.Cloud.Lambda.Authorizer;

/// <summary>
/// Source-generated System.Text.Json contracts of the live authorizer (its own context, beside
/// <c>LambdaJsonContext</c>): no reflection at run time, a cheaper cold start, and IoT Core waits for
/// this function on every browser connection.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    NumberHandling = JsonNumberHandling.Strict,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow)]
[JsonSerializable(typeof(IotAuthorizerEvent))]
[JsonSerializable(typeof(IotAuthorizerResponse))]
[JsonSerializable(typeof(LiveAuthorizerLogLine))]
public sealed partial class AuthorizerJsonContext : JsonSerializerContext
{
}
