using System.Diagnostics;
using System.Text.Json.Nodes;
using Amazon.CDK;
using Amazon.CDK.Assertions;

namespace Tracker.Cloud.Infra.Tests;

/// <summary>
/// Synthesizes the app once per test run, in process, for both stages: dev with a fleet CA and an alarm
/// e-mail, prod with neither. The Lambda package is a temporary folder holding a stand-in
/// <c>bootstrap</c> (<see cref="FakePackage"/>). Every template test shares it.
/// </summary>
public sealed class SynthFixture : IDisposable
{
    private readonly TempFolder _scratch = new("tracker-infra-tests-");

    public SynthFixture()
    {
        LambdaPackage = FakePackage.Create(Path.Combine(Folder, "lambda"));
        (string caPem, string verificationPem, _) = TestCertificates.Create();
        File.WriteAllText(Path.Combine(Folder, "fleet-ca.pem"), caPem);
        File.WriteAllText(Path.Combine(Folder, "verification.pem"), verificationPem);
        CaPem = caPem;

        var watch = Stopwatch.StartNew();
        Dev = SynthStage(new Dictionary<string, object>
        {
            [InfraSettings.StageKey] = "dev",
            [InfraSettings.LambdaPackageKey] = "lambda",
            [InfraSettings.FleetCaPemKey] = "fleet-ca.pem",
            [InfraSettings.FleetCaVerificationPemKey] = "verification.pem",
            [InfraSettings.AlarmEmailKey] = "fleet-ops@example.com",
            [InfraSettings.NotifyEmailFromKey] = "alerts@fleet.example.com",
        });
        DevSeconds = watch.Elapsed.TotalSeconds;
        Prod = SynthStage(new Dictionary<string, object>
        {
            [InfraSettings.StageKey] = "prod",
            [InfraSettings.LambdaPackageKey] = LambdaPackage,
        });
        TotalSeconds = watch.Elapsed.TotalSeconds;
    }

    public string Folder => _scratch.Path;

    public string LambdaPackage { get; }

    public string CaPem { get; }

    public Synthesized Dev { get; }

    public Synthesized Prod { get; }

    public double DevSeconds { get; }

    public double TotalSeconds { get; }

    public void Dispose() => _scratch.Dispose();

    private Synthesized SynthStage(Dictionary<string, object> context)
    {
        string outdir = Path.Combine(Folder, "cdk.out." + context[InfraSettings.StageKey]);
        var app = new App(new AppProps { Outdir = outdir, Context = context });
        TrackerStack stack = TrackerApp.Define(app, Folder);
        app.Synth();
        string json = File.ReadAllText(Path.Combine(outdir, stack.StackName + ".template.json"));
        return new Synthesized(stack.Settings, Template.FromString(json), (JsonObject)JsonNode.Parse(json)!);
    }

    /// <summary>One stage's synthesized template, as CDK's assertion object and as plain JSON.</summary>
    public sealed record Synthesized(InfraSettings Settings, Template Template, JsonObject Json)
    {
        public StageNames Names => Settings.Names;

        public IEnumerable<(string Id, JsonObject Properties)> Resources(string type) =>
            ((JsonObject)Json["Resources"]!)
                .Where(r => (string?)r.Value!["Type"] == type)
                .Select(r => (r.Key, (JsonObject)(r.Value!["Properties"] ?? new JsonObject())));

        public JsonObject Single(string type, Func<JsonObject, bool>? where = null) =>
            Assert.Single(Resources(type), r => where is null || where(r.Properties)).Properties;
    }
}

[CollectionDefinition(Name)]
public sealed class SynthCollection : ICollectionFixture<SynthFixture>
{
    public const string Name = "synth";
}
