using System.Globalization;
using Tracker.Cloud.Local.Fleet;

namespace Tracker.Cloud.Local.Benchmarks.Load;

/// <summary>
/// A connect storm from the cars' side (<see cref="ConnectLog"/>): how many got in and when, how long a connect took
/// (TCP, TLS and CONNECT to the CONNACK), how many attempts failed and how the backoff spread them. The host's gauge
/// (<see cref="StormReport"/>) says how many are in; this says what each car went through.
/// </summary>
/// <param name="Cars">Cars in the fleet.</param>
/// <param name="CarsIn">Cars with an accepted connection in the attempts.</param>
/// <param name="Attempts">Connection attempts.</param>
/// <param name="Failed">Attempts that failed (refused, timed out, nobody listening).</param>
/// <param name="MostAttempts">The most attempts one car made.</param>
/// <param name="ConnectMsP50">Median time of an accepted connect, ms.</param>
/// <param name="ConnectMsP99">99th percentile of an accepted connect, ms.</param>
/// <param name="BackSecondsP50">Median time from the origin to a car's first accepted connection, s.</param>
/// <param name="BackSecondsP99">99th percentile of it, s.</param>
/// <param name="BackSecondsLast">When the last car got in, s after the origin.</param>
public sealed record ConnectSummary(int Cars, int CarsIn, int Attempts, int Failed, int MostAttempts, double ConnectMsP50, double ConnectMsP99, double BackSecondsP50, double BackSecondsP99, double BackSecondsLast)
{
    /// <summary>Accepted connections a second, from the origin to the last car in (0 when none got in).</summary>
    public double ConnAcksPerSecond => CarsIn == 0 ? 0 : (Attempts - Failed) / Math.Max(BackSecondsLast, 0.001);

    /// <summary>Sums up <paramref name="attempts"/> of a fleet of <paramref name="cars"/>, timing each car's way in from <paramref name="originMs"/>.</summary>
    /// <param name="attempts">The attempts of the storm (<see cref="ConnectLog.Since"/>).</param>
    /// <param name="cars">Cars in the fleet.</param>
    /// <param name="originMs">When the storm started (the first car's start; the host ready again after a restart), UTC ms.</param>
    /// <returns>The summary.</returns>
    public static ConnectSummary Of(IReadOnlyList<ConnectAttempt> attempts, int cars, long originMs)
    {
        ArgumentNullException.ThrowIfNull(attempts);
        double[] took = [.. attempts.Where(a => a.Ok).Select(a => a.Milliseconds).Order()];
        double[] back = [.. attempts.Where(a => a.Ok)
            .GroupBy(a => a.CarId, StringComparer.Ordinal)
            .Select(g => Math.Max(0, g.Min(a => a.StartedMs + a.Milliseconds) - originMs) / 1000.0)
            .Order()];
        int most = attempts.Count == 0 ? 0 : attempts.GroupBy(a => a.CarId, StringComparer.Ordinal).Max(g => g.Count());
        return new ConnectSummary(
            cars,
            back.Length,
            attempts.Count,
            attempts.Count(a => !a.Ok),
            most,
            Quantile(took, 0.50),
            Quantile(took, 0.99),
            Quantile(back, 0.50),
            Quantile(back, 0.99),
            back.Length == 0 ? 0 : back[^1]);
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"cars' side: {CarsIn} of {Cars} cars in, the last {BackSecondsLast:0.0} s after the start (p50 {BackSecondsP50:0.0} s, p99 {BackSecondsP99:0.0} s); {ConnAcksPerSecond:0} CONNACKs a second; connect p50 {ConnectMsP50:0} ms, p99 {ConnectMsP99:0} ms; {Attempts} attempts, {Failed} failed, at most {MostAttempts} by one car; {(CarsIn >= Cars ? "none gave up" : (Cars - CarsIn) + " not in")}");

    // Nearest rank on sorted values; 0 when there are none.
    private static double Quantile(double[] sorted, double q) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
}
