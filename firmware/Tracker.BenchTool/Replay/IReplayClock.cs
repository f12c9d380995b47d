namespace Tracker.BenchTool.Replay;

/// <summary>The replay's time source and its only way to wait, so tests run the schedule on virtual time.</summary>
public interface IReplayClock
{
    /// <summary>Time elapsed since an arbitrary fixed origin (monotonic).</summary>
    TimeSpan Now { get; }

    /// <summary>Waits for <paramref name="duration"/> (positive).</summary>
    void Sleep(TimeSpan duration);
}
