using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Lambda.Authorizer;
using Tracker.Cloud.Lambda.Events;
using Tracker.Cloud.Lambda.Functions;
using Tracker.Cloud.Tests.Access;
using Tracker.Cloud.Tests.Core;

namespace Tracker.Cloud.Tests.Lambda;

/// <summary>The live authorizer function on real-shaped IoT Core events (sample-events/live-authorizer-connect.json).</summary>
public sealed class LiveAuthorizerHandlerTests
{
    private const string SampleClientId = "web-e2544cf48a07f0a2c9171086f22abcac-7d2f0c9a4b1e3f60";
    private static readonly long NowS = TestFixes.Now.ToUnixTimeSeconds();

    private readonly ManualClock _clock = new(TestFixes.Now);
    private readonly InMemoryRentalStore _rentals = new();
    private readonly StringWriter _log = new();

    private LiveAuthorizerHandler Handler() => new(
        new LiveAuthorizer(
            new CognitoTokenValidator(TestUserPool.Options, _clock),
            new TestUserPool.KeySource(TestUserPool.KeySet()),
            _rentals,
            new LiveAuthorizerOptions { IotResourcePrefix = TestUserPool.IotPrefix },
            _clock),
        _log);

    private static string SampleEvent(Action<JsonObject> edit)
    {
        var evt = (JsonObject)JsonNode.Parse(LambdaRig.SampleEvent("live-authorizer-connect.json"))!;
        edit(evt);
        return evt.ToJsonString();
    }

    /// <summary>The browser's form: the token in the WebSocket upgrade's query string (the sample event's).</summary>
    private static string WithQueryToken(string token) =>
        SampleEvent(e => e["protocolData"]!["http"]!["queryString"] = "?x-amz-customauthorizer-name=tracker-dev-live&token=" + Uri.EscapeDataString(token));

    /// <summary>A non-browser client's form: no query string, the token as the MQTT password (base64, as IoT Core passes it).</summary>
    private static string WithPassword(string? base64) => SampleEvent(e =>
    {
        ((JsonObject)e["protocolData"]!).Remove("http");
        e["protocolData"]!["mqtt"]!["username"] = "tool?x-amz-customauthorizer-name=tracker-dev-live";
        e["protocolData"]!["mqtt"]!["password"] = base64;
    });

    private async Task<JsonObject> InvokeAsync(string json)
    {
        json = WithTheCallersClientId(json);
        using Stream output = await Handler().HandleAsync(LambdaRig.AsStream(json), CancellationToken.None);
        return (JsonObject)JsonNode.Parse(output)!;
    }

    /// <summary>
    /// The sample's client id carries the owner tag of the sample renter; a browser derives its own from its token's
    /// subject (<see cref="LiveClientIds"/>), so the events here get the tag of the token they carry.
    /// </summary>
    private static string WithTheCallersClientId(string json)
    {
        var evt = (JsonObject)JsonNode.Parse(json)!;
        if (evt["protocolData"]?["mqtt"]?["clientId"]?.GetValue<string>() != SampleClientId)
        {
            return json;
        }

        string? query = evt["protocolData"]?["http"]?["queryString"]?.GetValue<string>();
        string? password = evt["protocolData"]?["mqtt"]?["password"]?.GetValue<string>();
        string? token = evt["token"]?.GetValue<string>() ?? query?.Split('&').Select(p => p.TrimStart('?')).FirstOrDefault(p => p.StartsWith("token=", StringComparison.Ordinal))?["token=".Length..];
        try
        {
            token = evt["token"] is not null ? token : token is not null ? Uri.UnescapeDataString(token) : password is not null ? Encoding.UTF8.GetString(Convert.FromBase64String(password)) : null;
            string payload = token!.Split('.')[1].Replace('-', '+').Replace('_', '/');
            string? subject = JsonNode.Parse(Convert.FromBase64String(payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=')))!["sub"]?.GetValue<string>();
            evt["protocolData"]!["mqtt"]!["clientId"] = LiveClientIds.PrefixOf(subject!) + "7d2f0c9a4b1e3f60";
        }
        catch (Exception e) when (e is FormatException or NullReferenceException or IndexOutOfRangeException or JsonException or InvalidOperationException)
        {
            // Not a readable token: the event is about that, and the authorizer refuses it before the client id matters.
        }

        return evt.ToJsonString();
    }

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    [Fact]
    public async Task Renter_WithARunningRental_GetsAPolicyForTheirCarAsJsonObjects()
    {
        await _rentals.PutAsync(new Rental("car-0001", "renter-1", TestFixes.NowMs - 3_600_000, TestFixes.NowMs + 3_600_000), default);
        string token = TestUserPool.Sign(TestUserPool.IdClaims(NowS, "renter-1", "renters"));

        JsonObject response = await InvokeAsync(WithQueryToken(token));

        Assert.True(response["isAuthenticated"]!.GetValue<bool>());
        Assert.Equal("renter1", response["principalId"]!.GetValue<string>());
        Assert.Equal(3600, response["disconnectAfterInSeconds"]!.GetValue<int>());
        Assert.Equal(300, response["refreshAfterInSeconds"]!.GetValue<int>());
        JsonObject document = Assert.IsType<JsonObject>(Assert.Single(response["policyDocuments"]!.AsArray()));
        Assert.Equal("2012-10-17", document["Version"]!.GetValue<string>());
        Assert.Contains(LiveClientIds.PrefixOf("renter-1") + "7d2f0c9a4b1e3f60", document.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("\"decision\":\"allow\"", _log.ToString(), StringComparison.Ordinal);
        Assert.Contains("\"tokenSource\":\"UpgradeQuery\"", _log.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(token[..20], _log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Operator_WithTheTokenAsTheMqttPassword_IsAllowedTheFleet()
    {
        string token = TestUserPool.Sign(TestUserPool.IdClaims(NowS, "op-1", "operators"));

        JsonObject response = await InvokeAsync(WithPassword(Base64(token)));

        Assert.True(response["isAuthenticated"]!.GetValue<bool>());
        Assert.Contains("topicfilter/fleet/*", response["policyDocuments"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("\"tokenSource\":\"Password\"", _log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenExtractedByIotCore_IsUsedBeforeTheQueryString()
    {
        string token = TestUserPool.Sign(TestUserPool.IdClaims(NowS, "op-1", "operators"));

        JsonObject response = await InvokeAsync(SampleEvent(e => e["token"] = token));

        Assert.True(response["isAuthenticated"]!.GetValue<bool>());
        Assert.Contains("\"tokenSource\":\"Extracted\"", _log.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("?token=a&token=b")]
    [InlineData("?x-amz-customauthorizer-name=tracker-dev-live")]
    [InlineData("")]
    [InlineData("?token=")]
    [InlineData("%%%&&==&token")]
    public async Task QueryString_WithoutOneClearToken_IsRefusedAsMalformedCredentials(string query)
    {
        JsonObject response = await InvokeAsync(SampleEvent(e => e["protocolData"]!["http"]!["queryString"] = query));

        Assert.False(response["isAuthenticated"]!.GetValue<bool>());
        Assert.Contains("\"reason\":\"MalformedCredentials\"", _log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SampleEvent_WithItsPlaceholderToken_IsRefusedNotThrown()
    {
        JsonObject response = await InvokeAsync(LambdaRig.SampleEvent("live-authorizer-connect.json"));

        Assert.False(response["isAuthenticated"]!.GetValue<bool>());
        Assert.Empty(response["policyDocuments"]!.AsArray());
        Assert.Contains("\"reason\":\"InvalidToken\",\"tokenError\":\"Malformed\"", _log.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not base64!")]
    [InlineData("/w==")]
    public async Task Password_MissingOrNotBase64Utf8_IsRefusedAsMalformedCredentials(string? password)
    {
        JsonObject response = await InvokeAsync(WithPassword(password));

        Assert.False(response["isAuthenticated"]!.GetValue<bool>());
        Assert.Contains("\"reason\":\"MalformedCredentials\"", _log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Event_WithoutMqttData_IsRefusedForWantOfAClientId()
    {
        string token = TestUserPool.Sign(TestUserPool.IdClaims(NowS, "op-1", "operators"));

        JsonObject response = await InvokeAsync(SampleEvent(e =>
        {
            e["protocolData"]!["http"]!["queryString"] = "?token=" + token;
            ((JsonObject)e["protocolData"]!).Remove("mqtt");
        }));

        Assert.False(response["isAuthenticated"]!.GetValue<bool>());
        Assert.Contains("BadClientId", _log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientId_OfACar_IsRefusedEvenWithAnOperatorsToken()
    {
        string token = TestUserPool.Sign(TestUserPool.IdClaims(NowS, "op-1", "operators"));

        JsonObject response = await InvokeAsync(SampleEvent(e =>
        {
            e["protocolData"]!["http"]!["queryString"] = "?token=" + token;
            e["protocolData"]!["mqtt"]!["clientId"] = "car-0001";
        }));

        Assert.False(response["isAuthenticated"]!.GetValue<bool>());
        Assert.Contains("BadClientId", _log.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("not json")]
    [InlineData("{\"protocolData\":{\"mqtt\":{\"password\":5}}}")]
    public async Task Event_NotOfTheAuthorizerShape_Throws(string json)
    {
        await Assert.ThrowsAsync<InvalidEventException>(() => Handler().HandleAsync(LambdaRig.AsStream(json), CancellationToken.None));
    }

    [Fact]
    public void Settings_MissingAVariable_FailNamingIt()
    {
        var env = new Dictionary<string, string?>
        {
            [FunctionSettings.FixesTableVariable] = "tracker-dev-fixes",
            [FunctionSettings.LatestTableVariable] = "tracker-dev-latest",
            [FunctionSettings.RentalsTableVariable] = "tracker-dev-rentals",
            [LiveAuthorizerSettings.IssuerVariable] = TestUserPool.Issuer,
            [LiveAuthorizerSettings.ClientIdsVariable] = TestUserPool.ClientId + ", " + TestUserPool.OtherClientId,
            [LiveAuthorizerSettings.IotResourcePrefixVariable] = TestUserPool.IotPrefix,
        };

        LiveAuthorizerSettings settings = LiveAuthorizerSettings.Read(n => env.GetValueOrDefault(n));
        Assert.Equal([TestUserPool.ClientId, TestUserPool.OtherClientId], settings.Tokens.ClientIds);

        foreach (string name in new[] { LiveAuthorizerSettings.IssuerVariable, LiveAuthorizerSettings.ClientIdsVariable, LiveAuthorizerSettings.IotResourcePrefixVariable })
        {
            var without = new Dictionary<string, string?>(env) { [name] = null };
            Assert.Contains(name, Assert.Throws<InvalidOperationException>(() => LiveAuthorizerSettings.Read(n => without.GetValueOrDefault(n))).Message, StringComparison.Ordinal);
        }

        var bad = new Dictionary<string, string?>(env) { [LiveAuthorizerSettings.IotResourcePrefixVariable] = "arn:aws:iot:*:*" };
        Assert.Contains(LiveAuthorizerSettings.IotResourcePrefixVariable, Assert.Throws<InvalidOperationException>(() => LiveAuthorizerSettings.Read(n => bad.GetValueOrDefault(n))).Message, StringComparison.Ordinal);
    }
}
