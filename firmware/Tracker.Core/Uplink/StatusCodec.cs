using Tracker.Core.Common;

namespace Tracker.Core.Uplink
{
    /// <summary>
    /// Encodes and decodes status messages, format version <see cref="Version"/> (Uplink/README.md
    /// is the byte-level specification, with a test vector). An offline will is 6 bytes; a typical
    /// online status 25 to 35.
    /// </summary>
    /// <remarks>
    /// Same frame as the fix batches (Wire/README.md): a version byte, then a CRC-32 over everything
    /// else, so the cloud tells a status from a damaged or foreign payload the same way. The
    /// encoder allocates nothing. The decoder never throws on content: it returns false with a
    /// <see cref="StatusError"/>.
    /// </remarks>
    public static class StatusCodec
    {
        /// <summary>The format version this code writes (byte 0): 2, which adds the backup-cell voltage.</summary>
        public const byte Version = 2;

        /// <summary>The oldest version it still reads: 1, written by firmware before the backup-cell voltage.</summary>
        public const byte OldestVersion = 1;

        /// <summary>Size of the offline will, which is also the smallest message.</summary>
        public const int OfflineBytes = 6;

        /// <summary>The longest firmware version carried.</summary>
        public const int MaxFirmwareVersionLength = 32;

        /// <summary>
        /// The largest message: 8 header and flag bytes, 9 varints of at most 10 bytes, the version
        /// length byte and 32 characters.
        /// </summary>
        public const int MaxBytes = 8 + (9 * 10) + 1 + MaxFirmwareVersionLength;

        /// <summary>The largest supply voltage carried, in mV.</summary>
        public const int MaxSupplyMv = 65535;

        private const int CrcOffset = 1;
        private const int KindOffset = 5;
        private const int FlagIgnitionMask = 0x03;
        private const int FlagMoving = 0x04;
        private const int FlagWatched = 0x08;
        private const int FlagUtc = 0x10;
        private const int FlagSupply = 0x20;
        private const int FlagSignal = 0x40;
        private const int FlagFixAge = 0x80;
        private const int Flag2Backup = 0x01;

        /// <summary>
        /// Encodes a report. Values outside their field's domain are written as unknown (a negative
        /// voltage or age) or 0 (a negative counter); characters of the firmware version outside
        /// printable ASCII become '?', and it is cut to 32 characters. Allocates nothing.
        /// </summary>
        /// <param name="report">The report (by reference, to avoid a struct copy on the device).</param>
        /// <param name="output">The destination.</param>
        /// <param name="offset">Where the message starts; <see cref="MaxBytes"/> must fit after it.</param>
        /// <returns>The message's length.</returns>
        /// <exception cref="System.ArgumentNullException">output is null.</exception>
        /// <exception cref="System.ArgumentOutOfRangeException">There is less than <see cref="MaxBytes"/> of room.</exception>
        public static int Encode(ref StatusReport report, byte[] output, int offset)
        {
            if (output == null)
            {
                throw new System.ArgumentNullException(nameof(output));
            }

            if (offset < 0 || offset > output.Length - MaxBytes)
            {
                throw new System.ArgumentOutOfRangeException(nameof(offset), "StatusCodec.MaxBytes must fit after offset");
            }

            int o = offset;
            output[o] = Version;
            o += KindOffset;
            if (report.Kind == StatusKind.Offline)
            {
                output[o++] = (byte)StatusKind.Offline;
                Seal(output, offset, o);
                return o - offset;
            }

            output[o++] = (byte)StatusKind.Online;
            int flags = 0;
            if (report.Ignition == IgnitionState.Off || report.Ignition == IgnitionState.On)
            {
                flags = (int)report.Ignition;
            }

            if (report.Moving)
            {
                flags |= FlagMoving;
            }

            if (report.Watched)
            {
                flags |= FlagWatched;
            }

            bool utc = report.UtcS != StatusReport.Unknown && report.UtcS >= 0;
            bool supply = report.SupplyMv >= 0 && report.SupplyMv <= MaxSupplyMv;
            bool signal = report.SignalDbm != StatusReport.Unknown;
            bool fixAge = report.FixAgeS >= 0;
            flags |= utc ? FlagUtc : 0;
            flags |= supply ? FlagSupply : 0;
            flags |= signal ? FlagSignal : 0;
            flags |= fixAge ? FlagFixAge : 0;
            output[o++] = (byte)flags;
            bool backup = report.BackupMv >= 0 && report.BackupMv <= MaxSupplyMv;
            output[o++] = (byte)(backup ? Flag2Backup : 0);

            o = Varint.Write(Counter(report.UptimeS), output, o);
            if (utc)
            {
                o = Varint.Write((ulong)report.UtcS, output, o);
            }

            if (supply)
            {
                o = Varint.Write((ulong)report.SupplyMv, output, o);
            }

            if (backup)
            {
                o = Varint.Write((ulong)report.BackupMv, output, o);
            }

            if (signal)
            {
                o = Varint.Write(Varint.ZigZag(report.SignalDbm), output, o);
            }

            if (fixAge)
            {
                o = Varint.Write((ulong)report.FixAgeS, output, o);
            }

            o = Varint.Write(Counter(report.QueueDepth), output, o);
            o = Varint.Write(Counter(report.Evictions), output, o);
            o = Varint.Write(Counter(report.Reconnects), output, o);

            string version = report.FirmwareVersion == null ? string.Empty : report.FirmwareVersion;
            int length = version.Length > MaxFirmwareVersionLength ? MaxFirmwareVersionLength : version.Length;
            output[o++] = (byte)length;
            for (int i = 0; i < length; i++)
            {
                char c = version[i];
                output[o++] = (byte)(IsPrintable(c) ? c : '?');
            }

            Seal(output, offset, o);
            return o - offset;
        }

        /// <summary>
        /// The last will's payload: the ASCII text <c>offline</c>. The will is text, not the binary
        /// offline form, because the SIM7080G takes the will as a quoted AT string
        /// (<c>AT+SMCONF="MESSAGE",...</c>) that cannot carry arbitrary bytes; every link can send
        /// this, and <see cref="TryDecode"/> reads it as an offline status.
        /// </summary>
        public const string WillText = "offline";

        /// <summary>The will's payload, <see cref="WillText"/> in ASCII.</summary>
        /// <returns>A new array holding it.</returns>
        public static byte[] EncodeWill()
        {
            return Utf8.GetBytes(WillText);
        }

        /// <summary>Encodes the binary offline status (<see cref="OfflineBytes"/> bytes).</summary>
        /// <returns>A new array holding it.</returns>
        public static byte[] EncodeOffline()
        {
            byte[] buffer = new byte[MaxBytes];
            StatusReport offline = StatusReport.CreateOffline();
            int length = Encode(ref offline, buffer, 0);
            byte[] will = new byte[length];
            System.Array.Copy(buffer, will, length);
            return will;
        }

        /// <summary>Decodes one status message; never throws on content.</summary>
        /// <param name="data">The buffer.</param>
        /// <param name="offset">Where the message starts.</param>
        /// <param name="count">The message's length (the MQTT payload length).</param>
        /// <param name="report">The report; on failure an online report with nothing known.</param>
        /// <param name="error">Why it was rejected, or <see cref="StatusError.None"/>.</param>
        /// <returns>True when <paramref name="report"/> holds the message.</returns>
        /// <exception cref="System.ArgumentNullException">data is null.</exception>
        /// <exception cref="System.ArgumentOutOfRangeException">offset and count do not lie within data.</exception>
        public static bool TryDecode(byte[] data, int offset, int count, out StatusReport report, out StatusError error)
        {
            if (data == null)
            {
                throw new System.ArgumentNullException(nameof(data));
            }

            if (offset < 0 || count < 0 || offset > data.Length - count)
            {
                throw new System.ArgumentOutOfRangeException(nameof(count), "offset and count must lie within data");
            }

            if (IsWill(data, offset, count))
            {
                report = StatusReport.CreateOffline();
                error = StatusError.None;
                return true;
            }

            if (Decode(data, offset, count, out report, out error))
            {
                return true;
            }

            report = StatusReport.CreateOnline();
            return false;
        }

        private static bool IsWill(byte[] data, int offset, int count)
        {
            if (count != WillText.Length)
            {
                return false;
            }

            for (int i = 0; i < count; i++)
            {
                if (data[offset + i] != (byte)WillText[i])
                {
                    return false;
                }
            }

            return true;
        }

        private static bool Decode(byte[] data, int offset, int count, out StatusReport report, out StatusError error)
        {
            report = StatusReport.CreateOnline();
            error = Check(data, offset, count);
            if (error != StatusError.None)
            {
                return false;
            }

            int end = offset + count;
            int o = offset + KindOffset;
            int kind = data[o++];
            if (kind == (int)StatusKind.Offline)
            {
                if (o != end)
                {
                    return Fail(StatusError.TrailingBytes, out error);
                }

                report.Kind = StatusKind.Offline;
                return true;
            }

            if (o >= end)
            {
                return Fail(StatusError.Truncated, out error);
            }

            int flags = data[o++];
            int ignition = flags & FlagIgnitionMask;
            if (ignition == 3)
            {
                return Fail(StatusError.BadFlags, out error);
            }

            report.Ignition = (IgnitionState)ignition;
            report.Moving = (flags & FlagMoving) != 0;
            report.Watched = (flags & FlagWatched) != 0;

            // Version 2 adds a second flags byte; version 1 has none (and so no backup voltage).
            int flags2 = 0;
            if (data[offset] >= 2)
            {
                if (o >= end)
                {
                    return Fail(StatusError.Truncated, out error);
                }

                flags2 = data[o++];
                if ((flags2 & ~Flag2Backup) != 0)
                {
                    return Fail(StatusError.BadFlags, out error);
                }
            }

            ulong value;
            if (!ReadCounter(data, ref o, end, out report.UptimeS, out error))
            {
                return false;
            }

            if ((flags & FlagUtc) != 0 && !ReadCounter(data, ref o, end, out report.UtcS, out error))
            {
                return false;
            }

            if ((flags & FlagSupply) != 0)
            {
                if (!ReadUnsigned(data, ref o, end, MaxSupplyMv, out value, out error))
                {
                    return false;
                }

                report.SupplyMv = (int)value;
            }

            if ((flags2 & Flag2Backup) != 0)
            {
                if (!ReadUnsigned(data, ref o, end, MaxSupplyMv, out value, out error))
                {
                    return false;
                }

                report.BackupMv = (int)value;
            }

            if ((flags & FlagSignal) != 0)
            {
                if (!Varint.TryRead(data, ref o, end, out value))
                {
                    return Fail(StatusError.Truncated, out error);
                }

                long dbm = Varint.UnZigZag(value);
                if (dbm <= int.MinValue || dbm > int.MaxValue)
                {
                    return Fail(StatusError.OutOfRange, out error);
                }

                report.SignalDbm = (int)dbm;
            }

            if ((flags & FlagFixAge) != 0)
            {
                if (!ReadUnsigned(data, ref o, end, int.MaxValue, out value, out error))
                {
                    return false;
                }

                report.FixAgeS = (int)value;
            }

            if (!ReadCounter(data, ref o, end, out report.QueueDepth, out error)
                || !ReadCounter(data, ref o, end, out report.Evictions, out error)
                || !ReadCounter(data, ref o, end, out report.Reconnects, out error))
            {
                return false;
            }

            if (o >= end)
            {
                return Fail(StatusError.Truncated, out error);
            }

            int length = data[o++];
            if (length > MaxFirmwareVersionLength)
            {
                return Fail(StatusError.BadFirmwareVersion, out error);
            }

            if (length > end - o)
            {
                return Fail(StatusError.Truncated, out error);
            }

            char[] chars = new char[length];
            for (int i = 0; i < length; i++)
            {
                char c = (char)data[o + i];
                if (!IsPrintable(c))
                {
                    return Fail(StatusError.BadFirmwareVersion, out error);
                }

                chars[i] = c;
            }

            o += length;
            if (o != end)
            {
                return Fail(StatusError.TrailingBytes, out error);
            }

            report.FirmwareVersion = new string(chars);
            return true;
        }

        // Frame checks: length, version, CRC, kind.
        private static StatusError Check(byte[] data, int offset, int count)
        {
            if (count < OfflineBytes)
            {
                return StatusError.TooShort;
            }

            if (data[offset] < OldestVersion || data[offset] > Version)
            {
                return StatusError.UnsupportedVersion;
            }

            uint stored = (uint)(data[offset + CrcOffset]
                | (data[offset + CrcOffset + 1] << 8)
                | (data[offset + CrcOffset + 2] << 16)
                | (data[offset + CrcOffset + 3] << 24));
            if (stored != ComputeCrc(data, offset, offset + count))
            {
                return StatusError.BadCrc;
            }

            int kind = data[offset + KindOffset];
            if (kind != (int)StatusKind.Offline && kind != (int)StatusKind.Online)
            {
                return StatusError.UnknownKind;
            }

            return StatusError.None;
        }

        // CRC-32 (Common/Crc32: IEEE, as the fix batches) of byte 0 followed by bytes 5..end.
        private static uint ComputeCrc(byte[] data, int offset, int end)
        {
            uint crc = Crc32.Update(0xFFFFFFFFu, data, offset, CrcOffset);
            return ~Crc32.Update(crc, data, offset + KindOffset, end - offset - KindOffset);
        }

        private static void Seal(byte[] output, int offset, int end)
        {
            uint crc = ComputeCrc(output, offset, end);
            output[offset + CrcOffset] = (byte)crc;
            output[offset + CrcOffset + 1] = (byte)(crc >> 8);
            output[offset + CrcOffset + 2] = (byte)(crc >> 16);
            output[offset + CrcOffset + 3] = (byte)(crc >> 24);
        }

        private static ulong Counter(long value)
        {
            return value < 0 ? 0UL : (ulong)value;
        }

        private static bool ReadCounter(byte[] data, ref int o, int end, out long result, out StatusError error)
        {
            ulong value;
            result = 0;
            if (!ReadUnsigned(data, ref o, end, long.MaxValue, out value, out error))
            {
                return false;
            }

            result = (long)value;
            return true;
        }

        private static bool ReadUnsigned(byte[] data, ref int o, int end, long max, out ulong value, out StatusError error)
        {
            if (!Varint.TryRead(data, ref o, end, out value))
            {
                return Fail(StatusError.Truncated, out error);
            }

            if (value > (ulong)max)
            {
                value = 0;
                return Fail(StatusError.OutOfRange, out error);
            }

            error = StatusError.None;
            return true;
        }

        private static bool Fail(StatusError reason, out StatusError error)
        {
            error = reason;
            return false;
        }

        private static bool IsPrintable(char c)
        {
            return c >= ' ' && c <= '~';
        }
    }
}
