using Tracker.Core.Common;
using Tracker.Core.Storage;

namespace Tracker.Core.Control
{
    /// <summary>
    /// An update image downloaded into flash a range at a time, resumable after any number of link
    /// drops, reboots and power cuts (Control/README.md §2). The image is stored in segment files
    /// (<c>part.NNNNNNNN</c>, named by the offset of their first byte) and a checkpoint
    /// (<see cref="CheckedFileStore"/>, <c>dl.</c>) that says which job it is and how many bytes are
    /// whole. A range is appended, then the checkpoint moves past it; a power cut between the two
    /// leaves bytes the checkpoint does not count, and since a file cannot be truncated (IFlashFileSystem)
    /// the next range starts a new segment at the checkpoint. Single-threaded. Never throws on a storage
    /// failure.
    /// </summary>
    public sealed class StagedDownload
    {
        /// <summary>The largest range asked for at once (the SIM7080G path reads it in 512-byte pieces).</summary>
        public const int DefaultChunkBytes = 4096;

        private const string PartPrefix = "part.";

        private static readonly string[] CheckpointKeys = new string[] { "job", "size", "bytes" };

        private readonly IFlashFileSystem _fs;
        private readonly string _directory;
        private readonly CheckedFileStore _checkpoint;
        private readonly byte[] _buffer;

        private StagedDownload(IFlashFileSystem fs, string directory, string jobId, int size, int chunkBytes)
        {
            _fs = fs;
            _directory = directory;
            _checkpoint = new CheckedFileStore(fs, directory, "dl.");
            _buffer = new byte[chunkBytes];
            JobId = jobId;
            Size = size;
        }

        /// <summary>The job the image belongs to.</summary>
        public string JobId { get; }

        /// <summary>The image's size in bytes.</summary>
        public int Size { get; }

        /// <summary>Bytes on flash and counted by the checkpoint.</summary>
        public int StoredBytes { get; private set; }

        /// <summary>
        /// Opens the download of <paramref name="jobId"/>: resumes it when the checkpoint is for the same job
        /// and size, and otherwise deletes what another job left and starts at 0.
        /// </summary>
        /// <param name="fs">The flash file system.</param>
        /// <param name="directory">The staging directory (<c>I:\app\staging</c> on the device).</param>
        /// <param name="jobId">The job's id.</param>
        /// <param name="size">The image's size (1 or more bytes).</param>
        /// <param name="chunkBytes">The largest range asked for at once.</param>
        /// <returns>The download.</returns>
        public static StagedDownload Open(IFlashFileSystem fs, string directory, string jobId, int size, int chunkBytes)
        {
            if (fs == null || directory == null || jobId == null)
            {
                throw new System.ArgumentNullException(fs == null ? nameof(fs) : directory == null ? nameof(directory) : nameof(jobId));
            }

            if (size < 1 || chunkBytes < 1)
            {
                throw new System.ArgumentOutOfRangeException(size < 1 ? nameof(size) : nameof(chunkBytes));
            }

            StagedDownload download = new StagedDownload(fs, directory, jobId, size, chunkBytes);
            string text;
            int generation;
            int stored;
            if (download._checkpoint.TryReadNewest(out text, out generation) && TryParseCheckpoint(text, jobId, size, out stored))
            {
                download.StoredBytes = stored;
            }
            else
            {
                download.DeleteParts(0);
            }

            return download;
        }

        /// <summary>Fetches and stores the next range.</summary>
        /// <param name="source">The transport.</param>
        /// <returns>What happened.</returns>
        public DownloadStep Step(IRangeSource source)
        {
            if (StoredBytes >= Size)
            {
                return DownloadStep.Complete;
            }

            int want = Size - StoredBytes < _buffer.Length ? Size - StoredBytes : _buffer.Length;
            int read;
            RangeResult result = source.Read(StoredBytes, _buffer, want, out read);
            if (result == RangeResult.Refused)
            {
                return DownloadStep.Refused;
            }

            if (result != RangeResult.Ok || read != want)
            {
                // A short range is a drop mid-transfer: nothing of it is kept, the next step asks again.
                return DownloadStep.Interrupted;
            }

            try
            {
                string part = PartFor(StoredBytes);
                _fs.Append(part, _buffer, 0, want);
                int generation;
                string problem;
                if (!_checkpoint.Commit(CheckpointText(JobId, Size, StoredBytes + want), out generation, out problem))
                {
                    return DownloadStep.StorageFailed;
                }
            }
            catch (System.Exception)
            {
                return DownloadStep.StorageFailed;
            }

            StoredBytes += want;
            return StoredBytes >= Size ? DownloadStep.Complete : DownloadStep.Progress;
        }

        /// <summary>Reads the stored image's bytes (never past <see cref="StoredBytes"/>). Never throws.</summary>
        /// <param name="offset">The first byte's offset in the image.</param>
        /// <param name="buffer">Where they go.</param>
        /// <param name="index">Index in <paramref name="buffer"/>.</param>
        /// <param name="count">How many.</param>
        /// <returns>Bytes read; fewer than <paramref name="count"/> only at the end of what is stored, or on a storage failure.</returns>
        public int ReadImage(int offset, byte[] buffer, int index, int count)
        {
            int total = 0;
            try
            {
                int[] starts = PartOffsets();
                while (count > 0 && offset < StoredBytes)
                {
                    int s = starts.Length - 1;
                    while (s >= 0 && starts[s] > offset)
                    {
                        s--;
                    }

                    if (s < 0)
                    {
                        return total;
                    }

                    int end = s + 1 < starts.Length ? starts[s + 1] : StoredBytes;
                    int take = end - offset < count ? end - offset : count;
                    int n = _fs.ReadAt(_fs.Combine(_directory, PartName(starts[s])), offset - starts[s], buffer, index, take);
                    if (n <= 0)
                    {
                        return total;
                    }

                    total += n;
                    offset += n;
                    index += n;
                    count -= n;
                }
            }
            catch (System.Exception)
            {
                // A storage failure: what was read so far.
            }

            return total;
        }

        /// <summary>The SHA-256 of the stored image, read back from flash (null when it is not all there or cannot be read).</summary>
        /// <returns>The digest, or null.</returns>
        public byte[]? Digest()
        {
            if (StoredBytes < Size)
            {
                return null;
            }

            Sha256 sha = new Sha256();
            byte[] piece = new byte[_buffer.Length];
            int offset = 0;
            while (offset < Size)
            {
                int want = Size - offset < piece.Length ? Size - offset : piece.Length;
                int n = ReadImage(offset, piece, 0, want);
                if (n != want)
                {
                    return null;
                }

                sha.Append(piece, 0, n);
                offset += n;
            }

            return sha.Finish();
        }

        /// <summary>Deletes the stored image and its checkpoint (a refused image, or another job). Never throws.</summary>
        public void Discard()
        {
            DeleteParts(0);
            int generation;
            string problem;
            _checkpoint.Commit(CheckpointText(JobId, Size, 0), out generation, out problem);
            StoredBytes = 0;
        }

        // The segment a range at 'at' is appended to: the last one when it ends exactly at 'at', else a new one.
        private string PartFor(int at)
        {
            int[] starts = PartOffsets();
            for (int i = 0; i < starts.Length; i++)
            {
                if (starts[i] > at || (starts[i] == at && i < starts.Length - 1))
                {
                    _fs.Delete(_fs.Combine(_directory, PartName(starts[i])));
                }
            }

            if (starts.Length > 0)
            {
                int last = starts[starts.Length - 1];
                string path = _fs.Combine(_directory, PartName(last));
                if (last < at && _fs.Length(path) == at - last)
                {
                    return path;
                }

                if (last == at)
                {
                    // A torn first append of this segment: nothing in it counts.
                    _fs.Delete(path);
                }
            }

            return _fs.Combine(_directory, PartName(at));
        }

        private int[] PartOffsets()
        {
            return NumberedFiles.List(_fs, _directory, PartPrefix, false);
        }

        private void DeleteParts(int from)
        {
            try
            {
                int[] starts = PartOffsets();
                for (int i = 0; i < starts.Length; i++)
                {
                    if (starts[i] >= from)
                    {
                        _fs.Delete(_fs.Combine(_directory, PartName(starts[i])));
                    }
                }
            }
            catch (System.Exception)
            {
                // Left for the next open, which deletes again.
            }
        }

        private static string PartName(int offset)
        {
            return NumberedFiles.Name(PartPrefix, offset);
        }

        private static string CheckpointText(string jobId, int size, int stored)
        {
            return "job = " + ConfigLineReader.QuoteValue(jobId) + "\nsize = " + size.ToString() + "\nbytes = " + stored.ToString() + "\n";
        }

        private static bool TryParseCheckpoint(string text, string jobId, int size, out int stored)
        {
            stored = 0;
            string[] values = new string[3];
            int savedSize;
            int bytes;
            if (!KeyValueLines.TryRead(text, CheckpointKeys, values) || values[0] != jobId
                || !ConfigLineReader.TryParseInt(values[1], out savedSize) || savedSize != size
                || !ConfigLineReader.TryParseInt(values[2], out bytes) || bytes < 0 || bytes > size)
            {
                return false;
            }

            stored = bytes;
            return true;
        }
    }
}
