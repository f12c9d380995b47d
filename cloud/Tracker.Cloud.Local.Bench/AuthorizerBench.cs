using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Local.Broker;

namespace Tracker.Cloud.Local.Bench;

/// <summary>
/// <c>tracker-local-bench --authorizer</c>: what the browsers' custom-authorizer path costs, in process, without a
/// network: one connection's decision as the local broker (and the Lambda) makes it (credentials read from the upgrade's
/// query string, the RS256 ID token verified with cached keys, rentals read, policy documents written and parsed), and
/// the per-message policy check the broker runs for every delivery to a browser.
/// </summary>
internal static class AuthorizerBench
{
    private const string Issuer = "http://127.0.0.1:9";
    private const string Client = "bench-client";

    public static async Task RunAsync(int iterations)
    {
        using RSA key = RSA.Create(2048);
        RSAParameters p = key.ExportParameters(false);
        string jwks = new JsonObject
        {
            ["keys"] = new JsonArray(new JsonObject { ["kty"] = "RSA", ["kid"] = "k1", ["alg"] = "RS256", ["use"] = "sig", ["n"] = Base64Url.EncodeToString(p.Modulus), ["e"] = Base64Url.EncodeToString(p.Exponent) }),
        }.ToJsonString();
        JsonWebKeySet.TryParse(Encoding.UTF8.GetBytes(jwks), out JsonWebKeySet? keys, out _);
        var rentals = new Rentals();
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        for (int i = 0; i < 50; i++)
        {
            await rentals.PutAsync(new Rental("car-" + i.ToString("D4", CultureInfo.InvariantCulture), "renter-50", now - 60_000, now + 3_600_000), default);
        }

        await rentals.PutAsync(new Rental("car-0001", "renter-1", now - 60_000, now + 3_600_000), default);
        var authorizer = new LiveAuthorizer(
            new CognitoTokenValidator(new CognitoTokenOptions { Issuer = Issuer, ClientIds = [Client] }, TimeProvider.System),
            new StaticKeys(keys!),
            rentals,
            new LiveAuthorizerOptions { IotResourcePrefix = LocalCustomAuthorizer.ResourcePrefix },
            TimeProvider.System);

        System.Console.WriteLine($"tracker-local-bench --authorizer: {iterations} decisions per caller, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        foreach ((string who, string sub, string group) in new[] { ("operator", "ops", "operators"), ("renter, 1 car", "renter-1", "renters"), ("renter, 50 cars", "renter-50", "renters") })
        {
            string query = "?x-amz-customauthorizer-name=" + LocalCustomAuthorizer.AuthorizerName + "&token=" + Token(key, sub, group);
            IotPolicy? policy = null;
            async Task<IotPolicy> DecideAsync()
            {
                LiveCredentials credentials = LiveCredentials.Read(null, query, null, null);
                LiveAuthorization decision = await authorizer.AuthorizeAsync(LiveClientIds.PrefixOf(sub) + "bench01", credentials.Token, default);
                IotPolicy.TryParse(decision.PolicyDocuments, out IotPolicy? parsed, out string error);
                return parsed ?? throw new InvalidOperationException(who + ": " + decision.Denial + " " + decision.Detail + " " + error);
            }

            for (int i = 0; i < Math.Min(200, iterations); i++)
            {
                policy = await DecideAsync();
            }

            var watch = Stopwatch.StartNew();
            long allocated = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < iterations; i++)
            {
                policy = await DecideAsync();
            }

            double decideUs = watch.Elapsed.TotalMicroseconds / iterations;
            long decideBytes = (GC.GetAllocatedBytesForCurrentThread() - allocated) / iterations;

            string topic = LocalCustomAuthorizer.ResourcePrefix + ":topic/fleet/car-0001/fixes";
            const int Checks = 1_000_000;
            for (int i = 0; i < 10_000; i++)
            {
                policy!.IsAllowed(IotPolicy.Receive, topic);
            }

            watch.Restart();
            allocated = GC.GetAllocatedBytesForCurrentThread();
            bool allowed = false;
            for (int i = 0; i < Checks; i++)
            {
                allowed = policy!.IsAllowed(IotPolicy.Receive, topic);
            }

            double checkNs = watch.Elapsed.TotalNanoseconds / Checks;
            long checkBytes = (GC.GetAllocatedBytesForCurrentThread() - allocated) / Checks;
            System.Console.WriteLine($"  {who,-16} connect decision {decideUs,8:F1} us ({decideBytes,6} B allocated); per-delivery policy check {checkNs,6:F0} ns ({checkBytes} B), allowed={allowed}, {policy!.StatementCount} statements");
        }
    }

    private static string Token(RSA key, string sub, string group)
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        string Part(JsonNode n) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(n.ToJsonString()));
        var claims = new JsonObject
        {
            ["iss"] = Issuer, ["sub"] = sub, ["aud"] = Client, ["token_use"] = "id", ["iat"] = now, ["exp"] = now + 3600,
            ["cognito:groups"] = new JsonArray(JsonValue.Create(group)),
        };
        string input = Part(new JsonObject { ["alg"] = "RS256", ["kid"] = "k1" }) + "." + Part(claims);
        return input + "." + Base64Url.EncodeToString(key.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    private sealed class StaticKeys(JsonWebKeySet keys) : ISigningKeySource
    {
        public ValueTask<JsonWebKeySet> GetKeysAsync(bool refresh, CancellationToken cancellationToken) => ValueTask.FromResult(keys);
    }

    private sealed class Rentals : IRentalStore
    {
        private readonly List<Rental> _all = [];

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
