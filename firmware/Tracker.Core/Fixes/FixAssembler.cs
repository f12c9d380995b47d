using Tracker.Core.Nmea;

namespace Tracker.Core.Fixes
{
    /// <summary>
    /// Merges the sentences of one epoch (one UTC time of day) into one <see cref="Fix"/>. An epoch
    /// closes when a sentence with a different time arrives, or on <see cref="Close"/> (end of input,
    /// or an idle UART between bursts). Sentences without a time (GSA, VTG) belong to the epoch in
    /// progress, or, when they follow the learnt end of the cycle, to the epoch that just closed.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Validity: an epoch yields a fix only when some sentence says the position is valid (RMC or GLL
    /// status A, GGA or GNS quality above 0) and none says it is not (RMC or GLL status V, GGA quality
    /// 0, GNS all N, GSA mode 1, FAA mode N). A position carried by a sentence that is not itself
    /// valid is never used, and a position of exactly 0,0 is never reported.
    /// </para>
    /// <para>
    /// Cycle end: receivers send the sentences of an epoch in a fixed order. The assembler learns
    /// which sentence (type and occurrence within the epoch) ends the cycle, and once two cycles in a
    /// row agree it closes the epoch as soon as that sentence arrives, so a fix is out the moment its
    /// last sentence is, not when the next second begins. Until then, and whenever a cycle breaks the
    /// pattern, a change of time closes the epoch. A sentence without a time that still arrives after
    /// the learnt end (until the next sentence with a time field) belongs to the epoch that just
    /// closed: it never reaches the next epoch, where a "no fix" GSA would veto a valid fix and a
    /// GSA's satellites and HDOP would land on the wrong fix. The fix has already left, so its data
    /// is not used; such a tail means the cycle is longer than learnt, so the assembler learns the
    /// tail's last sentence as the new end.
    /// </para>
    /// <para>
    /// A GGA or GNS that says "fix" with 0 satellites used is not a fix (gpsd applies the same rule
    /// to GGA): it gives no valid vote and none of its data is used; other sentences of the epoch
    /// still decide. An empty satellite field is unknown, not 0.
    /// </para>
    /// <para>
    /// Date: RMC and ZDA carry it. An epoch without one takes the last known date, moved on a day
    /// when the time of day wrapped past midnight. Until a date is known no fix can be timed, so
    /// none is produced.
    /// </para>
    /// <para>
    /// The parts: <see cref="EpochVote"/> (the epoch's data and its vote), <see cref="CycleEndLearner"/>
    /// (the learnt end of the cycle and its tail) and <see cref="DateKeeper"/> (dates, the held undated
    /// epoch, the last fix's time); this class decides when an epoch closes and queues its fix.
    /// </para>
    /// </remarks>
    public sealed class FixAssembler
    {
        private readonly NmeaCounters _counters;
        private readonly EpochVote _epoch = new EpochVote();
        private readonly CycleEndLearner _cycle = new CycleEndLearner();
        private readonly DateKeeper _dates;

        // Fixes closed but not yet taken. One sentence can close two epochs (a change of time, then
        // the learnt cycle end) and release a held undated one, so there is room for four.
        private readonly Fix[] _out = new Fix[4];
        private int _outHead;
        private int _outCount;

        /// <summary>Creates an assembler that records its outcomes in <paramref name="counters"/>.</summary>
        /// <param name="counters">Where epochs with and without fixes are counted.</param>
        public FixAssembler(NmeaCounters counters)
        {
            _counters = counters;
            _dates = new DateKeeper(counters);
        }

        /// <summary>True when an epoch closed with a fix that has not been taken yet.</summary>
        public bool HasFix
        {
            get { return _outCount > 0; }
        }

        /// <summary>Takes the fix of the last closed epoch, if there is one not taken yet.</summary>
        /// <param name="fix">The fix.</param>
        /// <returns>False when no fix is waiting.</returns>
        public bool TryTakeFix(out Fix fix)
        {
            if (_outCount == 0)
            {
                fix = new Fix();
                return false;
            }

            fix = _out[_outHead];
            _outHead = (_outHead + 1) % _out.Length;
            _outCount--;
            return true;
        }

        /// <summary>Adds an RMC.</summary>
        /// <param name="rmc">The parsed sentence.</param>
        public void Add(ref Rmc rmc)
        {
            Enter(rmc.TimeMs);
            _epoch.AddRmc(ref rmc);
        }

        /// <summary>Adds a GGA.</summary>
        /// <param name="gga">The parsed sentence.</param>
        public void Add(ref Gga gga)
        {
            Enter(gga.TimeMs);
            _epoch.AddFixData(gga.Quality, gga.HasPosition, gga.LatE7, gga.LonE7, gga.AltCm, gga.HdopX100, gga.Satellites);
        }

        /// <summary>Adds a GNS.</summary>
        /// <param name="gns">The parsed sentence.</param>
        public void Add(ref Gns gns)
        {
            Enter(gns.TimeMs);
            _epoch.AddFixData(gns.Quality, gns.HasPosition, gns.LatE7, gns.LonE7, gns.AltCm, gns.HdopX100, gns.Satellites);
        }

        /// <summary>Adds a GSA (no time: it belongs to the epoch in progress).</summary>
        /// <param name="gsa">The parsed sentence.</param>
        public void Add(ref Gsa gsa)
        {
            if (!_cycle.InTail())
            {
                _epoch.AddGsa(ref gsa);
            }
        }

        /// <summary>Adds a VTG (no time: it belongs to the epoch in progress).</summary>
        /// <param name="vtg">The parsed sentence.</param>
        public void Add(ref Vtg vtg)
        {
            if (!_cycle.InTail())
            {
                _epoch.AddVtg(ref vtg);
            }
        }

        /// <summary>Adds a GLL.</summary>
        /// <param name="gll">The parsed sentence.</param>
        public void Add(ref Gll gll)
        {
            Enter(gll.TimeMs);
            _epoch.AddGll(ref gll);
        }

        /// <summary>Adds a ZDA: a date for this epoch.</summary>
        /// <param name="zda">The parsed sentence.</param>
        public void Add(ref Zda zda)
        {
            Enter(zda.TimeMs);
            if (zda.Days != Fix.Unknown)
            {
                _epoch.Days = zda.Days;
            }
        }

        /// <summary>
        /// Tells the assembler that a sentence of <paramref name="type"/> was added. When it is the
        /// learnt last sentence of the cycle, the epoch closes now.
        /// </summary>
        /// <param name="type">The type of the sentence just added.</param>
        public void SentenceDone(SentenceType type)
        {
            if (_cycle.SentenceDone(type))
            {
                CloseEpoch();
            }
        }

        /// <summary>
        /// Closes the epoch in progress, producing its fix if it has one. Call at the end of input,
        /// or when the receiver's burst for a second is over (an idle UART), so the last epoch is
        /// not held until the next one starts.
        /// </summary>
        public void Close()
        {
            _cycle.EndTail();
            CloseEpoch();
            _cycle.ResetCycle();
        }

        /// <summary>Forgets the epoch in progress and the last known date, as after a receiver restart.</summary>
        public void Restart()
        {
            _epoch.Open = false;
            _outCount = 0;
            _dates.Restart();
            _cycle.Restart();
            _epoch.Reset();
        }

        // A sentence with a time field: it ends a tail, and a new time closes the epoch in progress.
        private void Enter(int timeMs)
        {
            _cycle.EndTail();
            if (timeMs == Fix.Unknown)
            {
                // A sentence that carries a time but left it empty (receivers do so without a fix):
                // the epoch in progress is one without time, and a timed sentence will start anew.
                _epoch.Timeless = true;
            }
            else if (_epoch.Open && _epoch.TimeMs == Fix.Unknown && _epoch.Timeless)
            {
                CloseEpoch();
                _cycle.ResetCycle();
            }

            if (_epoch.Open && timeMs != Fix.Unknown && _epoch.TimeMs != Fix.Unknown && timeMs != _epoch.TimeMs)
            {
                // A new time closed the epoch: its last sentence is a candidate cycle end.
                _cycle.TimeChanged();
                CloseEpoch();
                _cycle.ResetCycle();
            }

            _epoch.Open = true;
            if (timeMs != Fix.Unknown)
            {
                _epoch.TimeMs = timeMs;
            }
        }

        private void CloseEpoch()
        {
            if (!_epoch.Open)
            {
                return;
            }

            _epoch.Open = false;
            int timeMs = _epoch.TimeMs;
            if (timeMs == Fix.Unknown)
            {
                // Sentences without time and no timed sentence after them: nothing to anchor.
                if (_epoch.HasVote)
                {
                    _counters.EpochsWithoutFix++;
                }

                _epoch.Reset();
                return;
            }

            int days = _dates.DateOf(_epoch.Days, timeMs);
            Fix released;
            if (days != Fix.Unknown && _dates.TryRelease(days, timeMs, out released))
            {
                Enqueue(released);
            }

            if (!_epoch.IsFix)
            {
                _counters.EpochsWithoutFix++;
            }
            else if (days != Fix.Unknown && _dates.RepeatsLastFix(days, timeMs))
            {
                // A straggler of an epoch already closed early: the learnt cycle end was wrong.
                _cycle.Unconfirm();
                _counters.EpochsWithoutFix++;
            }
            else if (days == Fix.Unknown)
            {
                // No date yet (a GGA-only epoch at start-up): hold the latest such epoch until RMC or
                // ZDA dates it. An older held one can no longer be dated reliably and is dropped.
                _dates.DiscardHeld();
                if (_epoch.IsZeroPosition)
                {
                    _counters.ZeroPositions++;
                }
                else
                {
                    _dates.Hold(_epoch.Build(0));
                }
            }
            else if (_epoch.IsZeroPosition)
            {
                _counters.ZeroPositions++;
            }
            else
            {
                Enqueue(_epoch.Build(days));
            }

            _epoch.Reset();
        }

        private void Enqueue(Fix f)
        {
            if (_outCount == _out.Length)
            {
                // The caller did not take its fixes; the oldest is overwritten (cannot happen through NmeaFixReader).
                _outHead = (_outHead + 1) % _out.Length;
                _outCount--;
            }

            _out[(_outHead + _outCount) % _out.Length] = f;
            _outCount++;
            _dates.Emitted(f.TimeMs);
            _counters.Fixes++;
        }
    }
}
