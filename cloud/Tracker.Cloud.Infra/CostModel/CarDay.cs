namespace Tracker.Cloud.Infra.CostModel;

/// <summary>What one car does in one day under a scenario: the counts every cost line is built from.</summary>
/// <param name="MovingFixes">Fixes recorded while driving.</param>
/// <param name="ParkedFixes">Heartbeat fixes while parked.</param>
/// <param name="FixMessages">Fix messages published (each well under the 5 KB metering step).</param>
/// <param name="StatusMessages">Status messages published.</param>
/// <param name="CellularBytes">Bytes on the cellular link (TLS included), for the SIM bill, not AWS.</param>
public sealed record CarDay(decimal MovingFixes, decimal ParkedFixes, decimal FixMessages, decimal StatusMessages, decimal CellularBytes)
{
    /// <summary>Every fix recorded.</summary>
    public decimal Fixes => MovingFixes + ParkedFixes;
}
