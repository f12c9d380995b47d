using BenchmarkDotNet.Attributes;
using Tracker.Core.Fixes;

namespace Tracker.Core.Benchmarks;

/// <summary>
/// The whole read path (framing, checksum, fields, sentence, epoch) over the drive, reported per
/// line: time per sentence and bytes allocated per sentence. Sentences/s = 1e9 / Mean(ns);
/// MB/s = sentences/s x bytes per line.
/// </summary>
[MemoryDiagnoser]
public class ParseBenchmarks
{
    private byte[] _log = [];
    private NmeaFixReader _reader = new();

    /// <summary>Lines in the log: each invocation reads them all.</summary>
    public const int LinesPerInvoke = 53628;

    [GlobalSetup]
    public void Setup()
    {
        _log = BenchData.Log;
        _reader = new NmeaFixReader();
        Console.WriteLine($"// input: {BenchData.Source}, {_log.Length} bytes, {BenchData.Lines} lines, {_log.Length / (double)BenchData.Lines:F1} bytes/line");
    }

    /// <summary>Reads the whole log in 64-byte UART-sized chunks, taking every fix.</summary>
    [Benchmark(OperationsPerInvoke = LinesPerInvoke)]
    public long ReadDrive_PerSentence()
    {
        long sum = 0;
        byte[] log = _log;
        for (int offset = 0; offset < log.Length; offset += 64)
        {
            int count = Math.Min(64, log.Length - offset), used = 0;
            while (used < count)
            {
                used += _reader.Push(log, offset + used, count - used);
                while (_reader.TryTakeFix(out Fix fix))
                {
                    sum += fix.LatE7;
                }
            }
        }

        _reader.Flush();
        while (_reader.TryTakeFix(out Fix last))
        {
            sum += last.LatE7;
        }

        return sum;
    }
}
