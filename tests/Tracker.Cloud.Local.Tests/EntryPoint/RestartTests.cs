using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Sqlite;
using Tracker.Simulation.Car;
using Tracker.Testing;

namespace Tracker.Cloud.Local.Tests.EntryPoint;

/// <summary>
/// The README's main command as a user meets it: the built tracker-local started, stopped with Ctrl+C (SIGINT) and
/// started again on the same data folder, then killed (SIGKILL) and started again, losing nothing: every fix the cars
/// held in flash when the process died is stored after the restart, and nothing stored before is gone. The cars
/// replay the project's own sample drive (moving from the first second) and publish every 10 s, so they hold fixes.
/// </summary>
public sealed class RestartTests : IDisposable
{
    private static readonly TimeSpan Start = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan Stop = TimeSpan.FromSeconds(60);
    private readonly TempFolder _folder = new("tracker-restart-");

    private string Data => _folder.Combine("data");

    [Fact]
    public async Task StartStopStart_ThenKillAndStart_OnTheSameDataFolder_LosesNothing()
    {
        // 1. First start (creates the data folder) and a clean stop, as Ctrl+C does.
        using (TestProcess first = StartHost())
        {
            await ExpectReadyAsync(first);
            await Task.Delay(TimeSpan.FromSeconds(3));
            first.Interrupt();
            Assert.True(await first.WaitForExitAsync(Stop) == 0, "Ctrl+C did not stop the host cleanly:\n" + first.Output);
            Assert.Contains("tracker-local: stopped;", first.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("holders: )", first.Output, StringComparison.Ordinal); // the stop line names the cars holding fixes, or says there are none
        }

        Dictionary<string, HashSet<long>> storedAfterFirst = await StoredAsync();
        Assert.NotEmpty(storedAfterFirst.SelectMany(c => c.Value));

        // 2. Second start on the same folder (it crashed here before), then a crash: SIGKILL while the cars hold fixes.
        using (TestProcess second = StartHost())
        {
            await ExpectReadyAsync(second);
            Assert.Contains("identities from an earlier run", second.Output, StringComparison.Ordinal);
            await Task.Delay(TimeSpan.FromSeconds(7)); // the cars record each second and publish every 10 s
            second.KillHard();
        }

        Dictionary<string, long[]> heldAtKill = CarFlashLogs.PendingTimes(Path.Combine(Data, "flash"), readCopy: true); // the host opens them next
        int held = heldAtKill.Sum(c => c.Value.Length);
        Assert.True(held > 0, "the cars held nothing in flash when the host was killed, so the restart proves nothing");

        // 3. Third start after the crash; a clean stop lets every car deliver what it holds.
        using (TestProcess third = StartHost())
        {
            await ExpectReadyAsync(third);
            await Task.Delay(TimeSpan.FromSeconds(3));
            third.Interrupt();
            Assert.True(await third.WaitForExitAsync(Stop) == 0, "the host did not stop cleanly after the crash:\n" + third.Output);
        }

        Dictionary<string, HashSet<long>> stored = await StoredAsync();
        Dictionary<string, long[]> stillHeld = CarFlashLogs.PendingTimes(Path.Combine(Data, "flash"), readCopy: true); // a car in a simulated dead zone keeps its fixes for the next run

        foreach ((string car, HashSet<long> times) in storedAfterFirst)
        {
            Assert.Subset(stored.GetValueOrDefault(car) ?? [], times);
        }

        int delivered = 0;
        foreach ((string car, long[] times) in heldAtKill)
        {
            foreach (long ts in times)
            {
                bool isStored = stored.GetValueOrDefault(car)?.Contains(ts) == true;
                bool isHeld = stillHeld.GetValueOrDefault(car)?.Contains(ts) == true;
                Assert.True(isStored || isHeld, $"{car}'s fix at {ts}, in its flash log when the host was killed, was lost");
                delivered += isStored ? 1 : 0;
            }
        }

        Assert.True(delivered > 0, "none of the " + held + " fixes held at the kill was delivered after the restart");
    }

    public void Dispose() => _folder.Dispose();

    private TestProcess StartHost() => BuiltHost.Start(
        _folder.Path,
        "--data", Data,
        "--http-port", FreePort.OnLoopback().ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--mqtt-port", FreePort.OnLoopback().ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--cars", "3",
        "--replay", Repository.PathOf("firmware", "Tracker.BenchTool", "samples", "demo-drive.nmea"), // the cars drive from the first second
        "--live-period", "10s",
        "--progress", "0",
        "--drain-timeout", "30s");

    private static async Task ExpectReadyAsync(TestProcess host)
    {
        Assert.True(await host.WaitForAsync("tracker-local: ready", Start), "tracker-local did not become ready:\n" + host.Output);
        Assert.DoesNotContain("Exception", host.Output, StringComparison.Ordinal);
    }

    /// <summary>The stored fixes' times per car, read from the host's SQLite file while no host runs.</summary>
    private async Task<Dictionary<string, HashSet<long>>> StoredAsync()
    {
        SqliteStore store = await SqliteStore.OpenAsync(new SqliteStoreOptions { Path = Path.Combine(Data, "tracker.db") }, CancellationToken.None);
        var stored = new Dictionary<string, HashSet<long>>(StringComparer.Ordinal);
        for (int i = 1; i <= 3; i++)
        {
            string car = Tracker.Cloud.Local.Security.CarIds.Of(i);
            var times = new HashSet<long>();
            string? cursor = null;
            do
            {
                FixPage page = await store.QueryAsync(car, 0, long.MaxValue, 1000, cursor, CancellationToken.None);
                times.UnionWith(page.Fixes.Select(f => f.Ts));
                cursor = page.NextCursor;
            }
            while (cursor is not null);
            stored[car] = times;
        }

        return stored;
    }
}
