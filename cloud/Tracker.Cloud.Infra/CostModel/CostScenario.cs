namespace Tracker.Cloud.Infra.CostModel;

/// <summary>How the cars publish (firmware Uplink/README.md, "When a batch goes").</summary>
public enum CostScenario
{
    /// <summary><c>uplink.liveWhenMoving=false</c>: a batch every 5 minutes, live only while watched.</summary>
    Batch,

    /// <summary>The default: a moving car publishes every recorded fix within 5 s, so the map is real time.</summary>
    LiveWhenMoving,
}
