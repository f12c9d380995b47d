using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Local.Broker;
using Tracker.Cloud.Testing;

namespace Tracker.Cloud.Local.Benchmarks;

/// <summary>
/// <c>tracker-local-benchmark --authorizer</c>: what the browsers' custom-authorizer path costs, in process, without a
/// network: one connection's decision as the local broker (and the Lambda) makes it (credentials read from the upgrade's
/// query string, the RS256 ID token verified with cached keys, rentals read, policy documents written and parsed), and
/// the per-message policy check the broker runs for every delivery to a browser.
/// </summary>
internal static class AuthorizerBenchmark
{
    private const string Issuer = "http://127.0.0.1:9";
    private const string Client = "bench-client";

    public static async Task RunAsync(int iterations)
    {
        using RSA key = RSA.Create(2048);
        JsonWebKeySet keys = TestUserPool.KeySet(("k1", key));
        var rentals = new InMemoryRentalStore();
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        for (int i = 0; i < 50; i++)
        {
            await rentals.PutAsync(new Rental("car-" + i.ToString("D4", CultureInfo.InvariantCulture), "renter-50", now - 60_000, now + 3_600_000), default);
        }

        await rentals.PutAsync(new Rental("car-0001", "renter-1", now - 60_000, now + 3_600_000), default);
        var authorizer = new LiveAuthorizer(
            new CognitoTokenValidator(new CognitoTokenOptions { Issuer = Issuer, ClientIds = [Client] }, TimeProvider.System),
            new TestUserPool.KeySource(keys),
            rentals,
            new LiveAuthorizerOptions { IotResourcePrefix = LocalCustomAuthorizer.ResourcePrefix },
            TimeProvider.System);

        System.Console.WriteLine($"tracker-local-benchmark --authorizer: {iterations} decisions per caller, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
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
        var claims = new JsonObject
        {
            ["iss"] = Issuer, ["sub"] = sub, ["aud"] = Client, ["token_use"] = "id", ["iat"] = now, ["exp"] = now + 3600,
            ["cognito:groups"] = new JsonArray(JsonValue.Create(group)),
        };
        return TestUserPool.Sign(claims, key, kid: "k1");
    }
}
