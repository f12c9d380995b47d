using System.Globalization;
using Tracker.BenchTool.Cli;
using Tracker.BenchTool.Input;
using Tracker.Core.Fixes;
using Tracker.Core.Nmea;

namespace Tracker.BenchTool.Commands;

/// <summary>
/// <c>stats &lt;log|-&gt; [--batch N] [--json]</c>: what the reader saw (lines, sentences by type,
/// errors), the fixes, and what they cost on the wire in batches of N.
/// </summary>
public static class StatsCommand
{
    public const string Usage = "tracker-bench stats <log|-> [--batch N] [--json]";

    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextReader? stdin = null)
    {
        Arguments a = Arguments.Parse(args, ["batch"], ["json"]);
        a.ExpectPositionals(1, Usage);
        int batch = a.Int("batch", 10, 1, Tracker.Core.Wire.BatchFormat.MaxFixes);
        using Stream input = InputFile.Open(a.Positionals[0], stdin);
        var counting = new CountingStream(input);
        var reader = new NmeaFixReader();
        var fixes = NmeaFixes.Read(counting, reader).ToList();
        long wireBytes = 0, messages = 0;
        foreach (byte[] m in EncodeCommand.Batches(fixes, null, batch))
        {
            wireBytes += m.Length;
            messages++;
        }

        NmeaCounters c = reader.Counters;
        var rows = new List<(string Name, string Value)>
        {
            ("bytes", counting.BytesRead.ToString(CultureInfo.InvariantCulture)),
            ("lines", c.Lines.ToString(CultureInfo.InvariantCulture)),
        };
        foreach (SentenceType t in new[] { SentenceType.Rmc, SentenceType.Gga, SentenceType.Gns, SentenceType.Gsa, SentenceType.Vtg, SentenceType.Gll, SentenceType.Zda })
        {
            rows.Add(("sentences." + t.ToString().ToUpperInvariant(), c.Parsed(t).ToString(CultureInfo.InvariantCulture)));
        }

        rows.AddRange(
        [
            ("sentences.proprietary", c.Proprietary.ToString(CultureInfo.InvariantCulture)),
            ("sentences.unknownType", c.UnknownType.ToString(CultureInfo.InvariantCulture)),
            ("sentences.otherTalker", c.OtherTalker.ToString(CultureInfo.InvariantCulture)),
            ("errors.checksum", c.ChecksumErrors.ToString(CultureInfo.InvariantCulture)),
            ("errors.missingChecksum", c.MissingChecksum.ToString(CultureInfo.InvariantCulture)),
            ("errors.malformed", c.Malformed.ToString(CultureInfo.InvariantCulture)),
            ("errors.overlongLines", reader.Framer.OverlongLines.ToString(CultureInfo.InvariantCulture)),
            ("errors.brokenLines", reader.Framer.BrokenLines.ToString(CultureInfo.InvariantCulture)),
            ("bytes.skipped", reader.Framer.SkippedBytes.ToString(CultureInfo.InvariantCulture)),
            ("epochs.withFix", c.Fixes.ToString(CultureInfo.InvariantCulture)),
            ("epochs.withoutFix", c.EpochsWithoutFix.ToString(CultureInfo.InvariantCulture)),
            ("epochs.withoutDate", c.EpochsWithoutDate.ToString(CultureInfo.InvariantCulture)),
            ("epochs.zeroPosition", c.ZeroPositions.ToString(CultureInfo.InvariantCulture)),
            ("wire.batchSize", batch.ToString(CultureInfo.InvariantCulture)),
            ("wire.messages", messages.ToString(CultureInfo.InvariantCulture)),
            ("wire.bytes", wireBytes.ToString(CultureInfo.InvariantCulture)),
            ("wire.bytesPerFix", fixes.Count == 0 ? "0" : ((double)wireBytes / fixes.Count).ToString("F2", CultureInfo.InvariantCulture)),
        ]);

        if (a.Has("json"))
        {
            stdout.WriteLine("{" + string.Join(",", rows.Select(r => $"\"{r.Name}\":{r.Value}")) + "}");
        }
        else
        {
            foreach (var (name, value) in rows)
            {
                stdout.WriteLine($"{name,-24} {value}");
            }
        }

        return 0;
    }

    private sealed class CountingStream(Stream inner) : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = inner.Read(buffer, offset, count);
            BytesRead += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
