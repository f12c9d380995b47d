using BenchmarkDotNet.Attributes;
using Tracker.Core.Fixes;
using Tracker.Core.Wire;

namespace Tracker.Core.Benchmarks;

/// <summary>
/// Wire codec: encode and decode the drive in batches of <see cref="Batch"/> fixes, reported per
/// fix. The bytes per fix (header included) are printed at setup.
/// </summary>
[MemoryDiagnoser]
public class CodecBenchmarks
{
    private Fix[] _fixes = [];
    private byte[][] _messages = [];
    private readonly byte[] _output = new byte[BatchFormat.MaxPayloadBytes];
    private Fix[] _decoded = [];
    private readonly BatchEncoder _encoder = new();

    [Params(10, 100)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _fixes = BenchData.Fixes();
        _decoded = new Fix[Batch];
        var messages = new List<byte[]>();
        for (int start = 0; start < _fixes.Length;)
        {
            int length = _encoder.Encode(_fixes, start, Math.Min(Batch, _fixes.Length - start), _output, 0, out int written);
            messages.Add(_output[..length]);
            start += written;
        }

        _messages = messages.ToArray();
        long bytes = _messages.Sum(m => (long)m.Length);
        Console.WriteLine($"// input: {BenchData.Source}; {_fixes.Length} fixes in {_messages.Length} batches of {Batch}: {bytes} bytes, {bytes / (double)_fixes.Length:F2} bytes/fix");
    }

    [Benchmark(OperationsPerInvoke = 4469)]
    public int Encode_PerFix()
    {
        int total = 0;
        for (int start = 0; start < _fixes.Length;)
        {
            total += _encoder.Encode(_fixes, start, Math.Min(Batch, _fixes.Length - start), _output, 0, out int written);
            start += written;
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = 4469)]
    public int Decode_PerFix()
    {
        int total = 0;
        foreach (byte[] m in _messages)
        {
            BatchDecoder.TryDecode(m, 0, m.Length, _decoded, out int count, out _);
            total += count;
        }

        return total;
    }
}
