using System.Security.Cryptography;
using System.Text;
using Tracker.Core.Control;
using Tracker.Core.Storage;
using Tracker.Core.Tests.Storage;

namespace Tracker.Core.Tests.Control;

/// <summary>
/// The loader app's boot in the core (Control/README.md §2, "The loader"): the boot state and
/// <see cref="BootSelector"/>'s decision over images checked by manifest, each assembly's SHA-256 and the whole
/// image's, then the assemblies in load order and the entry point. A corrupt assembly, a manifest naming another
/// version, an image the runtime refused, a flash read that fails, comes back short or comes back changed, and a
/// power cut at every write of the boot's commit all end on an image whose bytes are the ones installed, or the
/// fall-back the selector models; never on unchecked bytes, never a throw.
/// </summary>
public class LoadPlanTests
{
    private const string Dir = "app";
    private static readonly byte[] CoreV10 = RandomNumberGenerator.GetBytes(2500);
    private static readonly byte[] AppV10 = RandomNumberGenerator.GetBytes(900);
    private static readonly byte[] CoreV11 = RandomNumberGenerator.GetBytes(2600);
    private static readonly byte[] AppV11 = RandomNumberGenerator.GetBytes(950);

    private static byte[] Pack(string version, byte[] core, byte[] app) =>
        ImageManifest.Write(version, "Tracker.Device.Program", "Start", ["Tracker.Core", "Tracker.Device"], [core, app]);

    /// <summary>Installs as the agent's <see cref="ImageStore"/> leaves an image: <c>&lt;v&gt;.img</c> beside the SHA-256 of the whole.</summary>
    private static void Install(IFlashFileSystem fs, string version, byte[] image, byte[]? recordedDigestOf = null)
    {
        string dir = fs.Combine(Dir, "images");
        fs.CreateDirectory(dir);
        fs.Append(fs.Combine(dir, version + ".img"), image, 0, image.Length);
        byte[] hex = Encoding.ASCII.GetBytes(Convert.ToHexStringLower(SHA256.HashData(recordedDigestOf ?? image)));
        fs.Append(fs.Combine(dir, version + ".sha"), hex, 0, hex.Length);
    }

    /// <summary>1.0 confirmed, 1.1 staged as the candidate.</summary>
    private static FaultyFlash Staged(int seed = 1)
    {
        var flash = new FaultyFlash(seed);
        Install(flash, "1.0", Pack("1.0", CoreV10, AppV10));
        Install(flash, "1.1", Pack("1.1", CoreV11, AppV11));
        Assert.True(new BootStateStore(flash, Dir + "/boot").Save(new BootState("1.0", string.Empty, string.Empty, 0).Stage("1.1")));
        return flash;
    }

    private static void AssertIsTheInstalled(LoadPlan plan)
    {
        if (plan.Version.Length == 0)
        {
            Assert.Null(plan.Image);
            return;
        }

        VerifiedImage image = plan.Image!;
        Assert.Equal(plan.Version, image.Version);
        Assert.Equal(("Tracker.Device.Program", "Start", 2), (image.EntryType, image.EntryMethod, image.Count));
        Assert.Equal(("Tracker.Core", "Tracker.Device"), (image.NameAt(0), image.NameAt(1)));
        Assert.Equal(plan.Version == "1.1" ? CoreV11 : CoreV10, image.AssemblyAt(0));
        Assert.Equal(plan.Version == "1.1" ? AppV11 : AppV10, image.AssemblyAt(1));
    }

    [Fact]
    public void ACandidate_IsLoadedInManifestOrder_AfterItsAttemptIsCommitted()
    {
        FaultyFlash flash = Staged();
        LoadPlan plan = LoadPlan.Decide(flash, Dir);

        Assert.Equal(("1.1", BootReason.TryingCandidate, true, string.Empty), (plan.Version, plan.Reason, plan.StateSaved, plan.Problem));
        AssertIsTheInstalled(plan);
        Assert.Equal(1, new BootStateStore(flash, Dir + "/boot").Load().Attempts);
    }

    [Fact]
    public void AnAssemblyThatDoesNotMatchItsSha256_DropsTheCandidate_EvenWhenTheWholeFileMatchesItsRecord()
    {
        var flash = new FaultyFlash();
        Install(flash, "1.0", Pack("1.0", CoreV10, AppV10));
        byte[] bad = Pack("1.1", CoreV11, AppV11);
        bad[^10] ^= 0x40; // inside Tracker.Device; the recorded whole-file digest is of these very bytes
        Install(flash, "1.1", bad, recordedDigestOf: bad);
        Assert.True(new BootStateStore(flash, Dir + "/boot").Save(new BootState("1.0", string.Empty, "1.1", 0)));

        LoadPlan plan = LoadPlan.Decide(flash, Dir);

        Assert.Equal(("1.0", BootReason.CandidateCorrupt), (plan.Version, plan.Reason));
        Assert.Contains("Tracker.Device does not match its SHA-256", plan.Problem, StringComparison.Ordinal);
        AssertIsTheInstalled(plan);
        Assert.Equal(string.Empty, new BootStateStore(flash, Dir + "/boot").Load().Candidate);
    }

    [Fact]
    public void AnImageWhoseManifestNamesAnotherVersion_OrWhoseWholeDigestDiffers_IsNotIntact()
    {
        var flash = new FaultyFlash();
        Install(flash, "1.1", Pack("1.2", CoreV11, AppV11));
        Install(flash, "1.0", Pack("1.0", CoreV10, AppV10), recordedDigestOf: [1, 2, 3]);
        var images = new ImageLoader(flash, Dir + "/images");

        Assert.False(images.IsIntact("1.1"));
        Assert.Contains("names version 1.2", images.LastRefusal, StringComparison.Ordinal);
        Assert.False(images.IsIntact("1.0"));
        Assert.Contains("recorded at its install", images.LastRefusal, StringComparison.Ordinal);
        Assert.False(images.IsIntact("2.0"));
        Assert.False(images.IsIntact(string.Empty));
    }

    [Fact]
    public void AnImageTheRuntimeRefused_IsMarked_AndEveryLaterBootFallsBackPastIt()
    {
        FaultyFlash flash = Staged();
        Assert.Equal("1.1", LoadPlan.Decide(flash, Dir).Version);
        Assert.True(LoadPlan.Refuse(flash, Dir, "1.1", "Assembly.Load(Tracker.Device) threw"));

        LoadPlan plan = LoadPlan.Decide(flash, Dir);
        Assert.Equal(("1.0", BootReason.CandidateCorrupt), (plan.Version, plan.Reason));
        Assert.Contains("marked unloadable", plan.Problem, StringComparison.Ordinal);

        // A confirmed image refused gives way to the previous one, then to the built-in application.
        Assert.True(new BootStateStore(flash, Dir + "/boot").Save(new BootState("1.1", "1.0", string.Empty, 0)));
        LoadPlan previous = LoadPlan.Decide(flash, Dir);
        Assert.Equal(("1.0", BootReason.PreviousVersion), (previous.Version, previous.Reason));
        Assert.True(LoadPlan.Refuse(flash, Dir, "1.0", "no entry type"));
        LoadPlan none = LoadPlan.Decide(flash, Dir);
        Assert.Equal((string.Empty, BootReason.BuiltIn), (none.Version, none.Reason));
        Assert.Null(none.Image);
    }

    [Theory]
    [InlineData(FlakyReads.Fault.Throw)]
    [InlineData(FlakyReads.Fault.Short)]
    [InlineData(FlakyReads.Fault.Flip)]
    public void AFlashReadThatFails_AtAnyRead_NeverRunsUncheckedBytes(FlakyReads.Fault fault)
    {
        int reads;
        {
            var counting = new FlakyReads(Staged(), FlakyReads.Fault.Throw, int.MaxValue);
            LoadPlan.Decide(counting, Dir);
            reads = counting.Reads;
        }

        Assert.True(reads >= 5, "reads: " + reads); // the boot state, then 1.1's digest record, header, manifest and two assemblies
        for (int k = 1; k <= reads; k++)
        {
            var flaky = new FlakyReads(Staged(), fault, k);
            LoadPlan plan = LoadPlan.Decide(flaky, Dir);

            Assert.Contains(plan.Version, new[] { "1.1", "1.0", string.Empty });
            AssertIsTheInstalled(plan);
        }
    }

    [Fact]
    public void APowerCutAtEveryTickOfTheBootsCommit_LeavesABootThatRunsAnInstalledImage()
    {
        long before;
        long total;
        {
            FaultyFlash flash = Staged();
            before = flash.Ticks;
            LoadPlan.Decide(flash, Dir);
            total = flash.Ticks;
        }

        Assert.True(total > before);
        for (long cut = before + 1; cut <= total; cut++)
        {
            FaultyFlash flash = Staged((int)cut);
            flash.CutAt = cut;
            LoadPlan.Decide(flash, Dir); // the cut lands in its commit: never a throw
            Assert.True(flash.IsCut);
            flash.Reboot();

            LoadPlan plan = LoadPlan.Decide(flash, Dir);
            Assert.Contains(plan.Version, new[] { "1.1", "1.0" });
            AssertIsTheInstalled(plan);
        }
    }

    /// <summary>A flash whose k-th read fails: it throws, comes back short, or comes back with one bit flipped.</summary>
    public sealed class FlakyReads(IFlashFileSystem inner, FlakyReads.Fault fault, int failAt) : IFlashFileSystem
    {
        public enum Fault
        {
            Throw,
            Short,
            Flip,
        }

        public int Reads { get; private set; }

        public void CreateDirectory(string directory) => inner.CreateDirectory(directory);

        public string[] ListFiles(string directory) => inner.ListFiles(directory);

        public string Combine(string directory, string name) => inner.Combine(directory, name);

        public int Length(string path) => inner.Length(path);

        public int ReadAt(string path, int offset, byte[] buffer, int index, int count)
        {
            if (++Reads != failAt)
            {
                return inner.ReadAt(path, offset, buffer, index, count);
            }

            if (fault == Fault.Throw)
            {
                throw new IOException("read failed");
            }

            int n = inner.ReadAt(path, offset, buffer, index, count);
            if (fault == Fault.Short)
            {
                return n / 2;
            }

            if (n > 0)
            {
                buffer[index + (n / 2)] ^= 0x10;
            }

            return n;
        }

        public void Append(string path, byte[] buffer, int index, int count) => inner.Append(path, buffer, index, count);

        public void Delete(string path) => inner.Delete(path);

        public void Rename(string sourcePath, string destinationPath) => inner.Rename(sourcePath, destinationPath);
    }
}
