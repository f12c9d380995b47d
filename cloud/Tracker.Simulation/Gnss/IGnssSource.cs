namespace Tracker.Simulation.Gnss;

/// <summary>
/// A simulated GNSS receiver's UART, as a simulated car reads it: NMEA bytes for every 1 Hz epoch
/// up to now, plus whether the car has cellular coverage (which the route decides, so it lives
/// beside the receiver).
/// </summary>
/// <remarks>One thread at a time. Times are asked in non-decreasing order.</remarks>
public interface IGnssSource
{
    /// <summary>
    /// Copies NMEA bytes of the epochs with a time at or before <paramref name="utcNowMs"/> that were
    /// not returned yet. A chunk may end inside a sentence, as a UART read does; the next call goes
    /// on from there. Call until it returns 0.
    /// </summary>
    /// <param name="utcNowMs">Now, UTC ms since 1970.</param>
    /// <param name="buffer">Destination.</param>
    /// <param name="offset">Index of the first byte to write.</param>
    /// <param name="count">Most bytes to write.</param>
    /// <returns>Bytes written; 0 when nothing more is due yet.</returns>
    int Read(long utcNowMs, byte[] buffer, int offset, int count);

    /// <summary>True when the car has cellular coverage at <paramref name="utcNowMs"/>.</summary>
    /// <param name="utcNowMs">Now, UTC ms since 1970.</param>
    /// <returns>False inside a dead zone.</returns>
    bool InCoverage(long utcNowMs);
}
