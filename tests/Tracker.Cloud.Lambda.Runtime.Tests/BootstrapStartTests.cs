using System.Diagnostics;
using System.Text.Json;
using Tracker.Cloud.Lambda.Cli.Runtime;
using Tracker.Cloud.Lambda.Functions;
using Tracker.Cloud.Lambda.Runtime.Tests.Support;
using Xunit.Abstractions;

namespace Tracker.Cloud.Lambda.Runtime.Tests;

/// <summary>The published bootstrap's start and stop: init errors reported to the Runtime API, SIGTERM, the package's shape.</summary>
[Collection(PublishedPackageCollection.Name)]
public sealed class BootstrapStartTests(PublishedPackage package, ITestOutputHelper output)
{
    [Fact]
    public void Package_IsOneNativeExecutable()
    {
        output.WriteLine($"published {package.RuntimeIdentifier} in {package.PublishSeconds:0} s: {package.Bytes / 1_048_576.0:0.0} MB");
        Assert.Equal(["bootstrap"], Directory.EnumerateFileSystemEntries(package.Folder).Select(Path.GetFileName));
        Assert.True(!OperatingSystem.IsWindows() && File.GetUnixFileMode(package.Bootstrap).HasFlag(UnixFileMode.UserExecute));

        // Native AOT: an ELF executable, no managed runtime or runtimeconfig to find at start-up.
        byte[] head = new byte[4];
        using (FileStream file = File.OpenRead(package.Bootstrap))
        {
            file.ReadExactly(head);
        }

        Assert.Equal([0x7F, (byte)'E', (byte)'L', (byte)'F'], head);

        // Lambda's unzipped package limit is 250 MB (Lambda quotas).
        Assert.InRange(package.Bytes, 1, 250L * 1024 * 1024);
    }

    [Fact]
    public void Publish_ShowsNoTrimOrAotWarning_ButParquetsThreeKnownOnes()
    {
        // The csproj keeps exactly these as warnings (Parquet.Net's CLR schema inference, unused by the
        // archive); anything else is an error, and a new warning here means the exceptions grew.
        string[] warnings = package.Log.Split('\n')
            .Select(l => System.Text.RegularExpressions.Regex.Match(l, @"warning (IL\d{4}): ([^:(]+)"))
            .Where(m => m.Success)
            .Select(m => m.Groups[1].Value + " " + m.Groups[2].Value.Trim())
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToArray();

        Assert.Equal(
            [
                "IL2070 Parquet.Extensions.ParquetClrSchemaExtensions.IsGenericIDictionary",
                "IL2070 Parquet.Extensions.ParquetClrSchemaExtensions.TryExtractIEnumerableType",
                "IL3050 Parquet.Extensions.ParquetClrSchemaExtensions.GetNullable",
            ],
            warnings);
    }

    [Theory]
    [InlineData("", "Runtime.NoSuchHandler", "_HANDLER is ''")]
    [InlineData("Tracker.Cloud.Lambda::Tracker.Cloud.Lambda.Functions.ApiFunction::FunctionHandler", "Runtime.NoSuchHandler", "must be one of ingest, api, archive, live-authorizer, live-disconnect")]
    [InlineData(FunctionCatalog.Api, "Runtime.ConfigInvalid", "TRACKER_FIXES_TABLE is not set")]
    [InlineData(FunctionCatalog.Notify, "Runtime.ConfigInvalid", "TRACKER_SUBSCRIPTIONS_TABLE is not set")]
    public async Task BadConfiguration_IsReportedAsAnInitError_AndTheProcessExits(string handler, string category, string message)
    {
        await using LocalRuntimeApi api = await LocalRuntimeApi.StartAsync(CancellationToken.None);
        await using BootstrapProcess process = BootstrapProcess.Start(package.Folder, BootstrapProcess.LambdaEnvironment(package.Folder, api.Endpoint, handler));

        RuntimeApiResult init = await api.InitError.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(category, init.ErrorCategory);
        using JsonDocument error = JsonDocument.Parse(init.Body);
        Assert.Contains(message, error.RootElement.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
        Assert.True(await process.WaitForExitAsync(TimeSpan.FromSeconds(30)), "still running after its init error");
        Assert.Equal(1, process.ExitCode);
        Assert.False(api.FirstNext.IsCompleted, "asked for an event after an init error");
    }

    [Fact]
    public async Task OutsideLambda_ExitsWithAClearMessage()
    {
        await using BootstrapProcess process = BootstrapProcess.Start(package.Folder, new Dictionary<string, string> { ["_HANDLER"] = FunctionCatalog.Api });

        Assert.True(await process.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("AWS_LAMBDA_RUNTIME_API is not set", string.Join('\n', process.StandardOutput), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sigterm_WhileWaitingForAnEvent_ExitsCleanly()
    {
        await using LocalRuntimeApi api = await LocalRuntimeApi.StartAsync(CancellationToken.None);
        Dictionary<string, string> environment = BootstrapProcess.LambdaEnvironment(package.Folder, api.Endpoint, FunctionCatalog.Api);
        environment["TRACKER_FIXES_TABLE"] = "tracker-test-fixes";
        environment["TRACKER_LATEST_TABLE"] = "tracker-test-latest";
        environment["TRACKER_RENTALS_TABLE"] = "tracker-test-rentals";
        await using BootstrapProcess process = BootstrapProcess.Start(package.Folder, environment);
        await api.FirstNext.WaitAsync(TimeSpan.FromSeconds(60));

        using (Process kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
            Assert.Equal(0, kill.ExitCode);
        }

        Assert.True(await process.WaitForExitAsync(TimeSpan.FromSeconds(30)), "SIGTERM did not stop it: " + process.Describe());
        Assert.Equal(0, process.ExitCode);
    }
}
