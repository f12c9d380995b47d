using System.Diagnostics;

namespace Tracker.SubsetCheck.Tests;

/// <summary>
/// The build itself fails, naming the package to add: a throwaway project that imports
/// Tracker.SubsetCheck.targets exactly as the firmware's host projects do is built with
/// <c>dotnet build</c>, once using System.Text without listing it, once listing M2Mqtt without
/// System.Collections. Needs the real lists in ../shared (read in place).
/// </summary>
public sealed class BuildFailureTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tracker-subsetcheck-build", Guid.NewGuid().ToString("N"));

    public BuildFailureTests()
    {
        Directory.CreateDirectory(_dir);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    [RealPackageListsFact]
    public void MissingSystemText_FailsTheBuild_NamingThePackage()
    {
        (int exit, string output) = Build(
            """
            namespace Probe
            {
                public static class Status
                {
                    public static byte[] Will() { return System.Text.Encoding.UTF8.GetBytes("offline"); }
                }
            }
            """,
            "nanoFramework.CoreLibrary 1.17.11");

        Assert.NotEqual(0, exit);
        Assert.Contains("error NFSUB005: Probe.Status.Will uses T:System.Text.Encoding, which is in nanoFramework.System.Text", output, StringComparison.Ordinal);
        Assert.Contains("add <package id=\"nanoFramework.System.Text\"", output, StringComparison.Ordinal);
        Assert.Contains("error NFSUB000: The nanoFramework 1.x subset check failed", output, StringComparison.Ordinal);
    }

    [RealPackageListsFact]
    public void MissingSystemCollections_FailsTheBuild_NamingThePackage()
    {
        (int exit, string output) = Build(
            """
            namespace Probe
            {
                public static class App
                {
                    public static int Run() { return 0; }
                }
            }
            """,
            PackageTests.M2MqttWithoutCollections);

        Assert.NotEqual(0, exit);
        Assert.Contains("error NFSUB006: nanoFramework.M2Mqtt needs nanoFramework.System.Collections, which packages.config does not list: add <package id=\"nanoFramework.System.Collections\"", output, StringComparison.Ordinal);
    }

    private (int Exit, string Output) Build(string source, params string[] packages)
    {
        string shared = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(SurfaceFiles.Real)!, ".."));
        string targets = Repository.Path("firmware/Tracker.SubsetCheck/Tracker.SubsetCheck.targets");
        File.WriteAllText(Path.Combine(_dir, "Probe.cs"), source);
        File.WriteAllLines(
            Path.Combine(_dir, "packages.config"),
            ["<?xml version=\"1.0\" encoding=\"utf-8\"?>", "<packages>", .. packages.Select(p => $"  <package id=\"{p.Split(' ')[0]}\" version=\"{p.Split(' ')[1]}\" targetFramework=\"netnano1.0\" />"), "</packages>"]);
        File.WriteAllText(Path.Combine(_dir, "Probe.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <LangVersion>9.0</LangVersion>
                <Nullable>enable</Nullable>
                <ImplicitUsings>disable</ImplicitUsings>
                <Optimize>true</Optimize>
                <GenerateAssemblyInfo>false</GenerateAssemblyInfo>
                <GenerateTargetFrameworkAttribute>false</GenerateTargetFrameworkAttribute>
                <TrackerSharedDir>{shared}</TrackerSharedDir>
                <TrackerSubsetCheckPackages>$(MSBuildThisFileDirectory)packages.config</TrackerSubsetCheckPackages>
              </PropertyGroup>
              <Import Project="{targets}" />
            </Project>
            """);

        var start = new ProcessStartInfo(Dotnet.Host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _dir,
        };
        foreach (string arg in new[] { "build", "Probe.csproj", "-c", Repository.Configuration, "-nologo", "-nodeReuse:false", "-p:BuildProjectReferences=false", "-clp:NoSummary" })
        {
            start.ArgumentList.Add(arg);
        }

        // The test host runs under 'dotnet test': keep its MSBuild settings out of the child build.
        foreach (string key in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToArray())
        {
            start.Environment.Remove(key);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(300_000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("dotnet build of the probe did not finish in 5 minutes");
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
