using Tracker.Core.Storage;

namespace Tracker.Core.Uplink
{
    /// <summary>
    /// The batches the <see cref="UplinkEngine"/> took from the <see cref="FixLog"/> and has not yet
    /// committed or handed back: one slot per batch, each with its caller-owned
    /// <see cref="LogBatch"/>, the fixes the wire can carry, how many of them were published, how many
    /// of its messages await their outcome, and whether one failed. At most one slot is
    /// <see cref="Open"/>: the one whose fixes are being published. Allocated once.
    /// </summary>
    internal sealed class BatchSlots
    {
        private readonly LogBatch[] _batches;
        private readonly bool[] _used;
        private readonly int[] _count;
        private readonly int[] _sent;
        private readonly int[] _outstanding;
        private readonly bool[] _failed;

        /// <summary>Creates <paramref name="slots"/> empty slots.</summary>
        /// <param name="slots">Most batches at a time (one per message in flight).</param>
        internal BatchSlots(int slots)
        {
            _batches = new LogBatch[slots];
            for (int i = 0; i < slots; i++)
            {
                _batches[i] = new LogBatch();
            }

            _used = new bool[slots];
            _count = new int[slots];
            _sent = new int[slots];
            _outstanding = new int[slots];
            _failed = new bool[slots];
            Open = -1;
        }

        /// <summary>The slot being published, or -1.</summary>
        internal int Open { get; set; }

        /// <summary>Fixes taken from the log into slots and not yet committed or handed back.</summary>
        internal long FixesHeld { get; private set; }

        /// <summary>The first free slot, or -1.</summary>
        /// <returns>The slot.</returns>
        internal int FindFree()
        {
            for (int s = 0; s < _used.Length; s++)
            {
                if (!_used[s])
                {
                    return s;
                }
            }

            return -1;
        }

        /// <summary>The slot's batch token.</summary>
        /// <param name="slot">The slot.</param>
        /// <returns>Its <see cref="LogBatch"/>.</returns>
        internal LogBatch Batch(int slot)
        {
            return _batches[slot];
        }

        /// <summary>Fills a free slot with a batch just taken.</summary>
        /// <param name="slot">The slot.</param>
        /// <param name="taken">Fixes the log handed out.</param>
        /// <param name="encodable">Of those, the fixes the wire can carry (to publish).</param>
        internal void Fill(int slot, int taken, int encodable)
        {
            _used[slot] = true;
            _count[slot] = encodable;
            _sent[slot] = 0;
            _outstanding[slot] = 0;
            _failed[slot] = false;
            FixesHeld += taken;
        }

        /// <summary>Fixes to publish in the slot.</summary>
        /// <param name="slot">The slot.</param>
        /// <returns>The count.</returns>
        internal int Count(int slot)
        {
            return _count[slot];
        }

        /// <summary>Fixes of the slot already published.</summary>
        /// <param name="slot">The slot.</param>
        /// <returns>The count.</returns>
        internal int Sent(int slot)
        {
            return _sent[slot];
        }

        /// <summary>Records a message of the slot published with <paramref name="fixes"/> of its fixes.</summary>
        /// <param name="slot">The slot.</param>
        /// <param name="fixes">Fixes in the message.</param>
        /// <returns>True when every fix of the slot is now published.</returns>
        internal bool MessageSent(int slot, int fixes)
        {
            _sent[slot] += fixes;
            _outstanding[slot]++;
            return _sent[slot] == _count[slot];
        }

        /// <summary>Records the outcome of one of the slot's messages.</summary>
        /// <param name="slot">The slot.</param>
        /// <param name="delivered">True when the broker acknowledged it.</param>
        /// <returns>True when the slot is complete: every fix published and acknowledged, none failed.</returns>
        internal bool MessageSettled(int slot, bool delivered)
        {
            _outstanding[slot]--;
            if (!delivered)
            {
                _failed[slot] = true;
            }

            return !_failed[slot] && _outstanding[slot] == 0 && _sent[slot] == _count[slot];
        }

        /// <summary>Marks the slot failed: it is not committed, and goes back to the log with the next rewind.</summary>
        /// <param name="slot">The slot.</param>
        internal void MarkFailed(int slot)
        {
            _failed[slot] = true;
        }

        /// <summary>Frees a slot whose batch was committed.</summary>
        /// <param name="slot">The slot.</param>
        internal void Release(int slot)
        {
            _used[slot] = false;
            FixesHeld -= _batches[slot].Count;
        }

        /// <summary>Frees every slot (their batches go back to the log).</summary>
        /// <returns>True when a slot was in use.</returns>
        internal bool ReleaseAll()
        {
            bool any = false;
            for (int s = 0; s < _used.Length; s++)
            {
                any |= _used[s];
                _used[s] = false;
            }

            Open = -1;
            FixesHeld = 0;
            return any;
        }
    }
}
