namespace Tracker.BenchTool.Replay;

/// <summary>
/// One epoch of a capture: the bytes of its lines exactly as captured (line endings, noise and
/// damaged sentences included), and the UTC time of day its sentences carry.
/// </summary>
/// <param name="Bytes">The captured bytes, to be sent unchanged.</param>
/// <param name="Lines">How many captured lines the burst holds.</param>
/// <param name="UntimedLines">Of those, lines without a readable UTC time field (GSA, GSV, VTG, noise...), sent with the burst.</param>
/// <param name="TimeOfDayMs">Milliseconds since 00:00 UTC of the burst's time-carrying sentences; null for lines before the first of them.</param>
public sealed record CaptureBurst(byte[] Bytes, int Lines, int UntimedLines, int? TimeOfDayMs);
