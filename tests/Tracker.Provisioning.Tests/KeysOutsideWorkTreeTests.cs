using System.Text.Json;
using Tracker.Provisioning.Tests.Support;

namespace Tracker.Provisioning.Tests;

/// <summary>
/// Secrets never land in a work tree: the default folders are per-user ones outside any repository, and a CA key or a
/// car's key asked for inside a git work tree is refused (exit 2, nothing written) unless --allow-in-repo says so.
/// </summary>
public sealed class KeysOutsideWorkTreeTests
{
    [Fact]
    public void WithoutFolders_TheCaAndTheBundlesGoToThePerUserFolder()
    {
        using var temp = new TempFolder();
        var env = new Dictionary<string, string> { ["TRACKER_PROVISION_HOME"] = temp.Combine("home") };
        string rootCa = WriteRootCa(temp);

        CliRun ca = CliRun.WithEnvironment(Fleet.Pass, env, "ca", "create", "--valid-days", "30", "--json");
        Assert.True(ca.ExitCode == 0, ca.Error);
        using JsonDocument created = JsonDocument.Parse(ca.Out);
        Assert.Equal(temp.Combine("home", "fleet-ca"), created.RootElement.GetProperty("directory").GetString());

        CliRun device = CliRun.WithEnvironment(Fleet.Pass, env, "device", "create", "--car", "CAR-0042", "--endpoint", "h.example", "--apn", "iot", "--root-ca", rootCa, "--json");
        Assert.Equal(0, device.ExitCode);
        Assert.True(File.Exists(temp.Combine("home", "bundles", "CAR-0042", "device.key")), device.Out + device.Error);

        CliRun flash = CliRun.WithEnvironment(null, env, "device", "flash", "--car", "CAR-0042", "--port", "COM7", "--dry-run", "--step", "files", "--profile", Path.Combine(Repository.Root, "nanoff.json"));
        Assert.True(flash.ExitCode == 0, flash.Error);
        Assert.Contains(temp.Combine("home", "bundles", "CAR-0042", "deploy.json"), flash.Out, StringComparison.Ordinal);

        CliRun list = CliRun.WithEnvironment(null, env, "device", "list", "--json");
        Assert.Equal(0, list.ExitCode);
        using JsonDocument listed = JsonDocument.Parse(list.Out);
        Assert.Equal(1, listed.RootElement.GetProperty("count").GetInt32());
    }

    [Theory]
    [InlineData("device", "flash", "--port", "COM7")]
    [InlineData("device", "verify")]
    public void BundleOrCar_ExactlyOneIsNeeded(params string[] args)
    {
        CliRun neither = CliRun.Of(null, args);
        Assert.Equal(2, neither.ExitCode);
        Assert.Contains("--car", neither.Error, StringComparison.Ordinal);

        CliRun traversal = CliRun.Of(null, [.. args, "--car", "../../etc"]);
        Assert.Equal(2, traversal.ExitCode);
    }

    [Fact]
    public void TheDefaultFolders_AreNotInsideTheRepository()
    {
        CliRun help = CliRun.Of(null, "ca", "create", "--help");

        Assert.Equal(0, help.ExitCode);
        Assert.Contains("tracker-provision", help.Out, StringComparison.Ordinal);
        string repository = Repository.Root;
        foreach (string line in help.Out.Split('\n').Where(l => l.Contains("default", StringComparison.OrdinalIgnoreCase) && l.Contains('/')))
        {
            Assert.DoesNotContain(repository, line, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void CaCreate_InsideAGitWorkTree_IsRefused_AndWritesNothing()
    {
        using var temp = new TempFolder();
        Directory.CreateDirectory(temp.Combine("repo", ".git"));
        string before = temp.TreeHash();

        CliRun run = CliRun.Of(Fleet.Pass, "ca", "create", "--out", temp.Combine("repo", "fleet-ca"), "--json");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("git work tree " + temp.Combine("repo"), run.Error, StringComparison.Ordinal);
        Assert.Contains("--allow-in-repo", run.Error, StringComparison.Ordinal);
        using JsonDocument doc = JsonDocument.Parse(run.Out);
        Assert.Equal("insideWorkTree", doc.RootElement.GetProperty("failure").GetString());
        Assert.Equal(before, temp.TreeHash());
    }

    [Fact]
    public void CaCreate_InThisRepository_IsRefused()
    {
        string target = Path.Combine(Repository.Root, "fleet-ca-" + Guid.NewGuid().ToString("N")[..8]);

        CliRun run = CliRun.Of(Fleet.Pass, "ca", "create", "--out", target);

        Assert.Equal(2, run.ExitCode);
        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public void CaCreate_InsideAWorktreeOrSubmodule_WhoseGitIsAFile_IsRefused()
    {
        using var temp = new TempFolder();
        Directory.CreateDirectory(temp.Combine("wt"));
        File.WriteAllText(temp.Combine("wt", ".git"), "gitdir: /elsewhere/.git/worktrees/wt\n");

        CliRun run = CliRun.Of(Fleet.Pass, "ca", "create", "--out", temp.Combine("wt", "deep", "fleet-ca"));

        Assert.Equal(2, run.ExitCode);
        Assert.False(Directory.Exists(temp.Combine("wt", "deep")));
    }

    [Fact]
    public void CaCreate_InsideAWorkTree_WithAllowInRepo_IsDone()
    {
        using var temp = new TempFolder();
        Directory.CreateDirectory(temp.Combine("repo", ".git"));

        CliRun run = CliRun.Of(Fleet.Pass, "ca", "create", "--out", temp.Combine("repo", "fleet-ca"), "--valid-days", "30", "--allow-in-repo");

        Assert.Equal(0, run.ExitCode);
        Assert.True(File.Exists(temp.Combine("repo", "fleet-ca", "fleet-ca.key.pem")));
    }

    [Fact]
    public void DeviceCreate_WithBundlesInsideAWorkTree_IsRefused_BeforeThePassphraseIsNeeded()
    {
        using var fleet = new Fleet();
        Directory.CreateDirectory(fleet.Root.Combine("repo", ".git"));
        string before = fleet.Root.TreeHash();

        CliRun run = CliRun.Of(null, "device", "create", "--car", "CAR-0042", "--ca", fleet.CaDir, "--out", fleet.Root.Combine("repo", "bundles"), "--endpoint", "h.example", "--apn", "iot", "--root-ca", fleet.RootCaPath);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("device.key", run.Error, StringComparison.Ordinal);
        Assert.Equal(before, fleet.Root.TreeHash());

        CliRun allowed = CliRun.Of(Fleet.Pass, "device", "create", "--car", "CAR-0042", "--ca", fleet.CaDir, "--out", fleet.Root.Combine("repo", "bundles"), "--endpoint", "h.example", "--apn", "iot", "--root-ca", fleet.RootCaPath, "--allow-in-repo");
        Assert.Equal(0, allowed.ExitCode);
    }

    private static string WriteRootCa(TempFolder temp)
    {
        using var fleet = new Fleet();
        string path = temp.Combine("AmazonRootCA1.pem");
        File.Copy(fleet.RootCaPath, path);
        return path;
    }
}
