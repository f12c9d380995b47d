using Tracker.BenchTool.Cli;
using Tracker.BenchTool.Input;
using Tracker.Core.Fixes;
using Tracker.Core.Reporting;
using Tracker.Core.Wire;

namespace Tracker.BenchTool.Commands;

/// <summary>
/// <c>encode &lt;log|-&gt; [--batch N] [--policy FILE]</c>: the log's fixes (all, or those the policy
/// records) as wire batches of up to N fixes, one batch per line in hexadecimal.
/// </summary>
public static class EncodeCommand
{
    public const string Usage = "tracker-bench encode <log|-> [--batch N] [--policy FILE]";

    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextReader? stdin = null)
    {
        Arguments a = Arguments.Parse(args, ["batch", "policy"], []);
        a.ExpectPositionals(1, Usage);
        int batch = a.Int("batch", 10, 1, BatchFormat.MaxFixes);
        ReportPolicy? policy = a.Value("policy") is string p ? new ReportPolicy(PolicyFile.Load(p)) : null;
        using Stream input = InputFile.Open(a.Positionals[0], stdin);
        foreach (byte[] message in Batches(NmeaFixes.Read(input, new NmeaFixReader()), policy, batch))
        {
            stdout.WriteLine(Convert.ToHexString(message));
        }

        return 0;
    }

    /// <summary>Groups fixes into messages of at most <paramref name="batch"/> fixes, within the IoT Core size limit.</summary>
    public static IEnumerable<byte[]> Batches(IEnumerable<Fix> fixes, ReportPolicy? policy, int batch)
    {
        var encoder = new BatchEncoder();
        var pending = new Fix[batch];
        byte[] output = new byte[BatchFormat.MaxEncodedSize(batch)];
        int count = 0;
        foreach (Fix fix in fixes)
        {
            Fix f = fix;
            if (policy is not null)
            {
                ReportDecision d = policy.Decide(fix);
                if (!d.IsRecord)
                {
                    continue;
                }

                f = d.Fix;
            }

            pending[count++] = f;
            if (count == batch)
            {
                foreach (byte[] m in Flush(encoder, pending, count, output))
                {
                    yield return m;
                }

                count = 0;
            }
        }

        foreach (byte[] m in Flush(encoder, pending, count, output))
        {
            yield return m;
        }
    }

    private static IEnumerable<byte[]> Flush(BatchEncoder encoder, Fix[] pending, int count, byte[] output)
    {
        int start = 0;
        while (start < count)
        {
            int length = encoder.Encode(pending, start, count - start, output, 0, out int written);
            if (written == 0)
            {
                throw new InvalidOperationException("the encoder could not fit a single fix in a message");
            }

            yield return output[..length];
            start += written;
        }
    }
}
