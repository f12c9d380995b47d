using Tracker.Core.Common;

namespace Tracker.Core.Tests.Wire;

/// <summary>
/// Builds messages by hand from the README's layout, independently of the encoder, so that tests
/// can craft what a faulty encoder would send (a value out of range, a reserved code, bad padding)
/// with a checksum that still matches.
/// </summary>
internal sealed class SpecMessage
{
    private readonly List<bool> _bits = [];

    /// <summary>Appends the low <paramref name="count"/> bits of <paramref name="value"/>, most significant first.</summary>
    public SpecMessage Bits(ulong value, int count)
    {
        for (int i = count - 1; i >= 0; i--)
        {
            _bits.Add(((value >> i) & 1) != 0);
        }

        return this;
    }

    /// <summary>Appends the W code: 7-bit length L, then the L-1 bits below the leading one.</summary>
    public SpecMessage Wide(long signed)
    {
        ulong u = Varint.ZigZag(signed);
        int length = u == 0 ? 0 : 64 - System.Numerics.BitOperations.LeadingZeroCount(u);
        Bits((ulong)length, 7);
        return length > 1 ? Bits(u, length - 1) : this;
    }

    /// <summary>Version, CRC, count and the body so far, padded with <paramref name="padding"/> bits (normally zero).</summary>
    public byte[] Build(int count, byte version = 1, bool setPadding = false, int extraBytes = 0)
    {
        var bits = new List<bool>(_bits);
        while (bits.Count % 8 != 0)
        {
            bits.Add(setPadding);
        }

        byte[] countBytes = new byte[Varint.MaxBytes64];
        int countLength = Varint.Write((ulong)count, countBytes, 0);
        byte[] message = new byte[5 + countLength + (bits.Count / 8) + extraBytes];
        message[0] = version;
        Array.Copy(countBytes, 0, message, 5, countLength);
        for (int i = 0; i < bits.Count; i++)
        {
            if (bits[i])
            {
                message[5 + countLength + (i / 8)] |= (byte)(0x80 >> (i % 8));
            }
        }

        return WithCrc(message);
    }

    /// <summary>Recomputes the CRC-32 of a message over every byte but the CRC field, in place.</summary>
    public static byte[] WithCrc(byte[] message)
    {
        uint crc = Crc32.Update(0xFFFFFFFFu, message, 0, 1);
        crc = ~Crc32.Update(crc, message, 5, message.Length - 5);
        message[1] = (byte)crc;
        message[2] = (byte)(crc >> 8);
        message[3] = (byte)(crc >> 16);
        message[4] = (byte)(crc >> 24);
        return message;
    }

    /// <summary>A one-fix body: time 0, the given latitude, longitude 0, every optional field unknown, 3D autonomous.</summary>
    public static SpecMessage OneFix(long latE7, int latUnit = 0)
    {
        var m = new SpecMessage();
        m.Bits(0, 2).Wide(0); // time: unit 1 ms, value 0
        m.Bits((ulong)latUnit, 2).Wide(latE7); // latitude
        m.Bits(0, 2).Wide(0); // longitude
        for (int f = 0; f < 5; f++)
        {
            m.Bits(0, 2); // altitude .. satellites: none known
        }

        return m.Bits(8, 4); // mode 3, quality 1
    }
}
