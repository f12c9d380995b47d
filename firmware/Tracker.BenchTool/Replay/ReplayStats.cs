namespace Tracker.BenchTool.Replay;

/// <summary>What a paced replay sent, and how well it kept the schedule.</summary>
/// <param name="Bytes">Bytes written.</param>
/// <param name="Lines">Captured lines written.</param>
/// <param name="Epochs">Bursts with a time (epochs).</param>
/// <param name="UntimedLines">Lines without a UTC time field, sent with their epoch.</param>
/// <param name="CappedGaps">Gaps between epochs longer than the cap, shortened to it.</param>
/// <param name="BackwardSteps">Epochs whose time went backwards (not across midnight), sent without waiting.</param>
/// <param name="CaptureSpan">The capture's duration between its first and last epoch, gaps capped, before scaling.</param>
/// <param name="Elapsed">Wall time the replay took.</param>
/// <param name="MaxLag">Longest a burst went out after its scheduled time (the port could not keep up).</param>
public sealed record ReplayStats(
    long Bytes,
    long Lines,
    long Epochs,
    long UntimedLines,
    int CappedGaps,
    int BackwardSteps,
    TimeSpan CaptureSpan,
    TimeSpan Elapsed,
    TimeSpan MaxLag);
