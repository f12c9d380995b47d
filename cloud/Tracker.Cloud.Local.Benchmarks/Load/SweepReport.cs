using System.Globalization;
using System.Text;

namespace Tracker.Cloud.Local.Benchmarks.Load;

/// <summary>
/// The sweep's answer from its steps: the highest rate the host sustained (the kept-up step that stored the most fixes
/// a second), and the latency at about 50 %, 80 % and 100 % of it: for each, the kept-up step whose stored rate is
/// nearest that share (the steps are the only measurements, so the share each stands for is printed with it).
/// </summary>
public sealed class SweepReport
{
    private static readonly double[] Shares = [0.5, 0.8, 1.0];

    private SweepReport(IReadOnlyList<SweepStep> steps, SweepStep? highest, IReadOnlyList<(double Share, SweepStep Step)> at)
    {
        Steps = steps;
        Highest = highest;
        At = at;
    }

    /// <summary>Every step, in the order run.</summary>
    public IReadOnlyList<SweepStep> Steps { get; }

    /// <summary>The kept-up step with the highest stored rate; null when no step kept up.</summary>
    public SweepStep? Highest { get; }

    /// <summary>For 50 %, 80 % and 100 % of the highest rate, the kept-up step nearest it (a step may stand for more than one).</summary>
    public IReadOnlyList<(double Share, SweepStep Step)> At { get; }

    /// <summary>The report of <paramref name="steps"/>.</summary>
    /// <param name="steps">The steps run.</param>
    /// <returns>The report.</returns>
    public static SweepReport Of(IReadOnlyList<SweepStep> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        SweepStep[] kept = [.. steps.Where(s => s.Judge().KeptUp)];
        if (kept.Length == 0)
        {
            return new SweepReport(steps, null, []);
        }

        SweepStep highest = kept.MaxBy(s => s.FixesPerSecond)!;
        (double, SweepStep)[] at = [.. Shares.Select(share => (share, kept.MinBy(s => Math.Abs(s.FixesPerSecond - (share * highest.FixesPerSecond)))!))];
        return new SweepReport(steps, highest, at);
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var text = new StringBuilder();
        if (Highest is null)
        {
            text.Append("highest sustained rate: none; the host fell behind at the first step (").Append(Steps.Count == 0 ? "no step ran" : Steps[0].Judge().Reason).Append("): start with fewer cars (--sweep-step)");
            return text.ToString();
        }

        SweepStep last = Steps[^1];
        SweepVerdict end = last.Judge();
        text.Append(CultureInfo.InvariantCulture, $"highest sustained rate: {Highest.FixesPerSecond:0.0} fixes/s ({Highest.MessagesPerSecond:0.0} messages/s) with {Highest.Cars} cars");
        text.Append(end.KeptUp
            ? string.Create(CultureInfo.InvariantCulture, $"; the host still kept up at the last step ({last.Cars} cars, all of --cars): its limit is higher")
            : string.Create(CultureInfo.InvariantCulture, $"; fell behind at {last.Cars} cars: {end.Reason}"));
        foreach ((double share, SweepStep step) in At)
        {
            text.Append('\n').Append(CultureInfo.InvariantCulture, $"  at {100 * share:0} % (the step at {100 * step.FixesPerSecond / Highest.FixesPerSecond:0} %, {step.Cars} cars, {step.FixesPerSecond:0.0} fixes/s): publish -> stored p50 {step.P50Ms:0} ms, p99 {step.P99Ms:0} ms");
        }

        return text.ToString();
    }
}
