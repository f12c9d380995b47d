namespace Tracker.Cloud.Derive.Engine;

/// <summary>
/// The processors' states as they were before any observation at or after <see cref="Ts"/> (fix time): where a rewind
/// starts. <see cref="Ts"/> is <see cref="long.MinValue"/> for the car's first, empty, state.
/// </summary>
public sealed class Checkpoint
{
    /// <summary>The fix time it stands before.</summary>
    public long Ts { get; set; }

    /// <summary>The watermark then (for the gap before the first replayed observation), or null.</summary>
    public long? WatermarkTs { get; set; }

    /// <summary>The watermark's order (0 status, 1 fix).</summary>
    public int WatermarkOrder { get; set; }

    /// <summary>The states, as <see cref="DeriveJson"/> writes them.</summary>
    public string States { get; set; } = string.Empty;
}
