namespace Tracker.Core.Nmea
{
    /// <summary>
    /// What the NMEA reader saw: every line is accounted for in exactly one of the sentence outcomes
    /// (parsed by type, proprietary, unknown, other talker, checksum error, malformed).
    /// </summary>
    public sealed class NmeaCounters
    {
        private readonly long[] _byType = new long[SentenceTypes.Count];

        /// <summary>Complete lines framed (each starts with <c>$</c>).</summary>
        public long Lines;

        /// <summary>Lines whose checksum did not match.</summary>
        public long ChecksumErrors;

        /// <summary>Lines without a <c>*hh</c> checksum, or with a damaged one.</summary>
        public long MissingChecksum;

        /// <summary>Sentences of a known type that failed to parse (bad field, wrong field count, bad address).</summary>
        public long Malformed;

        /// <summary>Proprietary sentences (<c>$P...</c>), skipped.</summary>
        public long Proprietary;

        /// <summary>Standard sentences the tracker does not use (GSV, TXT, RMB...), skipped.</summary>
        public long UnknownType;

        /// <summary>Sentences of a used type from a talker that is not a GNSS (e.g. <c>$IIRMC</c>), skipped.</summary>
        public long OtherTalker;

        /// <summary>Epochs closed with a valid fix.</summary>
        public long Fixes;

        /// <summary>Epochs closed without a fix: no valid status, no position, or a sentence saying "invalid".</summary>
        public long EpochsWithoutFix;

        /// <summary>Epochs with a valid position but no date known yet (no RMC or ZDA seen), dropped.</summary>
        public long EpochsWithoutDate;

        /// <summary>Epochs whose position was exactly 0,0, dropped.</summary>
        public long ZeroPositions;

        /// <summary>Sentences parsed, by <see cref="SentenceType"/>.</summary>
        /// <param name="type">The type.</param>
        /// <returns>How many parsed.</returns>
        public long Parsed(SentenceType type)
        {
            return _byType[(int)type];
        }

        /// <summary>Counts one parsed sentence.</summary>
        /// <param name="type">Its type.</param>
        public void CountParsed(SentenceType type)
        {
            _byType[(int)type]++;
        }

        /// <summary>Total sentences parsed, all types.</summary>
        public long ParsedTotal
        {
            get
            {
                long total = 0;
                for (int i = 0; i < _byType.Length; i++)
                {
                    total += _byType[i];
                }

                return total;
            }
        }

        /// <summary>Sets every counter to zero.</summary>
        public void Clear()
        {
            Lines = 0;
            ChecksumErrors = 0;
            MissingChecksum = 0;
            Malformed = 0;
            Proprietary = 0;
            UnknownType = 0;
            OtherTalker = 0;
            Fixes = 0;
            EpochsWithoutFix = 0;
            EpochsWithoutDate = 0;
            ZeroPositions = 0;
            for (int i = 0; i < _byType.Length; i++)
            {
                _byType[i] = 0;
            }
        }
    }
}
