using BenchmarkDotNet.Attributes;
using Tracker.Core.Fixes;
using Tracker.Core.Storage;
using Tracker.Device.Storage;
using Tracker.Testing;

namespace Tracker.Core.Benchmarks;

/// <summary>
/// The store-and-forward log on the host directory adapter (real files in a temporary folder):
/// append every fix of the drive, then take and commit them in batches of 10, as the uplink does.
/// Reported per fix.
/// </summary>
[MemoryDiagnoser]
public class FixLogBenchmarks
{
    private Fix[] _fixes = [];
    private TempFolder? _folder;
    private readonly Fix[] _batch = new Fix[10];

    [GlobalSetup]
    public void Setup()
    {
        _fixes = BenchData.Fixes();
    }

    [IterationSetup]
    public void Clean()
    {
        _folder = new TempFolder("fixlog-benchmark-");
    }

    [IterationCleanup]
    public void Remove()
    {
        _folder?.Dispose();
    }

    [Benchmark(OperationsPerInvoke = 4469)]
    public long AppendThenCommit_PerFix()
    {
        using var fs = new DirectoryFlashFileSystem();
        FixLog log = FixLog.Open(fs, _folder!.Path, FixLogOptions.ForCapacity(3 * 1024 * 1024));
        for (int i = 0; i < _fixes.Length; i++)
        {
            log.Append(ref _fixes[i]);
        }

        var batch = new LogBatch();
        while (log.TakeBatch(_batch, _batch.Length, batch) > 0)
        {
            log.Commit(batch);
        }

        return log.Committed;
    }
}
