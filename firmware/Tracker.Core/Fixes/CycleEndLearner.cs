using Tracker.Core.Nmea;

namespace Tracker.Core.Fixes
{
    /// <summary>
    /// Learns which sentence ends the receiver's cycle (its type and occurrence within the epoch), so
    /// that an epoch closes the moment its last sentence arrives instead of when the next second
    /// begins. A sentence that ended an epoch closed by a change of time is a candidate; it is
    /// confirmed when the next such epoch ends on it too, and forgotten when a cycle breaks the
    /// pattern. After the learnt end, sentences without a time (until the next one with a time field)
    /// are the closed epoch's tail: they never reach the next epoch, and a tail means the cycle is
    /// longer than learnt, so its last sentence becomes the new candidate.
    /// </summary>
    internal sealed class CycleEndLearner
    {
        private readonly int[] _seen = new int[SentenceTypes.Count];
        private int _lastType = -1;
        private int _lastOccurrence;
        private int _enderType = -1;
        private int _enderOccurrence;
        private bool _enderConfirmed;

        // Set when the learnt cycle end closed an epoch, until the next sentence with a time field or
        // a close: sentences without a time then belong to the closed epoch (the tail).
        private bool _afterCycleEnd;
        private bool _tailSeen;

        /// <summary>Counts a sentence of <paramref name="type"/> in the cycle.</summary>
        /// <param name="type">Its type.</param>
        /// <returns>True when it is the confirmed end of the cycle: the epoch closes now, and what follows without a time is its tail.</returns>
        internal bool SentenceDone(SentenceType type)
        {
            int t = (int)type;
            _seen[t]++;
            _lastType = t;
            _lastOccurrence = _seen[t];
            if (!_afterCycleEnd && _enderConfirmed && t == _enderType && _lastOccurrence == _enderOccurrence)
            {
                // The cycle's sentence count goes on, so that a tail after this sentence is seen as
                // part of the same cycle.
                _afterCycleEnd = true;
                return true;
            }

            return false;
        }

        /// <summary>A sentence without a time arrived: true when it is the tail of an epoch the learnt end closed.</summary>
        /// <returns>Whether to ignore it.</returns>
        internal bool InTail()
        {
            if (!_afterCycleEnd)
            {
                return false;
            }

            _tailSeen = true;
            return true;
        }

        /// <summary>
        /// The tail ends (a sentence with a time field, or a close). A tail means the cycle goes on past
        /// the learnt end: its last sentence is the candidate end now, to be confirmed by the next cycle
        /// that ends on a change of time.
        /// </summary>
        internal void EndTail()
        {
            if (!_afterCycleEnd)
            {
                return;
            }

            _afterCycleEnd = false;
            if (_tailSeen)
            {
                _tailSeen = false;
                _enderType = _lastType;
                _enderOccurrence = _lastOccurrence;
                _enderConfirmed = false;
            }

            ResetCycle();
        }

        /// <summary>A new time closed the epoch: its last sentence is the candidate end, confirmed when it was the candidate already.</summary>
        internal void TimeChanged()
        {
            bool same = _lastType == _enderType && _lastOccurrence == _enderOccurrence;
            _enderConfirmed = same && _lastType >= 0;
            _enderType = _lastType;
            _enderOccurrence = _lastOccurrence;
        }

        /// <summary>An epoch already closed by the learnt end got a straggler: the learnt end was wrong.</summary>
        internal void Unconfirm()
        {
            _enderConfirmed = false;
        }

        /// <summary>Forgets the sentences counted in the cycle.</summary>
        internal void ResetCycle()
        {
            for (int i = 0; i < _seen.Length; i++)
            {
                _seen[i] = 0;
            }

            _lastType = -1;
        }

        /// <summary>Forgets everything learnt, as after a receiver restart.</summary>
        internal void Restart()
        {
            _enderType = -1;
            _enderConfirmed = false;
            _afterCycleEnd = false;
            _tailSeen = false;
            ResetCycle();
        }
    }
}
