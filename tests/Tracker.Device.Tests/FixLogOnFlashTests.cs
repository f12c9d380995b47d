using System;
using nanoFramework.TestFramework;
using Tracker.Core.Fixes;
using Tracker.Core.Storage;
using Tracker.Device.Storage;

namespace Tracker.Device.Tests
{
    /// <summary>
    /// The FixLog on the board's real LittleFS partition (I:), through the same
    /// <see cref="DirectoryFlashFileSystem"/> the application uses. The host tests prove the log's
    /// logic on an in-memory file system; these prove the assumptions it makes of the device's
    /// System.IO: appends visible to a reader at once, files that survive a close and reopen,
    /// deletes that free the room, and the time an append takes.
    /// </summary>
    [TestClass]
    public class FixLogOnFlashTests
    {
        /// <summary>Empties the test area.</summary>
        [Setup]
        public void CleanBefore()
        {
            FlashDirectory.Clean();
        }

        /// <summary>Leaves nothing behind on the tracker's flash.</summary>
        [Cleanup]
        public void CleanAfter()
        {
            FlashDirectory.Clean();
        }

        /// <summary>Every appended fix comes back bit-exact after the log is closed and reopened, newest first and then the backlog oldest first.</summary>
        [TestMethod]
        public void Append_ThenReopen_OffersEveryFixOnceBitExact()
        {
            const int Count = 300;
            string dir = FlashDirectory.For("reopen");
            DirectoryFlashFileSystem fs = new DirectoryFlashFileSystem();
            FixLog log = FixLog.Open(fs, dir, FixLogOptions.ForCapacity(256 * 1024));
            for (int i = 0; i < Count; i++)
            {
                Fix f = TestRoute.At(i);
                Assert.IsTrue(log.Append(ref f) == FixLogResult.Ok, "append " + i.ToString());
            }

            fs.Dispose();

            DirectoryFlashFileSystem fs2 = new DirectoryFlashFileSystem();
            FixLog reopened = FixLog.Open(fs2, dir, FixLogOptions.ForCapacity(256 * 1024));
            Assert.AreEqual((long)Count, reopened.PendingCount, "pending after reopen");

            bool[] seen = new bool[Count];
            Fix[] batch = new Fix[50];
            LogBatch token = new LogBatch();
            int taken = 0;
            bool first = true;
            int n;
            while ((n = reopened.TakeBatch(batch, batch.Length, token)) > 0)
            {
                for (int k = 0; k < n; k++)
                {
                    int index = TestRoute.IndexOf(batch[k]);
                    Assert.IsTrue(index >= 0 && index < Count, "index in range");
                    Assert.IsFalse(seen[index], "offered once: " + index.ToString());
                    Assert.IsTrue(TestRoute.Same(TestRoute.At(index), batch[k]), "bit-exact: " + index.ToString());
                    seen[index] = true;
                    taken++;
                }

                if (first)
                {
                    Assert.AreEqual(Count - 1, TestRoute.IndexOf(batch[0]), "newest first");
                    Assert.AreEqual(0, TestRoute.IndexOf(batch[1]), "then the oldest");
                    first = false;
                }

                Assert.IsTrue(reopened.Commit(token) == FixLogResult.Ok, "commit");
            }

            Assert.AreEqual(Count, taken, "every fix offered");
            Assert.AreEqual(0L, reopened.PendingCount, "nothing pending after commits");
            fs2.Dispose();
        }

        /// <summary>Commits are on flash when Commit returns: after a reopen, committed fixes are not offered again.</summary>
        [TestMethod]
        public void Commit_ThenReopen_DoesNotOfferCommittedFixes()
        {
            string dir = FlashDirectory.For("commit");
            DirectoryFlashFileSystem fs = new DirectoryFlashFileSystem();
            FixLog log = FixLog.Open(fs, dir, FixLogOptions.ForCapacity(256 * 1024));
            for (int i = 0; i < 100; i++)
            {
                Fix f = TestRoute.At(i);
                log.Append(ref f);
            }

            Fix[] batch = new Fix[40];
            LogBatch token = new LogBatch();
            int n = log.TakeBatch(batch, batch.Length, token);
            Assert.AreEqual(40, n, "first batch");
            Assert.IsTrue(log.Commit(token) == FixLogResult.Ok, "commit");
            fs.Dispose();

            DirectoryFlashFileSystem fs2 = new DirectoryFlashFileSystem();
            FixLog reopened = FixLog.Open(fs2, dir, FixLogOptions.ForCapacity(256 * 1024));
            Assert.AreEqual(60L, reopened.PendingCount, "pending after reopen");
            fs2.Dispose();
        }

        /// <summary>A log with room for three small segments evicts the oldest and never holds more than its capacity on flash.</summary>
        [TestMethod]
        public void SmallCapacity_EvictsOldestSegments_AndStaysWithinCapacity()
        {
            int segment = FixLogOptions.MinSegmentBytes(8);
            if (segment < 2048)
            {
                segment = 2048;
            }

            FixLogOptions options = new FixLogOptions(3 * segment, segment, 16, 8);
            string dir = FlashDirectory.For("capacity");
            DirectoryFlashFileSystem fs = new DirectoryFlashFileSystem();
            FixLog log = FixLog.Open(fs, dir, options);
            const int Count = 2000;
            for (int i = 0; i < Count; i++)
            {
                Fix f = TestRoute.At(i);
                Assert.IsTrue(log.Append(ref f) == FixLogResult.Ok, "append " + i.ToString());
                Assert.IsTrue(log.UsedBytes <= options.CapacityBytes, "within capacity at " + i.ToString());
            }

            Assert.IsTrue(log.Evictions > 0, "evicted");
            Assert.AreEqual((long)Count, log.PendingCount + log.Evictions, "pending + evicted = appended");
            long pending = log.PendingCount;
            fs.Dispose();

            DirectoryFlashFileSystem fs2 = new DirectoryFlashFileSystem();
            FixLog reopened = FixLog.Open(fs2, dir, options);
            Assert.AreEqual(pending, reopened.PendingCount, "the same backlog after reopen");
            Assert.AreEqual(0L, reopened.CorruptRecords, "no corrupt records");
            fs2.Dispose();
        }

        /// <summary>An append takes well under the one second between fixes, measured on the board (the figure goes to the test output).</summary>
        [TestMethod]
        public void Append_TakesFarLessThanTheFixPeriod()
        {
            const int Count = 200;
            string dir = FlashDirectory.For("timing");
            DirectoryFlashFileSystem fs = new DirectoryFlashFileSystem();
            FixLog log = FixLog.Open(fs, dir, FixLogOptions.ForCapacity(256 * 1024));
            long start = Environment.TickCount64;
            for (int i = 0; i < Count; i++)
            {
                Fix f = TestRoute.At(i);
                log.Append(ref f);
            }

            long elapsed = Environment.TickCount64 - start;
            OutputHelper.WriteLine(String.Concat("FixLog.Append on I: ", (elapsed * 1000 / Count).ToString(), " us per fix over ", Count.ToString(), " fixes; ", log.UsedBytes.ToString(), " bytes"));
            Assert.IsTrue(elapsed / Count < 100, "an append takes under 100 ms");
            fs.Dispose();
        }
    }
}
