namespace Tracker.Core.Storage
{
    /// <summary>
    /// A set of record sequence numbers: everything below <see cref="Floor"/>, plus up to
    /// <see cref="Capacity"/> disjoint ranges above it. It holds which records are committed (and,
    /// in a second instance, which are committed or in flight).
    /// </summary>
    /// <remarks>
    /// When a new range does not fit, the highest range is dropped. Dropping only ever removes
    /// members, which for the committed set means a record is offered again (a duplicate the cloud
    /// discards by key), never that an uncommitted record is skipped.
    /// </remarks>
    internal sealed class SeqRangeSet
    {
        private readonly long[] _starts;
        private readonly long[] _ends;
        private long _floor;
        private int _count;

        /// <summary>Creates an empty set (floor 0) that keeps up to <paramref name="capacity"/> ranges.</summary>
        /// <param name="capacity">Most ranges above the floor.</param>
        internal SeqRangeSet(int capacity)
        {
            _starts = new long[capacity];
            _ends = new long[capacity];
        }

        /// <summary>Every sequence number below this is a member.</summary>
        internal long Floor
        {
            get { return _floor; }
        }

        /// <summary>Ranges above the floor.</summary>
        internal int Count
        {
            get { return _count; }
        }

        /// <summary>Most ranges above the floor.</summary>
        internal int Capacity
        {
            get { return _starts.Length; }
        }

        /// <summary>Start of range <paramref name="i"/>.</summary>
        /// <param name="i">Index, 0 to <see cref="Count"/> - 1, in ascending order.</param>
        /// <returns>The first member of the range.</returns>
        internal long StartAt(int i)
        {
            return _starts[i];
        }

        /// <summary>End (exclusive) of range <paramref name="i"/>.</summary>
        /// <param name="i">Index, 0 to <see cref="Count"/> - 1, in ascending order.</param>
        /// <returns>One past the last member of the range.</returns>
        internal long EndAt(int i)
        {
            return _ends[i];
        }

        /// <summary>Empties the set and sets the floor.</summary>
        /// <param name="floor">The new floor.</param>
        internal void Clear(long floor)
        {
            _floor = floor;
            _count = 0;
        }

        /// <summary>Makes this set equal to <paramref name="other"/> (highest ranges dropped if they do not fit).</summary>
        /// <param name="other">The source.</param>
        internal void CopyFrom(SeqRangeSet other)
        {
            _floor = other._floor;
            _count = other._count < _starts.Length ? other._count : _starts.Length;
            for (int i = 0; i < _count; i++)
            {
                _starts[i] = other._starts[i];
                _ends[i] = other._ends[i];
            }
        }

        /// <summary>True when <paramref name="seq"/> is a member.</summary>
        /// <param name="seq">A sequence number.</param>
        /// <returns>Membership.</returns>
        internal bool Contains(long seq)
        {
            if (seq < _floor)
            {
                return true;
            }

            for (int i = 0; i < _count; i++)
            {
                if (seq < _starts[i])
                {
                    return false;
                }

                if (seq < _ends[i])
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The smallest non-member at or above <paramref name="seq"/>.</summary>
        /// <param name="seq">Where to start.</param>
        /// <returns>A sequence number that is not a member.</returns>
        internal long NextNonMember(long seq)
        {
            long x = seq < _floor ? _floor : seq;
            for (int i = 0; i < _count; i++)
            {
                if (x < _starts[i])
                {
                    break;
                }

                if (x < _ends[i])
                {
                    x = _ends[i];
                }
            }

            return x;
        }

        /// <summary>The smallest member at or above <paramref name="seq"/>, or <see cref="long.MaxValue"/>.</summary>
        /// <param name="seq">Where to start.</param>
        /// <returns>A member, or long.MaxValue when there is none.</returns>
        internal long NextMember(long seq)
        {
            if (seq < _floor)
            {
                return seq;
            }

            for (int i = 0; i < _count; i++)
            {
                if (seq < _ends[i])
                {
                    return seq > _starts[i] ? seq : _starts[i];
                }
            }

            return long.MaxValue;
        }

        /// <summary>For a member, one past the end of the run of members that contains it.</summary>
        /// <param name="seq">A member.</param>
        /// <returns>The first non-member above it; <paramref name="seq"/> itself when it is not a member.</returns>
        internal long EndOfRun(long seq)
        {
            return NextNonMember(seq);
        }

        /// <summary>Number of members in [<paramref name="from"/>, <paramref name="to"/>).</summary>
        /// <param name="from">First sequence number.</param>
        /// <param name="to">One past the last.</param>
        /// <returns>The count.</returns>
        internal long MembersIn(long from, long to)
        {
            if (to <= from)
            {
                return 0;
            }

            long n = 0;
            if (from < _floor)
            {
                n += (to < _floor ? to : _floor) - from;
            }

            for (int i = 0; i < _count; i++)
            {
                long s = _starts[i] > from ? _starts[i] : from;
                long e = _ends[i] < to ? _ends[i] : to;
                if (e > s)
                {
                    n += e - s;
                }
            }

            return n;
        }

        /// <summary>Adds [<paramref name="start"/>, <paramref name="end"/>).</summary>
        /// <param name="start">First sequence number.</param>
        /// <param name="end">One past the last.</param>
        internal void Add(long start, long end)
        {
            if (end <= start || end <= _floor)
            {
                return;
            }

            if (start <= _floor)
            {
                _floor = end;
                Absorb();
                return;
            }

            // First range that overlaps or touches [start, end), and the first one past it.
            int i = 0;
            while (i < _count && _ends[i] < start)
            {
                i++;
            }

            int j = i;
            while (j < _count && _starts[j] <= end)
            {
                j++;
            }

            if (j > i)
            {
                if (_starts[i] > start)
                {
                    _starts[i] = start;
                }

                long newEnd = _ends[j - 1] > end ? _ends[j - 1] : end;
                _ends[i] = newEnd;
                RemoveRange(i + 1, j - i - 1);
                return;
            }

            if (_count == _starts.Length)
            {
                if (i == _count)
                {
                    return; // the new range is the highest: it is the one dropped
                }

                _count--; // drop the highest to make room
            }

            for (int k = _count; k > i; k--)
            {
                _starts[k] = _starts[k - 1];
                _ends[k] = _ends[k - 1];
            }

            _starts[i] = start;
            _ends[i] = end;
            _count++;
        }

        /// <summary>Raises the floor to <paramref name="floor"/> (no effect if it is already higher).</summary>
        /// <param name="floor">The new floor.</param>
        internal void RaiseFloor(long floor)
        {
            if (floor <= _floor)
            {
                return;
            }

            _floor = floor;
            Absorb();
        }

        /// <summary>Removes every member at or above <paramref name="limit"/> (used when the log's end moved back).</summary>
        /// <param name="limit">First sequence number to remove.</param>
        internal void RemoveFrom(long limit)
        {
            if (_floor > limit)
            {
                _floor = limit;
                _count = 0;
                return;
            }

            while (_count > 0 && _starts[_count - 1] >= limit)
            {
                _count--;
            }

            if (_count > 0 && _ends[_count - 1] > limit)
            {
                _ends[_count - 1] = limit;
            }
        }

        private void Absorb()
        {
            int drop = 0;
            while (drop < _count && _starts[drop] <= _floor)
            {
                if (_ends[drop] > _floor)
                {
                    _floor = _ends[drop];
                }

                drop++;
            }

            RemoveRange(0, drop);
        }

        private void RemoveRange(int index, int n)
        {
            if (n <= 0)
            {
                return;
            }

            for (int k = index; k + n < _count; k++)
            {
                _starts[k] = _starts[k + n];
                _ends[k] = _ends[k + n];
            }

            _count -= n;
        }
    }
}
