namespace Tracker.Core.Storage
{
    /// <summary>
    /// The readable segments of a log, oldest first: number, path, first sequence number and bytes
    /// used. Segment i holds the records [First(i), First(i + 1)); the last one, the active segment,
    /// holds [First(last), next sequence number).
    /// </summary>
    internal sealed class SegmentTable
    {
        private int[] _numbers = new int[8];
        private long[] _firsts = new long[8];
        private int[] _lengths = new int[8];
        private string[] _paths = new string[8];
        private int _count;

        /// <summary>Number of segments.</summary>
        internal int Count
        {
            get { return _count; }
        }

        /// <summary>Sum of the segments' lengths.</summary>
        internal long TotalBytes { get; private set; }

        /// <summary>Number (file name) of segment <paramref name="i"/>.</summary>
        /// <param name="i">Index, 0 = oldest.</param>
        /// <returns>The number.</returns>
        internal int Number(int i)
        {
            return _numbers[i];
        }

        /// <summary>First sequence number of segment <paramref name="i"/>.</summary>
        /// <param name="i">Index, 0 = oldest.</param>
        /// <returns>The sequence number.</returns>
        internal long First(int i)
        {
            return _firsts[i];
        }

        /// <summary>Bytes in segment <paramref name="i"/>.</summary>
        /// <param name="i">Index, 0 = oldest.</param>
        /// <returns>The length.</returns>
        internal int Length(int i)
        {
            return _lengths[i];
        }

        /// <summary>Path of segment <paramref name="i"/>.</summary>
        /// <param name="i">Index, 0 = oldest.</param>
        /// <returns>The path.</returns>
        internal string Path(int i)
        {
            return _paths[i];
        }

        /// <summary>Adds a segment after the others (its number must be the highest).</summary>
        /// <param name="number">Its number.</param>
        /// <param name="path">Its path.</param>
        /// <param name="first">Its first sequence number.</param>
        /// <param name="length">Its length.</param>
        internal void Add(int number, string path, long first, int length)
        {
            if (_count == _numbers.Length)
            {
                Grow();
            }

            _numbers[_count] = number;
            _paths[_count] = path;
            _firsts[_count] = first;
            _lengths[_count] = length;
            TotalBytes += length;
            _count++;
        }

        /// <summary>Records that the last segment grew.</summary>
        /// <param name="bytes">Bytes appended.</param>
        internal void GrowLast(int bytes)
        {
            _lengths[_count - 1] += bytes;
            TotalBytes += bytes;
        }

        /// <summary>Sets the length of the last segment (as found on flash).</summary>
        /// <param name="length">Its length.</param>
        internal void SetLastLength(int length)
        {
            TotalBytes += length - _lengths[_count - 1];
            _lengths[_count - 1] = length;
        }

        /// <summary>Removes the oldest segment.</summary>
        internal void RemoveOldest()
        {
            TotalBytes -= _lengths[0];
            for (int i = 1; i < _count; i++)
            {
                _numbers[i - 1] = _numbers[i];
                _paths[i - 1] = _paths[i];
                _firsts[i - 1] = _firsts[i];
                _lengths[i - 1] = _lengths[i];
            }

            _count--;
            _paths[_count] = string.Empty;
        }

        /// <summary>Index of the segment that holds <paramref name="seq"/>, or -1 when it is below the oldest.</summary>
        /// <param name="seq">A sequence number.</param>
        /// <returns>The index.</returns>
        internal int IndexOf(long seq)
        {
            for (int i = _count - 1; i >= 0; i--)
            {
                if (_firsts[i] <= seq)
                {
                    return i;
                }
            }

            return -1;
        }

        /// <summary>Index of the segment numbered <paramref name="number"/>, or -1.</summary>
        /// <param name="number">A segment number.</param>
        /// <returns>The index.</returns>
        internal int IndexOfNumber(int number)
        {
            for (int i = 0; i < _count; i++)
            {
                if (_numbers[i] == number)
                {
                    return i;
                }
            }

            return -1;
        }

        private void Grow()
        {
            int size = _numbers.Length * 2;
            int[] numbers = new int[size];
            long[] firsts = new long[size];
            int[] lengths = new int[size];
            string[] paths = new string[size];
            System.Array.Copy(_numbers, numbers, _count);
            System.Array.Copy(_firsts, firsts, _count);
            System.Array.Copy(_lengths, lengths, _count);
            System.Array.Copy(_paths, paths, _count);
            _numbers = numbers;
            _firsts = firsts;
            _lengths = lengths;
            _paths = paths;
        }
    }
}
