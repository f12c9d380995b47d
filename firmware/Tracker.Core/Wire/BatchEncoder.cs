using Tracker.Core.Common;
using Tracker.Core.Fixes;

namespace Tracker.Core.Wire
{
    /// <summary>
    /// Encodes fixes into one batch message (format version <see cref="BatchFormat.Version"/>,
    /// specified in README.md beside this file). Per batch it picks, field by field, the coarsest
    /// unit that carries every value exactly, first or second differences, and the code parameter
    /// that makes the residuals shortest; unknown fields and fields that do not change cost almost
    /// nothing.
    /// </summary>
    /// <remarks>
    /// The encoder never produces a message larger than its byte cap (at most
    /// <see cref="BatchFormat.MaxBatchBytes"/>, what the AWS path can carry) or than the room left in the
    /// caller's buffer: it writes as many of the fixes as fit and says how many. It keeps a few small
    /// scratch arrays, allocated once, so encoding allocates nothing; an instance is therefore not
    /// safe to share between threads.
    /// </remarks>
    public sealed class BatchEncoder
    {
        /// <summary>The k code meaning "every residual of this field is zero, none follow".</summary>
        internal const int AllZeroK = 15;

        /// <summary>Bits of the k code.</summary>
        internal const int KBits = 4;

        private const int MaxK = 14;
        private const int HistogramSize = 65;

        private readonly int _maxMessageBytes;
        private readonly int[] _firstDifferences = new int[HistogramSize];
        private readonly int[] _secondDifferences = new int[HistogramSize];
        private readonly int[] _known = new int[BatchFields.Count];
        private readonly int[] _unit = new int[BatchFields.Count];
        private readonly int[] _order = new int[BatchFields.Count];
        private readonly int[] _k = new int[BatchFields.Count];
        private bool _symbolVaries;
        private long _plannedBytes;

        /// <summary>Creates an encoder capped at <see cref="BatchFormat.MaxBatchBytes"/> a message.</summary>
        public BatchEncoder()
            : this(BatchFormat.MaxBatchBytes)
        {
        }

        /// <summary>Creates an encoder with a smaller cap on the size of a message.</summary>
        /// <param name="maxMessageBytes">
        /// From <see cref="BatchFormat.MaxEncodedSize"/>(1), so that any single fix fits, to
        /// <see cref="BatchFormat.MaxBatchBytes"/>.
        /// </param>
        public BatchEncoder(int maxMessageBytes)
        {
            if (maxMessageBytes < BatchFormat.MaxEncodedSize(1) || maxMessageBytes > BatchFormat.MaxBatchBytes)
            {
                throw new System.ArgumentOutOfRangeException(nameof(maxMessageBytes), "must hold one fix and stay within 96,000 bytes (128 KB in AWS IoT Core once republished as base64)");
            }

            _maxMessageBytes = maxMessageBytes;
        }

        /// <summary>The largest message this encoder produces, in bytes.</summary>
        public int MaxMessageBytes
        {
            get { return _maxMessageBytes; }
        }

        /// <summary>
        /// Encodes <c>fixes[start]</c> onwards into one message, as many of the <paramref name="count"/>
        /// as fit in <see cref="MaxMessageBytes"/>, in the room left in <paramref name="output"/> and
        /// in <see cref="BatchFormat.MaxFixes"/>. Fixes keep their order; times need not increase.
        /// </summary>
        /// <param name="fixes">The fixes; each must satisfy <see cref="BatchFormat.IsEncodable"/>.</param>
        /// <param name="start">Index of the first fix to encode.</param>
        /// <param name="count">Number of fixes offered (0 gives an empty batch).</param>
        /// <param name="output">Destination buffer, at least <see cref="BatchFormat.MinMessageBytes"/> long after the offset.</param>
        /// <param name="outputOffset">Where the message starts in <paramref name="output"/>.</param>
        /// <param name="fixesWritten">
        /// How many fixes, from <paramref name="start"/>, the message holds; send the rest in the next
        /// one. It is 0 only when <paramref name="count"/> is 0 or the buffer has less room than the
        /// first fix needs (never more than <see cref="BatchFormat.MaxEncodedSize"/>(1)).
        /// </param>
        /// <returns>The size of the message in bytes.</returns>
        /// <exception cref="System.ArgumentException">A fix in the range is outside the format's domain, or a buffer is too small.</exception>
        public int Encode(Fix[] fixes, int start, int count, byte[] output, int outputOffset, out int fixesWritten)
        {
            if (fixes == null)
            {
                throw new System.ArgumentNullException(nameof(fixes));
            }

            if (output == null)
            {
                throw new System.ArgumentNullException(nameof(output));
            }

            if (start < 0 || count < 0 || start > fixes.Length - count)
            {
                throw new System.ArgumentOutOfRangeException(nameof(count), "start and count must lie within fixes");
            }

            if (outputOffset < 0 || outputOffset > output.Length - BatchFormat.MinMessageBytes)
            {
                throw new System.ArgumentException("output needs room for at least an empty batch after outputOffset", nameof(output));
            }

            for (int i = start; i < start + count; i++)
            {
                if (!BatchFormat.IsEncodable(fixes[i]))
                {
                    throw new System.ArgumentException("fixes[" + i.ToString() + "] is outside the domain of a fix (see BatchFormat.IsEncodable)", nameof(fixes));
                }
            }

            int room = output.Length - outputOffset;
            int cap = room < _maxMessageBytes ? room : _maxMessageBytes;
            int n = count > BatchFormat.MaxFixes ? BatchFormat.MaxFixes : count;
            if (Plan(fixes, start, n) > cap)
            {
                // Sizes grow with the number of fixes (a prefix never needs more bits than the whole),
                // so the largest prefix that fits is found by bisection. lo always fits: 0 fixes is
                // the 6-byte empty batch, and room was checked above.
                int lo = 0;
                int hi = n;
                while (hi - lo > 1)
                {
                    int mid = lo + ((hi - lo) / 2);
                    if (Plan(fixes, start, mid) <= cap)
                    {
                        lo = mid;
                    }
                    else
                    {
                        hi = mid;
                    }
                }

                n = lo;
                Plan(fixes, start, n);
            }

            fixesWritten = n;
            return Write(fixes, start, n, output, outputOffset);
        }

        /// <summary>Chooses every field's parameters for fixes[start .. start + n) and returns the message size.</summary>
        private long Plan(Fix[] fixes, int start, int n)
        {
            long bits = 0;
            if (n > 0)
            {
                for (int f = 0; f < BatchFields.Count; f++)
                {
                    bits += PlanField(fixes, start, n, f);
                }

                bits += PlanSymbols(fixes, start, n);
            }

            _plannedBytes = BatchFormat.FixedHeaderBytes + Varint.SizeOf((ulong)n) + ((bits + 7) / 8);
            return _plannedBytes;
        }

        private long PlanField(Fix[] fixes, int start, int n, int field)
        {
            bool optional = BatchFields.IsOptional(field);
            int end = start + n;
            int known = 0;
            int candidates = 0xE; // unit codes 1 to 3 not yet ruled out; code 0 always fits
            for (int i = start; i < end; i++)
            {
                long v = BatchFields.Get(fixes, i, field);
                if (optional && v == Fix.Unknown)
                {
                    continue;
                }

                known++;
                for (int code = 1; code < BatchFields.UnitCodes; code++)
                {
                    long ignored;
                    if ((candidates & (1 << code)) != 0 && !BatchFields.TryQuantize(field, code, v, out ignored))
                    {
                        candidates &= ~(1 << code);
                    }
                }
            }

            _known[field] = known;
            _order[field] = 1;
            _k[field] = AllZeroK;
            long bits = !optional ? 0 : known == n ? 1 : known == 0 ? 2 : 2 + n;
            if (known == 0)
            {
                return bits;
            }

            int unit = 0;
            for (int code = BatchFields.UnitCodes - 1; code > 0; code--)
            {
                if ((candidates & (1 << code)) != 0)
                {
                    unit = code;
                    break;
                }
            }

            _unit[field] = unit;
            bits += 2;
            for (int b = 0; b < HistogramSize; b++)
            {
                _firstDifferences[b] = 0;
                _secondDifferences[b] = 0;
            }

            long modulus = BatchFields.Modulus(field, unit);
            long previous = 0;
            long previousDelta = 0;
            long firstDeltaBits = 0;
            int j = 0;
            for (int i = start; i < end; i++)
            {
                long v = BatchFields.Get(fixes, i, field);
                if (optional && v == Fix.Unknown)
                {
                    continue;
                }

                long q;
                BatchFields.TryQuantize(field, unit, v, out q);
                if (j == 0)
                {
                    bits += BitWriter.WideBits(Varint.ZigZag(q));
                }
                else
                {
                    long d = Delta(q, previous, modulus);
                    _firstDifferences[BitWriter.BitLength(Varint.ZigZag(d))]++;
                    if (j == 1)
                    {
                        firstDeltaBits = BitWriter.WideBits(Varint.ZigZag(d));
                    }
                    else
                    {
                        _secondDifferences[BitWriter.BitLength(Varint.ZigZag(unchecked(d - previousDelta)))]++;
                    }

                    previousDelta = d;
                }

                previous = q;
                j++;
            }

            if (known == 1)
            {
                return bits;
            }

            int k1;
            long cost = (known >= 3 ? 1 : 0) + KBits + BestK(_firstDifferences, known - 1, out k1);
            _k[field] = k1;
            if (known >= 3)
            {
                int k2;
                long cost2 = 1 + firstDeltaBits + KBits + BestK(_secondDifferences, known - 2, out k2);
                if (cost2 < cost)
                {
                    cost = cost2;
                    _order[field] = 2;
                    _k[field] = k2;
                }
            }

            return bits + cost;
        }

        /// <summary>The k with the fewest bits for residuals whose bit lengths are counted in <paramref name="histogram"/>.</summary>
        private static long BestK(int[] histogram, int residuals, out int k)
        {
            if (histogram[0] == residuals)
            {
                k = AllZeroK;
                return 0;
            }

            int longest = HistogramSize - 1;
            while (histogram[longest] == 0)
            {
                longest--;
            }

            long best = long.MaxValue;
            k = 0;
            for (int candidate = 0; candidate <= MaxK; candidate++)
            {
                long sum = 0;
                for (int b = 0; b <= longest; b++)
                {
                    if (histogram[b] != 0)
                    {
                        sum += (long)histogram[b] * BitWriter.UnaryLengthBitsForLength(b, candidate);
                    }
                }

                if (sum < best)
                {
                    best = sum;
                    k = candidate;
                }
            }

            return best;
        }

        private long PlanSymbols(Fix[] fixes, int start, int n)
        {
            long bits = 4;
            _symbolVaries = false;
            if (n < 2)
            {
                return bits;
            }

            long changes = 0;
            for (int i = start + 1; i < start + n; i++)
            {
                if (Symbol(fixes, i) != Symbol(fixes, i - 1))
                {
                    changes++;
                }
            }

            _symbolVaries = changes > 0;
            return bits + 1 + (_symbolVaries ? (n - 1) + (4 * changes) : 0);
        }

        private int Write(Fix[] fixes, int start, int n, byte[] output, int offset)
        {
            output[offset] = BatchFormat.Version;
            int end = Varint.Write((ulong)n, output, offset + BatchFormat.FixedHeaderBytes);
            if (n > 0)
            {
                BitWriter w = new BitWriter(output, end);
                for (int f = 0; f < BatchFields.Count; f++)
                {
                    WriteField(ref w, fixes, start, n, f);
                }

                WriteSymbols(ref w, fixes, start, n);
                end = w.End;
            }

            if (end - offset != _plannedBytes)
            {
                throw new System.InvalidOperationException("batch size differs from its plan");
            }

            int crcEnd = offset + BatchFormat.FixedHeaderBytes;
            uint crc = Crc32.Update(0xFFFFFFFFu, output, offset, BatchFormat.CrcOffset);
            crc = ~Crc32.Update(crc, output, crcEnd, end - crcEnd);
            output[offset + 1] = (byte)crc;
            output[offset + 2] = (byte)(crc >> 8);
            output[offset + 3] = (byte)(crc >> 16);
            output[offset + 4] = (byte)(crc >> 24);
            return end - offset;
        }

        private void WriteField(ref BitWriter w, Fix[] fixes, int start, int n, int field)
        {
            bool optional = BatchFields.IsOptional(field);
            int known = _known[field];
            int end = start + n;
            if (optional)
            {
                if (known == n)
                {
                    w.Write(1, 1);
                }
                else if (known == 0)
                {
                    w.Write(0, 2);
                    return;
                }
                else
                {
                    w.Write(1, 2);
                    for (int i = start; i < end; i++)
                    {
                        w.Write(BatchFields.Get(fixes, i, field) == Fix.Unknown ? 0UL : 1UL, 1);
                    }
                }
            }

            int unit = _unit[field];
            int order = _order[field];
            int k = _k[field];
            w.Write((ulong)unit, 2);
            if (known >= 3)
            {
                w.Write(order == 2 ? 1UL : 0UL, 1);
            }

            long modulus = BatchFields.Modulus(field, unit);
            long previous = 0;
            long previousDelta = 0;
            int j = 0;
            for (int i = start; i < end; i++)
            {
                long v = BatchFields.Get(fixes, i, field);
                if (optional && v == Fix.Unknown)
                {
                    continue;
                }

                long q;
                BatchFields.TryQuantize(field, unit, v, out q);
                if (j == 0)
                {
                    w.WriteWide(Varint.ZigZag(q));
                }
                else
                {
                    long d = Delta(q, previous, modulus);
                    long residual = d;
                    if (j == 1)
                    {
                        if (order == 2)
                        {
                            w.WriteWide(Varint.ZigZag(d));
                        }

                        w.Write((ulong)k, KBits);
                    }

                    if (order == 2)
                    {
                        residual = unchecked(d - previousDelta);
                    }

                    if (k != AllZeroK && (order == 1 || j >= 2))
                    {
                        w.WriteUnaryLength(Varint.ZigZag(residual), k);
                    }

                    previousDelta = d;
                }

                previous = q;
                j++;
            }
        }

        private void WriteSymbols(ref BitWriter w, Fix[] fixes, int start, int n)
        {
            w.Write((ulong)Symbol(fixes, start), 4);
            if (n < 2)
            {
                return;
            }

            w.Write(_symbolVaries ? 1UL : 0UL, 1);
            if (!_symbolVaries)
            {
                return;
            }

            for (int i = start + 1; i < start + n; i++)
            {
                int s = Symbol(fixes, i);
                if (s == Symbol(fixes, i - 1))
                {
                    w.Write(0, 1);
                }
                else
                {
                    w.Write(1, 1);
                    w.Write((ulong)s, 4);
                }
            }
        }

        /// <summary>Mode and quality as one 4-bit symbol: (mode - 2) * 8 + (quality - 1).</summary>
        private static int Symbol(Fix[] fixes, int index)
        {
            return (((int)fixes[index].Mode - 2) * 8) + ((int)fixes[index].Quality - 1);
        }

        /// <summary>The difference of two quotients, wrapped into [-(m/2), m - 1 - m/2] for a field with modulus m.</summary>
        private static long Delta(long q, long previous, long modulus)
        {
            long d = unchecked(q - previous);
            return modulus == 0 ? d : BatchFields.Reduce(d, -(modulus / 2), modulus);
        }
    }
}
