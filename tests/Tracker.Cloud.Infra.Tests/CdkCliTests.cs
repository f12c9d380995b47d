using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Tracker.Cloud.Infra.Tests;

/// <summary>
/// The npm aws-cdk CLI (pinned in cloud/Tracker.Cloud.Infra/package.json) synthesizes the app offline:
/// no lookups, no AWS credentials, the prebuilt app instead of <c>dotnet run</c>. This proves the CLI
/// reads the cloud assembly that Amazon.CDK.Lib writes, and that a bad context fails the synth.
/// </summary>
public sealed class CdkCliTests : IDisposable
{
    private static readonly string CliScript = Path.Combine(Repository.InfraDir, "node_modules", "aws-cdk", "bin", "cdk");
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    private readonly TempFolder _scratch = new("tracker-infra-cli-");

    public void Dispose() => _scratch.Dispose();

    [CdkCliFact]
    public void CdkSynth_Offline_WritesTheCloudAssembly()
    {
        string package = FakePackage.Create(_scratch.Combine("lambda"));
        string output = _scratch.Combine("cdk.out");

        (int exit, string log) = RunCdk("synth", "-c", "stage=dev", "-c", "lambdaPackage=" + package, "-o", output);

        Assert.True(exit == 0, "cdk synth failed:\n" + log);
        Assert.True(File.Exists(Path.Combine(output, "manifest.json")), log);
        var template = (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(output, "tracker-dev.template.json")))!;
        Assert.Contains(template["Resources"]!.AsObject(), r => (string?)r.Value!["Type"] == "AWS::IoT::TopicRule");
    }

    [CdkCliFact]
    public void CdkSynth_WithoutAStage_FailsNamingTheKey()
    {
        (int exit, string log) = RunCdk("synth", "-o", _scratch.Combine("cdk.out"));

        Assert.NotEqual(0, exit);
        Assert.Contains("context 'stage' is required", log, StringComparison.Ordinal);
    }

    private (int Exit, string Log) RunCdk(params string[] arguments)
    {
        var start = new ProcessStartInfo(Tracker.Testing.PartCatalog.Current.Locate(Tracker.Testing.Part.Node))
        {
            WorkingDirectory = Repository.InfraDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(CliScript);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The prebuilt app (this test's own copy of it), not cdk.json's `dotnet run`, which would build again.
        start.ArgumentList.Add("--app");
        start.ArgumentList.Add("dotnet \"" + Path.Combine(AppContext.BaseDirectory, "Tracker.Cloud.Infra.dll") + "\"");
        foreach (string flag in new[] { "--no-lookups", "--no-notices", "--no-version-reporting", "--quiet" })
        {
            start.ArgumentList.Add(flag);
        }

        // Offline and without credentials: synth must need neither.
        foreach (string name in new[] { "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE" })
        {
            start.Environment.Remove(name);
        }

        start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        start.Environment["CDK_DISABLE_VERSION_CHECK"] = "1";

        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("cdk did not finish within " + Timeout);
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}

/// <summary>
/// A test that runs the npm aws-cdk CLI: it skips, saying so, when node or cloud/Tracker.Cloud.Infra's
/// node_modules is absent, except under CI=true, where it runs and fails (tests/Tracker.Testing's rule).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class CdkCliFactAttribute : FactAttribute
{
    public static string? SkipReason { get; } = Tracker.Testing.PartCatalog.Current.SkipReason([Tracker.Testing.Part.AwsCdkCli]);

    public CdkCliFactAttribute()
    {
        if (SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
