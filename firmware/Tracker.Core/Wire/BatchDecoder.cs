using Tracker.Core.Common;
using Tracker.Core.Fixes;

namespace Tracker.Core.Wire
{
    /// <summary>
    /// Decodes batch messages written by <see cref="BatchEncoder"/> (README.md beside this file). It
    /// never throws on the content of a message: truncated, garbled or hostile input gives
    /// <c>false</c> and a <see cref="BatchError"/>. It allocates nothing; the caller owns the output
    /// array.
    /// </summary>
    public static class BatchDecoder
    {
        /// <summary>
        /// Reads the version and the count from the header without checking the rest, so that a
        /// caller can size the output array before <see cref="TryDecode"/>.
        /// </summary>
        /// <param name="data">The message bytes.</param>
        /// <param name="offset">Index of the first byte of the message.</param>
        /// <param name="length">Length of the message.</param>
        /// <param name="count">The number of fixes the header announces, or 0.</param>
        /// <param name="error">Why the header was rejected, or <see cref="BatchError.None"/>.</param>
        /// <returns>True when the header is readable and the count is within <see cref="BatchFormat.MaxFixes"/>.</returns>
        public static bool TryReadCount(byte[] data, int offset, int length, out int count, out BatchError error)
        {
            CheckRange(data, offset, length);
            int bodyStart;
            error = ReadHeader(data, offset, length, out count, out bodyStart);
            if (error != BatchError.None)
            {
                count = 0;
                return false;
            }

            return true;
        }

        /// <summary>
        /// Decodes a whole message into <c>output[0 .. count)</c>. The message must be exactly
        /// <paramref name="length"/> bytes long.
        /// </summary>
        /// <param name="data">The message bytes.</param>
        /// <param name="offset">Index of the first byte of the message.</param>
        /// <param name="length">Length of the message.</param>
        /// <param name="output">Receives the fixes; its contents are unspecified when decoding fails.</param>
        /// <param name="count">The number of fixes decoded, or 0 on failure.</param>
        /// <param name="error">Why the message was rejected, or <see cref="BatchError.None"/>.</param>
        /// <returns>True when every fix was decoded and the message is intact.</returns>
        public static bool TryDecode(byte[] data, int offset, int length, Fix[] output, out int count, out BatchError error)
        {
            CheckRange(data, offset, length);
            if (output == null)
            {
                throw new System.ArgumentNullException(nameof(output));
            }

            count = 0;
            int n;
            int bodyStart;
            int end = offset + length;
            error = ReadHeader(data, offset, length, out n, out bodyStart);
            if (error == BatchError.CountTooLarge && !CrcMatches(data, offset, end))
            {
                error = BatchError.ChecksumMismatch;
            }

            if (error != BatchError.None)
            {
                return false;
            }

            if (n > output.Length)
            {
                error = BatchError.OutputTooSmall;
                return false;
            }

            int bodyEnd = bodyStart;
            bool outOfRange = false;
            if (n > 0)
            {
                BitReader r = new BitReader(data, bodyStart, end);
                for (int f = 0; f < BatchFields.Count && r.Ok; f++)
                {
                    ReadField(ref r, output, n, f, ref outOfRange);
                }

                if (r.Ok)
                {
                    ReadSymbols(ref r, output, n);
                }

                // Padding to the byte boundary must be zero (README, "Body").
                if (r.Ok && r.Read(r.BitsLeftInByte) != 0)
                {
                    r.Malformed = true;
                }

                if (r.Overrun)
                {
                    error = BatchError.Truncated;
                    return false;
                }

                if (r.Malformed)
                {
                    error = CrcMatches(data, offset, end) ? BatchError.Malformed : BatchError.ChecksumMismatch;
                    return false;
                }

                bodyEnd = r.End;
            }

            if (bodyEnd != end)
            {
                // Bytes after the batch: trailing garbage if the checksum covers the batch alone or
                // the whole input (a faulty encoder); otherwise the batch itself is garbled.
                bool intact = CrcMatches(data, offset, bodyEnd) || CrcMatches(data, offset, end);
                error = intact ? BatchError.TrailingBytes : BatchError.ChecksumMismatch;
                return false;
            }

            if (!CrcMatches(data, offset, end))
            {
                error = BatchError.ChecksumMismatch;
                return false;
            }

            if (outOfRange)
            {
                error = BatchError.FieldOutOfRange;
                return false;
            }

            count = n;
            return true;
        }

        private static void CheckRange(byte[] data, int offset, int length)
        {
            if (data == null)
            {
                throw new System.ArgumentNullException(nameof(data));
            }

            if (offset < 0 || length < 0 || offset > data.Length - length)
            {
                throw new System.ArgumentOutOfRangeException(nameof(length), "offset and length must lie within data");
            }
        }

        private static BatchError ReadHeader(byte[] data, int offset, int length, out int count, out int bodyStart)
        {
            count = 0;
            bodyStart = offset;
            if (length == 0)
            {
                return BatchError.Empty;
            }

            if (data[offset] != BatchFormat.Version)
            {
                return BatchError.UnsupportedVersion;
            }

            int end = offset + length;
            int position = offset + BatchFormat.FixedHeaderBytes;
            if (position >= end)
            {
                return BatchError.Truncated;
            }

            ulong value;
            if (!Varint.TryRead(data, ref position, end, out value))
            {
                // Either the input ends inside the varint, or the varint is absurdly long.
                for (int i = position; i < end; i++)
                {
                    if ((data[i] & 0x80) == 0)
                    {
                        return BatchError.CountTooLarge;
                    }
                }

                return BatchError.Truncated;
            }

            if (value > BatchFormat.MaxFixes)
            {
                return BatchError.CountTooLarge;
            }

            count = (int)value;
            bodyStart = position;
            return BatchError.None;
        }

        /// <summary>True when the CRC-32 in the header matches bytes [offset, end) without the CRC field itself.</summary>
        private static bool CrcMatches(byte[] data, int offset, int end)
        {
            int crcEnd = offset + BatchFormat.FixedHeaderBytes;
            if (end < crcEnd)
            {
                return false;
            }

            uint crc = Crc32.Update(0xFFFFFFFFu, data, offset, BatchFormat.CrcOffset);
            crc = ~Crc32.Update(crc, data, crcEnd, end - crcEnd);
            uint stored = (uint)data[offset + 1] | ((uint)data[offset + 2] << 8) | ((uint)data[offset + 3] << 16) | ((uint)data[offset + 4] << 24);
            return crc == stored;
        }

        private static void ReadField(ref BitReader r, Fix[] output, int n, int field, ref bool outOfRange)
        {
            bool optional = BatchFields.IsOptional(field);
            int known = n;
            bool mixed = false;
            if (optional && r.Read(1) == 0)
            {
                if (r.Read(1) == 0)
                {
                    for (int i = 0; i < n; i++)
                    {
                        BatchFields.Set(output, i, field, Fix.Unknown);
                    }

                    return;
                }

                // Mixed: one presence bit a fix. The output array holds the marks until the values come.
                mixed = true;
                known = 0;
                for (int i = 0; i < n; i++)
                {
                    bool present = r.Read(1) == 1;
                    BatchFields.Set(output, i, field, present ? 0 : Fix.Unknown);
                    known += present ? 1 : 0;
                }

                if (known == 0)
                {
                    return;
                }
            }

            int unit = (int)r.Read(2);
            int order = known >= 3 ? 1 + (int)r.Read(1) : 1;
            long modulus = BatchFields.Modulus(field, unit);
            long low = BatchFields.WrapLow(field, modulus);
            int k = BatchEncoder.AllZeroK;
            long q = 0;
            long delta = 0;
            int j = 0;
            for (int i = 0; i < n && r.Ok; i++)
            {
                if (mixed && BatchFields.Get(output, i, field) == Fix.Unknown)
                {
                    continue;
                }

                if (j == 0)
                {
                    q = Varint.UnZigZag(r.ReadWide());
                }
                else
                {
                    if (j == 1)
                    {
                        if (order == 2)
                        {
                            delta = Varint.UnZigZag(r.ReadWide());
                        }

                        k = (int)r.Read(BatchEncoder.KBits);
                    }

                    if (order == 1 || j >= 2)
                    {
                        long residual = k == BatchEncoder.AllZeroK ? 0 : Varint.UnZigZag(r.ReadUnaryLength(k));
                        delta = order == 1 ? residual : unchecked(delta + residual);
                    }

                    q = modulus == 0 ? unchecked(q + delta) : BatchFields.Reduce(unchecked(q + delta), low, modulus);
                }

                long value;
                if (!BatchFields.TryReconstruct(field, unit, q, out value))
                {
                    // Keep parsing so that a garbled message is still reported as garbled; 0 is
                    // never the Unknown mark, so a mixed field's remaining marks stay intact.
                    outOfRange = true;
                    value = 0;
                }

                BatchFields.Set(output, i, field, value);
                j++;
            }
        }

        private static void ReadSymbols(ref BitReader r, Fix[] output, int n)
        {
            int symbol = (int)r.Read(4);
            SetSymbol(output, 0, symbol);
            bool varies = n >= 2 && r.Read(1) == 1;
            for (int i = 1; i < n; i++)
            {
                if (varies && r.Read(1) == 1)
                {
                    symbol = (int)r.Read(4);
                }

                SetSymbol(output, i, symbol);
            }
        }

        private static void SetSymbol(Fix[] output, int index, int symbol)
        {
            output[index].Mode = (FixMode)(2 + (symbol >> 3));
            output[index].Quality = (FixQuality)(1 + (symbol & 7));
        }
    }
}
