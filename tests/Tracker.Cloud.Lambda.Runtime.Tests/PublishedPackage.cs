using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Tracker.Cloud.Lambda.Runtime.Tests;

/// <summary>
/// The Lambda package, published once per test run with the deploy's command
/// (<c>dotnet publish cloud/Tracker.Cloud.Lambda.Runtime -c Release -r linux-&lt;arch&gt; -o &lt;dir&gt;</c>; the
/// deploy uses linux-arm64) for this machine's architecture, so every bootstrap test starts the very
/// files Lambda would. The build runs in its own artifacts folder, so it never races another build of
/// the same projects (the CDK CLI test builds them in Release too). The publish is Native AOT, as the
/// project file sets it for a runtime identifier.
/// </summary>
public sealed class PublishedPackage : IDisposable
{
    private static readonly TimeSpan s_publishTimeout = TimeSpan.FromMinutes(15);

    public PublishedPackage()
        : this(RuntimeIdentifierOfThisMachine)
    {
    }

    /// <summary>Publishes for <paramref name="runtimeIdentifier"/> (linux-arm64 from an x64 machine is the deploy's cross build).</summary>
    internal PublishedPackage(string runtimeIdentifier)
    {
        RuntimeIdentifier = runtimeIdentifier;
        Root = new TempFolder("tracker-bootstrap-");
        Folder = Root.Combine("package");
        string project = Repository.PathOf("cloud", "Tracker.Cloud.Lambda.Runtime", "Tracker.Cloud.Lambda.Runtime.csproj");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in (string[])["publish", project, "-c", "Release", "-r", RuntimeIdentifier, "-o", Folder, "--artifacts-path", Root.Combine("artifacts"), "-nologo"])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        var watch = Stopwatch.StartNew();
        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(s_publishTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet publish of the bootstrap took over {s_publishTimeout.TotalMinutes} minutes");
        }

        if (process.ExitCode != 0 || !File.Exists(Bootstrap))
        {
            throw new InvalidOperationException($"dotnet publish of the bootstrap failed ({process.ExitCode}):\n{output.Result}\n{errors.Result}");
        }

        PublishSeconds = watch.Elapsed.TotalSeconds;
        Log = output.Result + errors.Result;
        Bytes = Directory.EnumerateFiles(Folder, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
    }

    /// <summary>linux-x64 or linux-arm64, this machine's.</summary>
    public static string RuntimeIdentifierOfThisMachine => RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64";

    /// <summary>The runtime identifier published for.</summary>
    public string RuntimeIdentifier { get; }

    /// <summary>The published folder: what the CDK stack zips for every function.</summary>
    public string Folder { get; }

    /// <summary>The executable Lambda starts.</summary>
    public string Bootstrap => Path.Combine(Folder, "bootstrap");

    /// <summary>What dotnet publish printed.</summary>
    public string Log { get; }

    /// <summary>How long the publish took.</summary>
    public double PublishSeconds { get; }

    /// <summary>The package's size.</summary>
    public long Bytes { get; }

    private TempFolder Root { get; }

    public void Dispose() => Root.Dispose();
}

/// <summary>Every test class that starts the bootstrap shares the one publish.</summary>
[CollectionDefinition(Name)]
public sealed class PublishedPackageCollection : ICollectionFixture<PublishedPackage>
{
    public const string Name = "published bootstrap";
}
