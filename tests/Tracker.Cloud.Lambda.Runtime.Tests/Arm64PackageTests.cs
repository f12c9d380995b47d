using Tracker.Testing;
using System.Text.Json;
using Tracker.Cloud.Lambda.Cli.Runtime;
using Tracker.Cloud.Lambda.Functions;
using Tracker.Cloud.Lambda.Runtime.Tests.Support;
using Xunit.Abstractions;

namespace Tracker.Cloud.Lambda.Runtime.Tests;

/// <summary>
/// The package the deploy uploads: published for linux-arm64 from this x64 machine (the cross build
/// with clang and lld), then started under qemu's user-mode emulation against the local Runtime API.
/// The other bootstrap tests run the same code built for this machine; this one runs the very
/// executable Lambda will start. Timings under emulation mean nothing and are not reported.
/// </summary>
[Collection(PublishedPackageCollection.Name)]
public sealed class Arm64PackageTests(Arm64Package arm, ITestOutputHelper output)
    : IClassFixture<Arm64Package>
{
    private const ushort ElfMachineAarch64 = 0xB7;

    [Arm64Fact]
    public async Task DeployPackage_IsAnArm64Executable_ThatRunsTheRuntimeLoop()
    {
        PublishedPackage package = arm.Package!;
        byte[] header = new byte[20];
        using (FileStream file = File.OpenRead(package.Bootstrap))
        {
            file.ReadExactly(header);
        }

        Assert.Equal(ElfMachineAarch64, BitConverter.ToUInt16(header, 18));
        Assert.Equal(["bootstrap"], Directory.EnumerateFileSystemEntries(package.Folder).Select(Path.GetFileName));
        output.WriteLine($"published linux-arm64 in {package.PublishSeconds:0} s: {package.Bytes / 1_048_576.0:0.0} MB");

        // The function is built as on Lambda (its settings read, its DynamoDB client made); the requests
        // below are answered before any AWS call, which under emulation would need the arm64 OpenSSL.
        Dictionary<string, string> environment = RunningFunction.DynamoDbEnvironment("t" + Guid.NewGuid().ToString("N")[..10], new Uri("http://127.0.0.1:9"));
        await using RunningFunction api = await RunningFunction.StartAsync(package, FunctionCatalog.Api, environment, output: null, Arm64Package.Launcher);

        JsonElement anonymous = await api.RespondAsync(LambdaEvents.Http("/cars", claims: null));
        Assert.Equal(401, anonymous.GetProperty("statusCode").GetInt32());
        JsonElement unknown = await api.RespondAsync(LambdaEvents.Http("/nowhere", LambdaEvents.Claims("9d3b7e52-operator-0001", "operators")));
        Assert.Equal(404, unknown.GetProperty("statusCode").GetInt32());
        RuntimeApiResult bad = await api.InvokeAsync("{\"version\":\"1.0\"}");
        Assert.Equal("Function.InvalidEvent", bad.ErrorCategory);
        Assert.All(api.LogLines(), l => Assert.True(l.TryGetProperty("level", out _)));
    }
}

/// <summary>The deploy's linux-arm64 package, published once for <see cref="Arm64PackageTests"/> when the cross tools are here.</summary>
public sealed class Arm64Package : IDisposable
{
    /// <summary>How the arm64 executable is started on this machine: qemu with the arm64 C library.</summary>
    public static readonly IReadOnlyList<string> Launcher = ["/usr/bin/qemu-aarch64", "-L", "/usr/aarch64-linux-gnu"];

    public Arm64Package()
    {
        if (Arm64FactAttribute.SkipReason is null)
        {
            Package = new PublishedPackage("linux-arm64");
        }
    }

    /// <summary>The package, or null when the tests skip.</summary>
    public PublishedPackage? Package { get; }

    public void Dispose() => Package?.Dispose();
}

/// <summary>
/// Runs on an x64 machine with clang, lld, the arm64 C library and qemu-user (.ci/run installs them);
/// skipped elsewhere, saying why, except under CI=true, where missing tools fail the test.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class Arm64FactAttribute : FactAttribute
{
    public Arm64FactAttribute()
    {
        if (SkipReason is { } reason)
        {
            Skip = reason;
        }
    }

    /// <summary>Why the arm64 package is not tested here, or null.</summary>
    public static string? SkipReason { get; } = Find();

    private static string? Find()
    {
        if (System.Runtime.InteropServices.RuntimeInformation.OSArchitecture != System.Runtime.InteropServices.Architecture.X64)
        {
            return "this machine is not x64: the other bootstrap tests already run the package for its own architecture";
        }

        return PartCatalog.Current.SkipReason([Part.Arm64Cross]);
    }
}
