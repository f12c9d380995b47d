using Tracker.Core.Control;
using Tracker.Core.Tests.Storage;

namespace Tracker.Core.Tests.Control;

/// <summary>
/// The loader's decision at every boot (Control/README.md §2): a new version gets three boots to confirm, a crash
/// loop or a version that never confirms falls back, a corrupt image never runs, and a power cut at every write of
/// the switch leaves the car on the old version or the new one, never on nothing.
/// </summary>
public class BootSelectorTests
{
    private const string Dir = "boot";

    private sealed class Images(params string[] intact) : IImageCatalog
    {
        public HashSet<string> Intact { get; } = new(intact, StringComparer.Ordinal);

        public bool IsIntact(string version) => Intact.Contains(version);
    }

    /// <summary>One boot as the loader runs it: read the state, choose, commit the next state, run.</summary>
    private static (string Version, BootReason Reason) Boot(BootStateStore store, IImageCatalog images)
    {
        string version = BootSelector.Choose(store.Load(), images, out BootState next, out BootReason reason);
        Assert.True(store.Save(next));
        return (version, reason);
    }

    [Fact]
    public void ANewVersion_RunsOnTrial_AndOnceConfirmed_StaysWithTheOldOneKeptAsPrevious()
    {
        var store = new BootStateStore(new FaultyFlash(), Dir);
        var images = new Images("1.0", "1.1");
        Assert.True(store.Save(new BootState("1.0", string.Empty, string.Empty, 0).Stage("1.1")));

        Assert.Equal(("1.1", BootReason.TryingCandidate), Boot(store, images));
        Assert.True(store.Save(store.Load().Confirm()));

        Assert.Equal(("1.1", BootReason.Confirmed), Boot(store, images));
        BootState state = store.Load();
        Assert.Equal(("1.1", "1.0", string.Empty), (state.Confirmed, state.Previous, state.Candidate));
    }

    [Fact]
    public void AVersionThatNeverConfirms_OrCrashLoops_FallsBackAfterItsAttempts()
    {
        var store = new BootStateStore(new FaultyFlash(), Dir);
        var images = new Images("1.0", "1.1");
        Assert.True(store.Save(new BootState("1.0", string.Empty, string.Empty, 0).Stage("1.1")));

        for (int i = 0; i < BootState.MaxAttempts; i++)
        {
            Assert.Equal(("1.1", BootReason.TryingCandidate), Boot(store, images));
        }

        Assert.Equal(("1.0", BootReason.CandidateNotConfirmed), Boot(store, images));
        Assert.Equal(("1.0", BootReason.Confirmed), Boot(store, images));
        Assert.Equal(string.Empty, store.Load().Candidate);
    }

    [Fact]
    public void ACorruptCandidate_NeverRuns()
    {
        var store = new BootStateStore(new FaultyFlash(), Dir);
        Assert.True(store.Save(new BootState("1.0", string.Empty, string.Empty, 0).Stage("1.1")));

        Assert.Equal(("1.0", BootReason.CandidateCorrupt), Boot(store, new Images("1.0")));
    }

    [Fact]
    public void ACorruptConfirmedImage_FallsBackToThePrevious_ThenToTheBuiltIn()
    {
        var store = new BootStateStore(new FaultyFlash(), Dir);
        Assert.True(store.Save(new BootState("1.1", "1.0", string.Empty, 0)));

        Assert.Equal(("1.0", BootReason.PreviousVersion), Boot(store, new Images("1.0")));
        Assert.Equal("1.0", store.Load().Confirmed);
        Assert.Equal((string.Empty, BootReason.BuiltIn), Boot(store, new Images()));
        Assert.Equal((string.Empty, BootReason.Confirmed), Boot(store, new Images()));
    }

    [Fact]
    public void APowerCutAtEveryWriteOfTheSwitch_LeavesTheOldVersionOrTheNew_AndTheCarEndsOnAWorkingOne()
    {
        var images = new Images("1.0", "1.1");
        var old = new BootState("1.0", string.Empty, string.Empty, 0);

        // Measure the ticks of the whole switch: stage, the trial boots, the confirmation.
        var measure = new FaultyFlash();
        var measured = new BootStateStore(measure, Dir);
        Assert.True(measured.Save(old));
        long start = measure.Ticks;
        Assert.True(measured.Save(measured.Load().Stage("1.1")));
        Boot(measured, images);
        Assert.True(measured.Save(measured.Load().Confirm()));
        long cost = measure.Ticks - start;

        for (long cut = 0; cut <= cost + 1; cut++)
        {
            var flash = new FaultyFlash((int)cut);
            var store = new BootStateStore(flash, Dir);
            Assert.True(store.Save(old));
            flash.CutAt = flash.Ticks + cut;
            try
            {
                if (store.Save(store.Load().Stage("1.1")))
                {
                    string version = BootSelector.Choose(store.Load(), images, out BootState next, out _);
                    if (store.Save(next) && version == "1.1")
                    {
                        store.Save(store.Load().Confirm());
                    }
                }
            }
            catch (PowerCutException)
            {
                // Load() reads through a dead file system as "no state"; the next boot is what counts.
            }

            flash.Reboot();
            BootState after = store.Load();
            Assert.True(after.Confirmed is "1.0" or "1.1", $"cut {cut}: confirmed '{after.Confirmed}'");
            Assert.True(after.Candidate is "" or "1.1", $"cut {cut}: candidate '{after.Candidate}'");

            // Whatever survived, the loader runs an intact version, and after the trial the car is on one.
            for (int i = 0; i <= BootState.MaxAttempts; i++)
            {
                (string running, _) = Boot(store, images);
                Assert.True(running is "1.0" or "1.1", $"cut {cut}: runs '{running}'");
            }

            Assert.Equal(string.Empty, store.Load().Candidate);
        }
    }

    [Fact]
    public void TheStateText_RoundTrips_AndGarbageIsNoState()
    {
        var state = new BootState("1.1", "1.0", "1.2 \"rc\"", 2);
        Assert.True(BootState.TryParse(state.ToText(), out BootState? back));
        Assert.Equal((state.Confirmed, state.Previous, state.Candidate, state.Attempts), (back!.Confirmed, back.Previous, back.Candidate, back.Attempts));

        var random = new Random(18);
        string text = state.ToText();
        for (int i = 0; i < 2000; i++)
        {
            char[] chars = text.ToCharArray();
            chars[random.Next(chars.Length)] = (char)random.Next(32, 127);
            BootState.TryParse(new string(chars), out _);
        }

        Assert.False(BootState.TryParse("confirmed = 1.0\n", out _));
        Assert.False(BootState.TryParse(text + "extra = 1\n", out _));
    }
}
