using Tracker.Core.Modem;

namespace Tracker.Core.Tests.Modem;

/// <summary>
/// A serial line that plays bytes scheduled at virtual times and records what was written. A read
/// with nothing due advances the clock to the next scheduled byte or to the read's timeout, so
/// tests never sleep. Optionally delivers at most <see cref="MaxChunk"/> bytes per read.
/// </summary>
public sealed class ScriptedSerial : ISerialChannel
{
    private readonly List<(long Due, byte[] Data)> _chunks = [];
    private int _pos;

    /// <summary>Creates the line on a clock.</summary>
    public ScriptedSerial(VirtualClock clock)
    {
        Clock = clock;
    }

    /// <summary>The clock reads advance.</summary>
    public VirtualClock Clock { get; }

    /// <summary>Everything written, in order.</summary>
    public List<byte> Written { get; } = [];

    /// <summary>Largest number of bytes one read returns.</summary>
    public int MaxChunk { get; set; } = int.MaxValue;

    /// <summary>Called after each write with the bytes written (to answer prompts).</summary>
    public Action<byte[]>? OnWrite { get; set; }

    /// <summary>The written bytes as text.</summary>
    public string WrittenText => new([.. Written.Select(b => (char)b)]);

    /// <summary>Schedules bytes at <paramref name="atMs"/> (after anything scheduled before them).</summary>
    public void Add(byte[] data, long atMs = 0)
    {
        long due = Math.Max(atMs, _chunks.Count > 0 ? _chunks[^1].Due : 0);
        _chunks.Add((due, data));
    }

    /// <summary>Schedules text at <paramref name="atMs"/>.</summary>
    public void Add(string text, long atMs = 0) => Add(text.Select(c => (byte)c).ToArray(), atMs);

    /// <inheritdoc/>
    public void Write(byte[] buffer, int offset, int count)
    {
        byte[] data = buffer.AsSpan(offset, count).ToArray();
        Written.AddRange(data);
        OnWrite?.Invoke(data);
    }

    /// <inheritdoc/>
    public int Read(byte[] buffer, int offset, int count, int timeoutMs)
    {
        if (_chunks.Count == 0 || _chunks[0].Due > Clock.NowMs)
        {
            long until = Clock.NowMs + timeoutMs;
            if (_chunks.Count > 0 && _chunks[0].Due <= until)
            {
                Clock.AdvanceTo(_chunks[0].Due);
            }
            else
            {
                Clock.AdvanceTo(until);
                return 0;
            }
        }

        byte[] head = _chunks[0].Data;
        int n = Math.Min(Math.Min(count, MaxChunk), head.Length - _pos);
        Array.Copy(head, _pos, buffer, offset, n);
        _pos += n;
        if (_pos == head.Length)
        {
            _chunks.RemoveAt(0);
            _pos = 0;
        }

        return n;
    }
}
