using Tracker.Core.Common;

namespace Tracker.Core.Storage
{
    /// <summary>
    /// Constants and byte-level helpers of the FixLog on-flash format, version 1. The layout is
    /// described in Storage/README.md; this is the one place that knows it.
    /// </summary>
    internal static class FixLogFormat
    {
        /// <summary>Format version written in every segment header.</summary>
        internal const byte Version = 1;

        /// <summary>Fixed segment header: magic(4) version(1) reserved(3) number(4) firstSeq(8) crc(4).</summary>
        internal const int HeaderSize = 24;

        /// <summary>Every record ends with the CRC-32 of its bytes, seeded with the header CRC.</summary>
        internal const int CrcSize = 4;

        /// <summary>Record tags 0x00 to 0x7F are delta fixes whose low 7 bits are the field mask.</summary>
        internal const int TagDeltaLimit = 0x80;

        /// <summary>A fix with every field absolute, and its index in the segment.</summary>
        internal const byte TagKeyframe = 0x81;

        /// <summary>One committed batch: newest record, backlog range.</summary>
        internal const byte TagCommit = 0x82;

        /// <summary>The committed set at the time the segment was created; only as the first record.</summary>
        internal const byte TagSnapshot = 0x83;

        /// <summary>Largest fix or commit record with its CRC (a keyframe: tag, 2 longs, 9 ints).</summary>
        internal const int MaxRecordBytes = 1 + (2 * Varint.MaxBytes64) + (9 * 5) + CrcSize;

        /// <summary>Segment files: eight lower-case hex digits and this extension.</summary>
        internal const string SegmentExtension = ".fxl";

        /// <summary>A segment being created; renamed to <see cref="SegmentExtension"/> once complete.</summary>
        internal const string TempExtension = ".tmp";

        /// <summary>Length of a segment or temporary file name.</summary>
        internal const int NameLength = 12;

        private const string HexDigits = "0123456789abcdef";

        /// <summary>Result of reading a segment header.</summary>
        internal const int HeaderValid = 0;

        /// <summary>The magic matches but the version is newer than this code reads.</summary>
        internal const int HeaderNewer = 1;

        /// <summary>Not a version 1 segment header: foreign, torn or corrupt.</summary>
        internal const int HeaderBad = 2;

        /// <summary>Largest snapshot record for <paramref name="maxRanges"/> ranges.</summary>
        /// <param name="maxRanges">Most committed ranges kept.</param>
        /// <returns>Bytes.</returns>
        internal static int MaxSnapshotBytes(int maxRanges)
        {
            return 1 + Varint.MaxBytes64 + 5 + (maxRanges * 2 * Varint.MaxBytes64) + CrcSize;
        }

        /// <summary>Writes a header for segment <paramref name="number"/> at offset 0.</summary>
        /// <param name="buffer">Destination, at least <see cref="HeaderSize"/> bytes.</param>
        /// <param name="number">Segment number, as in the file name.</param>
        /// <param name="firstSeq">Sequence number of the segment's first fix.</param>
        /// <returns>The header CRC, which seeds every record CRC in the segment.</returns>
        internal static uint WriteHeader(byte[] buffer, int number, long firstSeq)
        {
            buffer[0] = (byte)'F';
            buffer[1] = (byte)'X';
            buffer[2] = (byte)'L';
            buffer[3] = (byte)'G';
            buffer[4] = Version;
            buffer[5] = 0;
            buffer[6] = 0;
            buffer[7] = 0;
            WriteUInt32(buffer, 8, (uint)number);
            WriteUInt32(buffer, 12, (uint)firstSeq);
            WriteUInt32(buffer, 16, (uint)(firstSeq >> 32));
            uint crc = Crc32.Compute(buffer, 0, 20);
            WriteUInt32(buffer, 20, crc);
            return crc;
        }

        /// <summary>Checks a header read from a segment file.</summary>
        /// <param name="buffer">The file's first bytes.</param>
        /// <param name="count">How many bytes were read.</param>
        /// <param name="expectedNumber">The number in the file name; the header must agree.</param>
        /// <param name="firstSeq">Sequence number of the first fix, when valid.</param>
        /// <param name="seed">The header CRC, when valid.</param>
        /// <returns><see cref="HeaderValid"/>, <see cref="HeaderNewer"/> or <see cref="HeaderBad"/>.</returns>
        internal static int ReadHeader(byte[] buffer, int count, int expectedNumber, out long firstSeq, out uint seed)
        {
            firstSeq = 0;
            seed = 0;
            if (count < 5 || buffer[0] != 'F' || buffer[1] != 'X' || buffer[2] != 'L' || buffer[3] != 'G')
            {
                return HeaderBad;
            }

            if (buffer[4] > Version)
            {
                return HeaderNewer;
            }

            if (buffer[4] != Version || count < HeaderSize)
            {
                return HeaderBad;
            }

            uint crc = Crc32.Compute(buffer, 0, 20);
            if (crc != ReadUInt32(buffer, 20) || ReadUInt32(buffer, 8) != (uint)expectedNumber)
            {
                return HeaderBad;
            }

            firstSeq = (long)ReadUInt32(buffer, 12) | ((long)ReadUInt32(buffer, 16) << 32);
            if (firstSeq < 0)
            {
                return HeaderBad;
            }

            seed = crc;
            return HeaderValid;
        }

        /// <summary>CRC of a record's bytes, bound to its segment through the seed.</summary>
        /// <param name="seed">The segment's header CRC.</param>
        /// <param name="buffer">The record.</param>
        /// <param name="offset">Its first byte (the tag).</param>
        /// <param name="count">Its length without the CRC.</param>
        /// <returns>The CRC.</returns>
        internal static uint RecordCrc(uint seed, byte[] buffer, int offset, int count)
        {
            return ~Crc32.Update(seed, buffer, offset, count);
        }

        /// <summary>Appends the record CRC after <paramref name="count"/> bytes at <paramref name="offset"/>.</summary>
        /// <param name="seed">The segment's header CRC.</param>
        /// <param name="buffer">The record.</param>
        /// <param name="offset">Its first byte.</param>
        /// <param name="count">Its length without the CRC.</param>
        /// <returns>The record's full length.</returns>
        internal static int SealRecord(uint seed, byte[] buffer, int offset, int count)
        {
            WriteUInt32(buffer, offset + count, RecordCrc(seed, buffer, offset, count));
            return count + CrcSize;
        }

        /// <summary>Name of segment <paramref name="number"/>: eight hex digits and an extension.</summary>
        /// <param name="number">Segment number.</param>
        /// <param name="temporary">True for the name used while the segment is being created.</param>
        /// <returns>The file name.</returns>
        internal static string SegmentName(int number, bool temporary)
        {
            char[] chars = new char[NameLength];
            for (int i = 7; i >= 0; i--)
            {
                chars[i] = HexDigits[number & 0xF];
                number >>= 4;
            }

            string ext = temporary ? TempExtension : SegmentExtension;
            for (int i = 0; i < 4; i++)
            {
                chars[8 + i] = ext[i];
            }

            return new string(chars);
        }

        /// <summary>Parses a name written by <see cref="SegmentName"/>.</summary>
        /// <param name="name">A file name.</param>
        /// <param name="number">The segment number.</param>
        /// <param name="temporary">True for a temporary name.</param>
        /// <returns>False for any other name.</returns>
        internal static bool TryParseName(string name, out int number, out bool temporary)
        {
            number = 0;
            temporary = false;
            if (name == null || name.Length != NameLength)
            {
                return false;
            }

            if (EndsWith(name, SegmentExtension))
            {
                temporary = false;
            }
            else if (EndsWith(name, TempExtension))
            {
                temporary = true;
            }
            else
            {
                return false;
            }

            long value = 0;
            for (int i = 0; i < 8; i++)
            {
                char c = name[i];
                int digit;
                if (c >= '0' && c <= '9')
                {
                    digit = c - '0';
                }
                else if (c >= 'a' && c <= 'f')
                {
                    digit = c - 'a' + 10;
                }
                else
                {
                    return false;
                }

                value = (value << 4) | (long)digit;
            }

            if (value > int.MaxValue)
            {
                return false;
            }

            number = (int)value;
            return true;
        }

        /// <summary>Writes a little-endian 32-bit value.</summary>
        /// <param name="buffer">Destination.</param>
        /// <param name="offset">Where.</param>
        /// <param name="value">The value.</param>
        internal static void WriteUInt32(byte[] buffer, int offset, uint value)
        {
            buffer[offset] = (byte)value;
            buffer[offset + 1] = (byte)(value >> 8);
            buffer[offset + 2] = (byte)(value >> 16);
            buffer[offset + 3] = (byte)(value >> 24);
        }

        /// <summary>Reads a little-endian 32-bit value.</summary>
        /// <param name="buffer">Source.</param>
        /// <param name="offset">Where.</param>
        /// <returns>The value.</returns>
        internal static uint ReadUInt32(byte[] buffer, int offset)
        {
            return (uint)buffer[offset]
                | ((uint)buffer[offset + 1] << 8)
                | ((uint)buffer[offset + 2] << 16)
                | ((uint)buffer[offset + 3] << 24);
        }

        // Ordinal suffix test; String.EndsWith is culture-sensitive on the host.
        private static bool EndsWith(string value, string suffix)
        {
            int start = value.Length - suffix.Length;
            if (start < 0)
            {
                return false;
            }

            for (int i = 0; i < suffix.Length; i++)
            {
                if (value[start + i] != suffix[i])
                {
                    return false;
                }
            }

            return true;
        }
    }
}
