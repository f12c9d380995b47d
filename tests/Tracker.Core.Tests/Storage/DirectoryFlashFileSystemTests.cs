using Tracker.Core.Fixes;
using Tracker.Core.Storage;
using Tracker.Device.Storage;
using static Tracker.Core.Tests.Storage.LogTestKit;

namespace Tracker.Core.Tests.Storage;

/// <summary>The System.IO adapter (the one the device uses on I:) against a real directory.</summary>
public sealed class DirectoryFlashFileSystemTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "fixlog-tests-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public void Operations_BehaveAsTheContractSays()
    {
        using var fs = new DirectoryFlashFileSystem();
        fs.CreateDirectory(_root);
        fs.CreateDirectory(_root);
        string a = fs.Combine(_root, "a.bin");
        string b = fs.Combine(_root, "b.bin");
        Assert.Equal(-1, fs.Length(a));
        Assert.Equal(0, fs.ReadAt(a, 0, new byte[4], 0, 4));

        fs.Append(a, [1, 2, 3, 4, 5], 1, 3);
        fs.Append(a, [6, 7], 0, 2);
        Assert.Equal(5, fs.Length(a));
        var buffer = new byte[8];
        Assert.Equal(3, fs.ReadAt(a, 2, buffer, 1, 7));
        Assert.Equal(new byte[] { 0, 4, 6, 7 }, buffer[..4]);

        fs.Rename(a, b);
        Assert.Equal(["b.bin"], fs.ListFiles(_root));
        fs.Append(b, [8], 0, 1);
        Assert.Equal(6, fs.Length(b));
        fs.Delete(b);
        fs.Delete(b);
        Assert.Empty(fs.ListFiles(_root));
    }

    [Fact]
    public void FixLog_OverARealDirectory_SurvivesReopenWithANewAdapter()
    {
        Fix[] fixes = SyntheticRoute.Generate(3000, seed: 9);
        FixLogOptions options = new(64 * 1024, 4096 - 64, 128, 32);
        using (var fs = new DirectoryFlashFileSystem())
        {
            var log = FixLog.Open(fs, _root, options);
            AppendAll(log, fixes);
            var batch = new LogBatch();
            log.TakeBatch(new Fix[100], 100, batch);
            Assert.Equal(FixLogResult.Ok, log.Commit(batch));
            Assert.True(log.SegmentCount > 5);
        }

        using (var fs = new DirectoryFlashFileSystem())
        {
            var log = FixLog.Open(fs, _root, options);
            Assert.Equal(2900, log.PendingCount);
            List<Fix> rest = Drain(log, commit: true, max: 500);
            AssertSameSequence(fixes.Skip(99).Take(2900).ToArray(), rest);
            Assert.Single(Directory.GetFiles(_root));
        }
    }
}
