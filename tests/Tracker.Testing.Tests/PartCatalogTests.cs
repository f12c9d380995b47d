namespace Tracker.Testing.Tests;

/// <summary>The one rule: a missing part skips with its reason on a developer's machine and fails under CI=true.</summary>
public sealed class PartCatalogTests
{
    private const string Root = "/clone";

    [Fact]
    public void MissingNpmServer_SkipsWithItsInstallCommand()
    {
        PartCatalog catalog = Machine(ci: null, "/usr/bin/node");

        Assert.Equal("dynalite not installed (npm ci in cloud/dynalite)", catalog.SkipReason([Part.Dynalite]));
        Assert.Equal("s3rver not installed (npm ci in cloud/s3rver)", catalog.SkipReason([Part.S3rver]));
    }

    [Fact]
    public void InstalledNpmServer_Runs()
    {
        PartCatalog catalog = Machine(ci: null, "/usr/bin/node", "/clone/cloud/dynalite/node_modules/dynalite/cli.js");

        Assert.Null(catalog.SkipReason([Part.Dynalite]));
        Assert.Equal("/clone/cloud/dynalite/node_modules/dynalite/cli.js", catalog.Locate(Part.Dynalite));
    }

    [Fact]
    public void WithoutNode_EveryNpmPartGivesNodesReason_SoTheSummaryHasOneLine()
    {
        PartCatalog catalog = Machine(ci: null, "/clone/cloud/dynalite/node_modules/dynalite/cli.js");

        string node = catalog.WhyMissing(Part.Node)!;
        Assert.Contains("node", node, StringComparison.Ordinal);
        Assert.All(new[] { Part.Dynalite, Part.S3rver, Part.DuckDb, Part.AwsCdkCli }, p => Assert.Equal(node, catalog.WhyMissing(p)));
    }

    [Theory]
    [InlineData("true")]
    [InlineData("TRUE")]
    public void UnderCi_AMissingPartDoesNotSkip_ItFailsSayingWhatIsMissing(string ci)
    {
        PartCatalog catalog = Machine(ci);

        Assert.Null(catalog.SkipReason([Part.Mosquitto, Part.Chromium]));
        var e = Assert.Throws<InvalidOperationException>(() => catalog.Locate(Part.Mosquitto));
        Assert.Contains("apt-get install mosquitto", e.Message, StringComparison.Ordinal);
        Assert.Contains("CI=true", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("false")]
    [InlineData("1")]
    [InlineData("")]
    public void OnlyCiTrue_MakesMissingPartsFail(string ci)
    {
        Assert.Equal("socat not installed (apt-get install socat)", Machine(ci).SkipReason([Part.Socat]));
    }

    [Fact]
    public void SeveralParts_SkipWithTheFirstMissingOnesReason()
    {
        PartCatalog catalog = Machine(ci: null, "/usr/bin/node", "/clone/cloud/s3rver/node_modules/s3rver/bin/s3rver.js");

        Assert.Equal("dynalite not installed (npm ci in cloud/dynalite)", catalog.SkipReason([Part.S3rver, Part.Dynalite]));
    }

    [Fact]
    public void Mosquitto_IsFoundInDebiansSbin_OrWhereTrackerMosquittoSays()
    {
        Assert.Equal("/usr/sbin/mosquitto", Machine(ci: null, "/usr/sbin/mosquitto").Locate(Part.Mosquitto));

        var environment = new Dictionary<string, string?> { ["PATH"] = "/usr/bin", ["TRACKER_MOSQUITTO"] = "/opt/m/mosquitto" };
        var files = new HashSet<string> { "/opt/m/mosquitto", "/usr/sbin/mosquitto" };
        var catalog = new PartCatalog(Root, environment.GetValueOrDefault, files.Contains);
        Assert.Equal("/opt/m/mosquitto", catalog.Locate(Part.Mosquitto));

        files.Remove("/opt/m/mosquitto");
        Assert.NotNull(catalog.WhyMissing(Part.Mosquitto)); // a wrong TRACKER_MOSQUITTO is not silently replaced
    }

    [Fact]
    public void EveryPart_HasAReasonNamingHowToGetIt()
    {
        PartCatalog empty = Machine(ci: null);
        foreach (Part part in Enum.GetValues<Part>())
        {
            string reason = empty.WhyMissing(part)!;
            Assert.Matches(@"\((npm ci in|apt-get install|install node)", reason);
        }
    }

    private static PartCatalog Machine(string? ci, params string[] files)
    {
        var environment = new Dictionary<string, string?> { ["PATH"] = "/usr/local/bin:/usr/bin", ["CI"] = ci };
        var present = new HashSet<string>(files, StringComparer.Ordinal);
        return new PartCatalog(Root, environment.GetValueOrDefault, present.Contains);
    }
}
