using System.Buffers.Binary;
using System.Collections.Concurrent;
using Tracker.Core.Wire;

namespace Tracker.Cloud.Local.Observability;

/// <summary>
/// When each simulated car published each fix batch: a bounded map from (car, batch CRC) to the wall time of the
/// device's publish call (a map, not a clock: the caller gives the time), so ingest (and a benchmark watching the
/// browser) can measure end-to-end latency. A batch is named by its car and the CRC-32 in its header (wire format v1,
/// offset <see cref="BatchFormat.CrcOffset"/>, little-endian). The oldest entries are forgotten first. Only the
/// simulated fleet records here; a real device's batches are simply not timed.
/// </summary>
public sealed class PublishTimes
{
    private readonly ConcurrentDictionary<(string Car, uint Crc), long> _published = new();
    private readonly ConcurrentQueue<(string Car, uint Crc)> _order = new();
    private readonly int _capacity;

    /// <summary>Creates a map remembering at most <paramref name="capacity"/> batches.</summary>
    /// <param name="capacity">Batches remembered.</param>
    public PublishTimes(int capacity = 500_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
    }

    /// <summary>Reads a batch's CRC from its header; false when the payload is too short to have one.</summary>
    /// <param name="payload">The batch.</param>
    /// <param name="crc">The CRC-32.</param>
    /// <returns>True when there is a header.</returns>
    public static bool TryReadCrc(ReadOnlySpan<byte> payload, out uint crc)
    {
        crc = 0;
        if (payload.Length < BatchFormat.CrcOffset + 4)
        {
            return false;
        }

        crc = BinaryPrimitives.ReadUInt32LittleEndian(payload[BatchFormat.CrcOffset..]);
        return true;
    }

    /// <summary>
    /// Raised with (car, CRC, wall ms) each time a batch is first recorded, on the publishing car's thread: a load process
    /// that needs every publish of a car in order (the webhook latency bench) keeps its own list from it.
    /// </summary>
    public event Action<string, uint, long>? Recorded;

    /// <summary>Records that <paramref name="carId"/> published the batch with <paramref name="crc"/> at <paramref name="wallMs"/>.</summary>
    /// <param name="carId">The car.</param>
    /// <param name="crc">The batch's CRC-32.</param>
    /// <param name="wallMs">UTC epoch ms of the publish call.</param>
    public void Record(string carId, uint crc, long wallMs)
    {
        if (_published.TryAdd((carId, crc), wallMs))
        {
            _order.Enqueue((carId, crc));
            while (_published.Count > _capacity && _order.TryDequeue(out var oldest))
            {
                _published.TryRemove(oldest, out _);
            }

            Recorded?.Invoke(carId, crc, wallMs);
        }
    }

    /// <summary>When the batch was published, if it was recorded.</summary>
    /// <param name="carId">The car.</param>
    /// <param name="crc">The batch's CRC-32.</param>
    /// <param name="wallMs">UTC epoch ms of the publish call.</param>
    /// <returns>True when known.</returns>
    public bool TryGet(string carId, uint crc, out long wallMs) => _published.TryGetValue((carId, crc), out wallMs);
}
