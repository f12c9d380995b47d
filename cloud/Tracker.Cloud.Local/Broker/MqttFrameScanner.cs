namespace Tracker.Cloud.Local.Broker;

/// <summary>
/// Follows the MQTT packet framing of a byte stream as it passes (MQTT 3.1.1 §2.2 and MQTT 5 §2.1: one fixed-header
/// byte, then the remaining length in 1 to 4 bytes of 7 bits each, then that many bytes), so that a packet longer than
/// the limit is refused from its first bytes, before anything buffers it. Each byte is looked at once; no allocation.
/// </summary>
public struct MqttFrameScanner
{
    private const int Header = 0;
    private const int Length = 1;
    private const int Body = 2;

    private readonly int _maxRemainingLength;
    private int _state;
    private int _lengthBytes;
    private int _multiplier;
    private long _remaining;

    /// <summary>Creates a scanner.</summary>
    /// <param name="maxRemainingLength">The longest remaining length (everything after the fixed header) allowed.</param>
    public MqttFrameScanner(int maxRemainingLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxRemainingLength);
        _maxRemainingLength = maxRemainingLength;
        _state = Header;
        _lengthBytes = 0;
        _multiplier = 1;
        _remaining = 0;
    }

    /// <summary>The remaining length of the last refused packet (for the log).</summary>
    public long RefusedLength { get; private set; }

    /// <summary>Takes the next bytes of the stream.</summary>
    /// <param name="data">The bytes, in stream order.</param>
    /// <returns>False when a packet declares more than the limit, or a length of more than 4 bytes (malformed).</returns>
    public bool Scan(ReadOnlySpan<byte> data)
    {
        int i = 0;
        while (i < data.Length)
        {
            switch (_state)
            {
                case Header:
                    _state = Length;
                    _remaining = 0;
                    _multiplier = 1;
                    _lengthBytes = 0;
                    i++;
                    break;
                case Length:
                    byte b = data[i++];
                    _remaining += (b & 0x7F) * (long)_multiplier;
                    _multiplier *= 128;
                    _lengthBytes++;
                    if ((b & 0x80) == 0)
                    {
                        if (_remaining > _maxRemainingLength)
                        {
                            RefusedLength = _remaining;
                            return false;
                        }

                        _state = _remaining == 0 ? Header : Body;
                    }
                    else if (_lengthBytes == 4)
                    {
                        RefusedLength = -1; // a fifth length byte: malformed (§2.2.3)
                        return false;
                    }

                    break;
                default:
                    int take = (int)Math.Min(_remaining, data.Length - i);
                    i += take;
                    _remaining -= take;
                    if (_remaining == 0)
                    {
                        _state = Header;
                    }

                    break;
            }
        }

        return true;
    }
}
