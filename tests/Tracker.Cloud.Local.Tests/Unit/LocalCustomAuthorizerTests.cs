using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Local.Broker;

namespace Tracker.Cloud.Local.Tests.Unit;

/// <summary>The broker's stand-in for IoT Core's custom authentication, without a network: forms, refresh, the two timers.</summary>
public sealed class LocalCustomAuthorizerTests
{
    private const string Issuer = "http://127.0.0.1:9";
    private const string Client = "web-client";
    private static readonly RSA Key = RSA.Create(2048);

    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly Rentals _rentals = new();

    private LocalCustomAuthorizer Authorizer()
    {
        RSAParameters p = Key.ExportParameters(false);
        string jwks = new JsonObject
        {
            ["keys"] = new JsonArray(new JsonObject { ["kty"] = "RSA", ["kid"] = "k1", ["alg"] = "RS256", ["n"] = Base64Url.EncodeToString(p.Modulus), ["e"] = Base64Url.EncodeToString(p.Exponent) }),
        }.ToJsonString();
        Assert.True(JsonWebKeySet.TryParse(Encoding.UTF8.GetBytes(jwks), out JsonWebKeySet? keys, out _));
        return new LocalCustomAuthorizer(new LiveAuthorizer(
            new CognitoTokenValidator(new CognitoTokenOptions { Issuer = Issuer, ClientIds = [Client] }, _clock),
            new StaticKeys(keys!),
            _rentals,
            new LiveAuthorizerOptions { IotResourcePrefix = LocalCustomAuthorizer.ResourcePrefix },
            _clock));
    }

    private string Token(string sub, string group, long lifetimeSeconds = 3600)
    {
        long now = _clock.GetUtcNow().ToUnixTimeSeconds();
        static string Part(JsonNode n) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(n.ToJsonString()));
        var claims = new JsonObject
        {
            ["iss"] = Issuer, ["sub"] = sub, ["aud"] = Client, ["token_use"] = "id", ["iat"] = now, ["exp"] = now + lifetimeSeconds,
            ["cognito:groups"] = new JsonArray(JsonValue.Create(group)),
        };
        string input = Part(new JsonObject { ["alg"] = "RS256", ["kid"] = "k1" }) + "." + Part(claims);
        return input + "." + Base64Url.EncodeToString(Key.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public async Task UserNameAndPasswordForm_IsReadForNonBrowserClients()
    {
        (IotViewer? viewer, string refusal) = await Authorizer().AuthorizeAsync(
            LiveClientIds.PrefixOf("ops") + "tool1", "tool?x-amz-customauthorizer-name=" + LocalCustomAuthorizer.AuthorizerName, Token("ops", "operators"), null, default);

        Assert.True(viewer is not null, refusal);
        Assert.True(LocalCustomAuthorizer.MaySubscribe(viewer, "fleet/+/fixes"));
        Assert.False(LocalCustomAuthorizer.MayPublish(viewer, "tracker/car-0001/fixes"));
    }

    [Fact]
    public async Task Refresh_AfterTheRentalIsGone_EndsTheConnection_AndWhileItRunsKeepsIt()
    {
        long now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        var rental = new Rental("car-0007", "renter-7", now - 60_000, now + 7_200_000);
        await _rentals.PutAsync(rental, default);
        LocalCustomAuthorizer authorizer = Authorizer();
        (IotViewer? viewer, _) = await authorizer.AuthorizeAsync(LiveClientIds.PrefixOf("renter-7") + "r7", "u?x-amz-customauthorizer-name=" + LocalCustomAuthorizer.AuthorizerName, Token("renter-7", "renters"), null, default);
        Assert.NotNull(viewer);

        Assert.True(await authorizer.RefreshAsync(viewer, default));
        _rentals.Remove(rental);

        Assert.False(await authorizer.RefreshAsync(viewer, default));
    }

    [Fact]
    public async Task Timers_RefreshEveryRefreshAfter_AndDisconnectOnceAtDisconnectAfter()
    {
        (IotViewer? viewer, _) = await Authorizer().AuthorizeAsync(LiveClientIds.PrefixOf("ops") + "o1", "u?x-amz-customauthorizer-name=" + LocalCustomAuthorizer.AuthorizerName, Token("ops", "operators", 1800), null, default);
        Assert.NotNull(viewer);
        Assert.Equal(300, viewer.Decision.RefreshAfterSeconds);
        Assert.InRange(viewer.Decision.DisconnectAfterSeconds, 1799, 1800); // never past the token's end
        int refreshes = 0;
        int disconnects = 0;
        viewer.Start(_clock, _ => { refreshes++; return Task.CompletedTask; }, _ => { disconnects++; return Task.CompletedTask; });

        _clock.Advance(TimeSpan.FromSeconds(299));
        Assert.Equal((0, 0), (refreshes, disconnects));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal((1, 0), (refreshes, disconnects));
        _clock.Advance(TimeSpan.FromSeconds(1500));
        Assert.Equal((6, 1), (refreshes, disconnects));

        viewer.Dispose();
        _clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal((6, 1), (refreshes, disconnects));
        Assert.False(LocalCustomAuthorizer.MayReceive(viewer, "fleet/car-0001/fixes"), "a closed session's policy allows nothing");
    }

    [Fact]
    public async Task NoNameOrAnotherName_IsRefusedBeforeTheTokenIsRead()
    {
        LocalCustomAuthorizer authorizer = Authorizer();
        string token = Token("ops", "operators");

        (IotViewer? none, string whyNone) = await authorizer.AuthorizeAsync("web-a", "user", token, null, default);
        (IotViewer? other, string whyOther) = await authorizer.AuthorizeAsync("web-a", "user?x-amz-customauthorizer-name=other", token, null, default);

        Assert.Null(none);
        Assert.Null(other);
        Assert.StartsWith("UnknownAuthorizer", whyNone, StringComparison.Ordinal);
        Assert.StartsWith("UnknownAuthorizer", whyOther, StringComparison.Ordinal);
    }

    private sealed class StaticKeys(JsonWebKeySet keys) : ISigningKeySource
    {
        public ValueTask<JsonWebKeySet> GetKeysAsync(bool refresh, CancellationToken cancellationToken) => ValueTask.FromResult(keys);
    }

    private sealed class Rentals : IRentalStore
    {
        private readonly List<Rental> _all = [];

        public void Remove(Rental rental) => _all.Remove(rental);

        public Task PutAsync(Rental rental, CancellationToken cancellationToken)
        {
            _all.Add(rental);
            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<Rental>> GetForRenterAsync(string renter, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<Rental>>(_all.Where(r => r.Renter == renter).ToList());

        public Task<IReadOnlyList<Rental>> GetForCarAsync(string carId, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<Rental>>(_all.Where(r => r.CarId == carId).ToList());
    }
}
