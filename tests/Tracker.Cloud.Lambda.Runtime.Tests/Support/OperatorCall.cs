using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tracker.Cloud.Lambda.Runtime.Tests.Support;

/// <summary>One HTTP API request from a signed-in operator to a running API function, and its status and JSON body.</summary>
internal static class OperatorCall
{
    public static async Task<(int Status, JsonObject Body)> SendAsync(RunningFunction api, string path, string method, string body)
    {
        long exp = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 3600;
        JsonObject evt = JsonNode.Parse(LambdaEvents.Http(path, null, LambdaEvents.Claims("9d3b7e52-operator-0001", "operators", exp), method))!.AsObject();
        evt["body"] = body;
        evt["isBase64Encoded"] = false;
        JsonElement response = await api.RespondAsync(evt.ToJsonString());
        return (response.GetProperty("statusCode").GetInt32(), (JsonObject)JsonNode.Parse(response.GetProperty("body").GetString()!)!);
    }
}
