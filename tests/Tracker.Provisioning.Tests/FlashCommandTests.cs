using System.Text.Json;
using Tracker.Provisioning.Bundles;
using Tracker.Provisioning.Tests.Support;

namespace Tracker.Provisioning.Tests;

/// <summary>device flash when something is missing: it never reports success for a board it did not flash.</summary>
public sealed class FlashCommandTests
{
    private static readonly Dictionary<string, string> NoNanoff = new() { ["PATH"] = "/nonexistent" };

    [Fact]
    public void WithoutNanoff_ItExitsOne_SaysSo_AndPrintsTheCommandsToRun()
    {
        using var fleet = new Fleet();
        DeviceBundle bundle = fleet.Create("CAR-0042");
        string profile = Profile(fleet, imageBuilt: true);

        CliRun run = CliRun.WithEnvironment(null, NoNanoff, "device", "flash", "--bundle", bundle.Directory, "--port", "/dev/ttyACM0", "--profile", profile);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("nanoff is not installed", run.Error, StringComparison.Ordinal);
        Assert.Contains("nothing was flashed", run.Error, StringComparison.Ordinal);
        Assert.Equal(3, run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.StartsWith("nanoff ", StringComparison.Ordinal)));

        CliRun json = CliRun.WithEnvironment(null, NoNanoff, "device", "flash", "--bundle", bundle.Directory, "--port", "/dev/ttyACM0", "--profile", profile, "--json");
        Assert.Equal(1, json.ExitCode);
        using JsonDocument doc = JsonDocument.Parse(json.Out);
        Assert.False(doc.RootElement.GetProperty("ok").GetBoolean());
        Assert.False(doc.RootElement.GetProperty("ran").GetBoolean());
        Assert.Equal("toolMissing", doc.RootElement.GetProperty("failure").GetString());
    }

    [Fact]
    public void DryRun_WithoutTheApplicationImage_WarnsThatItIsNotBuilt()
    {
        using var fleet = new Fleet();
        DeviceBundle bundle = fleet.Create("CAR-0042");
        string profile = Profile(fleet, imageBuilt: false);

        CliRun run = CliRun.WithEnvironment(null, NoNanoff, "device", "flash", "--bundle", bundle.Directory, "--port", "COM7", "--profile", profile, "--dry-run");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("warning: the application image", run.Error, StringComparison.Ordinal);
        Assert.Contains("is not built", run.Error, StringComparison.Ordinal);

        CliRun filesOnly = CliRun.WithEnvironment(null, NoNanoff, "device", "flash", "--bundle", bundle.Directory, "--port", "COM7", "--profile", profile, "--dry-run", "--step", "files");
        Assert.Equal(0, filesOnly.ExitCode);
        Assert.DoesNotContain("warning", filesOnly.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void WithNanoffButWithoutTheApplicationImage_NothingIsFlashed_AndItExitsOne()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // the stand-in nanoff is a shell script
        }

        using var fleet = new Fleet();
        DeviceBundle bundle = fleet.Create("CAR-0042");
        string profile = Profile(fleet, imageBuilt: false);
        string tools = fleet.Root.Combine("tools");
        Directory.CreateDirectory(tools);
        string called = fleet.Root.Combine("nanoff-was-called");
        string nanoff = Path.Combine(tools, "nanoff");
        File.WriteAllText(nanoff, "#!/bin/sh\ntouch '" + called + "'\n");
        File.SetUnixFileMode(nanoff, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        CliRun run = CliRun.WithEnvironment(null, new Dictionary<string, string> { ["PATH"] = tools }, "device", "flash", "--bundle", bundle.Directory, "--port", "COM7", "--profile", profile, "--json");

        Assert.Equal(1, run.ExitCode);
        using JsonDocument doc = JsonDocument.Parse(run.Out);
        Assert.Equal("inputMissing", doc.RootElement.GetProperty("failure").GetString());
        Assert.False(File.Exists(called), "nanoff ran although the application image is missing");
    }

    /// <summary>The repository's nanoff.json, copied beside a stand-in image (or none).</summary>
    private static string Profile(Fleet fleet, bool imageBuilt)
    {
        string repository = Repository.Root;
        string folder = fleet.Root.Combine("repo");
        Directory.CreateDirectory(folder);
        string profile = Path.Combine(folder, "nanoff.json");
        File.Copy(Path.Combine(repository, "nanoff.json"), profile);
        if (imageBuilt)
        {
            string image = Tracker.Provisioning.Flashing.FlashPlan.ApplicationImagePath(profile);
            Directory.CreateDirectory(Path.GetDirectoryName(image)!);
            File.WriteAllBytes(image, [1, 2, 3]);
        }

        return profile;
    }
}
