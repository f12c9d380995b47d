namespace Tracker.Cloud.Derive.Processors.Connectivity;

/// <summary>What arrival time says about a car: never rewound (README.md, "Late and re-delivered data").</summary>
public sealed class ConnectivityState
{
    /// <summary>When the car was last heard from, UTC epoch ms, or null.</summary>
    public long? LastHeardMs { get; set; }

    /// <summary>True after an offline event, until the car is heard again.</summary>
    public bool Offline { get; set; }
}
