namespace Tracker.Core.Uplink
{
    /// <summary>
    /// The messages the <see cref="UplinkEngine"/> published and the link has not settled yet (fix
    /// messages and at most one status message): each one's packet id, the batch slot it belongs to
    /// (or <see cref="StatusSlot"/>), and when it was sent, for the acknowledgement timeout. Fixed
    /// size, allocated once.
    /// </summary>
    internal sealed class InFlightTable
    {
        /// <summary>The slot of the status message.</summary>
        internal const int StatusSlot = -1;

        private readonly bool[] _used;
        private readonly int[] _id;
        private readonly int[] _slot;
        private readonly long[] _sentMs;
        private readonly bool[] _late;

        /// <summary>Creates a table for <paramref name="capacity"/> messages.</summary>
        /// <param name="capacity">Most messages in flight.</param>
        internal InFlightTable(int capacity)
        {
            _used = new bool[capacity];
            _id = new int[capacity];
            _slot = new int[capacity];
            _sentMs = new long[capacity];
            _late = new bool[capacity];
        }

        /// <summary>Messages in flight.</summary>
        internal int Count { get; private set; }

        /// <summary>
        /// Records a published message. Fails when the table is full, or when the link reused an id
        /// still in flight (a broken link contract).
        /// </summary>
        /// <param name="id">The packet id the link gave it.</param>
        /// <param name="slot">Its batch slot, or <see cref="StatusSlot"/>.</param>
        /// <param name="nowMs">The tick it was sent at.</param>
        /// <returns>False when it could not be recorded.</returns>
        internal bool TryAdd(int id, int slot, long nowMs)
        {
            int free = -1;
            for (int m = 0; m < _used.Length; m++)
            {
                if (!_used[m])
                {
                    if (free < 0)
                    {
                        free = m;
                    }
                }
                else if (_id[m] == id)
                {
                    return false;
                }
            }

            if (free < 0)
            {
                return false;
            }

            _used[free] = true;
            _id[free] = id;
            _slot[free] = slot;
            _sentMs[free] = nowMs;
            _late[free] = false;
            Count++;
            return true;
        }

        /// <summary>Settles the message with packet id <paramref name="id"/>.</summary>
        /// <param name="id">The packet id.</param>
        /// <param name="slot">Its batch slot, or <see cref="StatusSlot"/>.</param>
        /// <returns>False when no message with that id is in flight (a stray completion).</returns>
        internal bool TryRemove(int id, out int slot)
        {
            for (int m = 0; m < _used.Length; m++)
            {
                if (_used[m] && _id[m] == id)
                {
                    slot = _slot[m];
                    _used[m] = false;
                    Count--;
                    return true;
                }
            }

            slot = 0;
            return false;
        }

        /// <summary>True when a message has waited <paramref name="timeoutMs"/> or more for its acknowledgement.</summary>
        /// <param name="nowMs">The tick now.</param>
        /// <param name="timeoutMs">The acknowledgement timeout.</param>
        /// <returns>Whether one is overdue.</returns>
        internal bool AnyOverdue(long nowMs, int timeoutMs)
        {
            for (int m = 0; m < _used.Length; m++)
            {
                if (_used[m] && nowMs - _sentMs[m] >= timeoutMs)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>When the oldest message in flight was sent; <paramref name="nowMs"/> when none is.</summary>
        /// <param name="nowMs">The tick now.</param>
        /// <returns>The tick.</returns>
        internal long OldestSentMs(long nowMs)
        {
            long oldest = nowMs;
            for (int m = 0; m < _used.Length; m++)
            {
                if (_used[m] && _sentMs[m] < oldest)
                {
                    oldest = _sentMs[m];
                }
            }

            return oldest;
        }

        /// <summary>
        /// Marks every message that has waited <paramref name="timeoutMs"/> or more and was not marked yet as late.
        /// </summary>
        /// <param name="nowMs">The tick now.</param>
        /// <param name="timeoutMs">The acknowledgement timeout.</param>
        /// <returns>How many were marked now.</returns>
        internal int MarkLate(long nowMs, int timeoutMs)
        {
            int marked = 0;
            for (int m = 0; m < _used.Length; m++)
            {
                if (_used[m] && !_late[m] && nowMs - _sentMs[m] >= timeoutMs)
                {
                    _late[m] = true;
                    marked++;
                }
            }

            return marked;
        }

        /// <summary>Forgets every message (the connection is gone; their outcomes will never come).</summary>
        internal void Clear()
        {
            for (int m = 0; m < _used.Length; m++)
            {
                _used[m] = false;
            }

            Count = 0;
        }
    }
}
