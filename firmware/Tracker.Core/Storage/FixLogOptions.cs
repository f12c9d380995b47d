using System;

namespace Tracker.Core.Storage
{
    /// <summary>
    /// Sizing of a <see cref="FixLog"/>. Immutable; every value is checked in the constructor, which
    /// throws naming the offending key.
    /// </summary>
    public sealed class FixLogOptions
    {
        /// <summary>LittleFS block size on the ESP32 partition (nf-interpreter littlefs config).</summary>
        public const int FlashBlockBytes = 4096;

        /// <summary>
        /// Bytes kept free in each run of blocks for LittleFS's CTZ skip-list pointers (a file's
        /// block i &gt; 0 starts with ctz(i)+1 pointers of 4 bytes; 8 blocks need 44 bytes), so a
        /// full segment fills whole blocks and no more.
        /// </summary>
        public const int BlockSlackBytes = 64;

        /// <summary>Default <see cref="KeyframeInterval"/>.</summary>
        public const int DefaultKeyframeInterval = 128;

        /// <summary>Default <see cref="MaxCommitRanges"/>.</summary>
        public const int DefaultMaxCommitRanges = 32;

        /// <summary>Creates and validates options.</summary>
        /// <param name="capacityBytes">
        /// <see cref="CapacityBytes"/>: the most bytes the log's segments may occupy, at least two segments.
        /// </param>
        /// <param name="segmentBytes"><see cref="SegmentBytes"/>: size at which a segment file is sealed.</param>
        /// <param name="keyframeInterval"><see cref="KeyframeInterval"/>: fixes between keyframes, 1 to 4096.</param>
        /// <param name="maxCommitRanges"><see cref="MaxCommitRanges"/>: committed ranges remembered, 4 to 256.</param>
        public FixLogOptions(int capacityBytes, int segmentBytes, int keyframeInterval, int maxCommitRanges)
        {
            if (maxCommitRanges < 4 || maxCommitRanges > 256)
            {
                throw new ArgumentOutOfRangeException(nameof(maxCommitRanges), "FixLogOptions.MaxCommitRanges must be 4 to 256");
            }

            if (keyframeInterval < 1 || keyframeInterval > 4096)
            {
                throw new ArgumentOutOfRangeException(nameof(keyframeInterval), "FixLogOptions.KeyframeInterval must be 1 to 4096");
            }

            if (segmentBytes < MinSegmentBytes(maxCommitRanges) || segmentBytes > 1048576)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(segmentBytes),
                    "FixLogOptions.SegmentBytes must hold a header, the largest snapshot and two records, and be at most 1 MB");
            }

            if (capacityBytes < 2 * segmentBytes)
            {
                throw new ArgumentOutOfRangeException(nameof(capacityBytes), "FixLogOptions.CapacityBytes must be at least two segments");
            }

            CapacityBytes = capacityBytes;
            SegmentBytes = segmentBytes;
            KeyframeInterval = keyframeInterval;
            MaxCommitRanges = maxCommitRanges;
        }

        /// <summary>
        /// The most bytes the log's segment files may hold together. When a new segment would exceed
        /// it, the oldest segments are deleted first (oldest-first eviction). Leave LittleFS room
        /// beyond this for its metadata, copy-on-write and the other files on <c>I:</c>.
        /// </summary>
        public int CapacityBytes { get; }

        /// <summary>
        /// A segment is sealed, and a new one started, when the next record would take it past this
        /// size. Eviction and garbage collection work in whole segments.
        /// </summary>
        public int SegmentBytes { get; }

        /// <summary>
        /// A keyframe (every field absolute) is written every this many fixes, and at the start of
        /// each segment. It bounds how many fixes one bad byte can cost, at about 20 bytes each.
        /// </summary>
        public int KeyframeInterval { get; }

        /// <summary>
        /// How many disjoint committed ranges above the fully-committed prefix are remembered (each
        /// newest-first commit during a backlog drain makes one). When full, the newest-first lead is
        /// skipped until ranges merge; an overflow costs duplicates, never lost records.
        /// </summary>
        public int MaxCommitRanges { get; }

        /// <summary>
        /// Options for a log that may use <paramref name="capacityBytes"/>: segments of whole flash
        /// blocks (one block up to 256 KB, up to eight blocks for larger capacities, about 64
        /// segments), keyframes every <see cref="DefaultKeyframeInterval"/> fixes and
        /// <see cref="DefaultMaxCommitRanges"/> commit ranges.
        /// </summary>
        /// <param name="capacityBytes">Bytes the log may use; at least two blocks.</param>
        /// <returns>The options.</returns>
        public static FixLogOptions ForCapacity(int capacityBytes)
        {
            int blocks = capacityBytes / FlashBlockBytes / 64;
            if (blocks < 1)
            {
                blocks = 1;
            }

            if (blocks > 8)
            {
                blocks = 8;
            }

            return new FixLogOptions(
                capacityBytes,
                (blocks * FlashBlockBytes) - BlockSlackBytes,
                DefaultKeyframeInterval,
                DefaultMaxCommitRanges);
        }

        /// <summary>Smallest valid <see cref="SegmentBytes"/> for <paramref name="maxCommitRanges"/>.</summary>
        /// <param name="maxCommitRanges">Committed ranges remembered.</param>
        /// <returns>Bytes.</returns>
        public static int MinSegmentBytes(int maxCommitRanges)
        {
            return FixLogFormat.HeaderSize + FixLogFormat.MaxSnapshotBytes(maxCommitRanges) + (2 * FixLogFormat.MaxRecordBytes);
        }
    }
}
