using Tracker.Core.Reporting;

namespace Tracker.Cloud.Local.Fleet;

/// <summary>
/// The report policy the simulated cars run. <c>live</c> (the local default) records a moving car about once a second
/// so the map moves smoothly and the host is loaded like a fleet in live mode; <c>device</c> is the firmware's shipped
/// default (fewer, cheaper records, as on a SIM); anything else is a policy file of <c>report.*</c> lines.
/// </summary>
public static class FleetPolicies
{
    /// <summary>The live-map profile: a record each second a car moves 5 m (at least every 2 s while moving).</summary>
    public const string LiveText =
        "report.moving.minPeriodS=1\nreport.moving.maxPeriodS=2\nreport.moving.minDistanceM=5\nreport.moving.headingDeg=5\nreport.moving.speedDeltaKmh=5\n";

    /// <summary>Reads <paramref name="policy"/>: <c>live</c>, <c>device</c> or a file path.</summary>
    /// <param name="policy">The option's value.</param>
    /// <param name="config">The policy.</param>
    /// <param name="error">Why not, naming the key and line for a file.</param>
    /// <returns>True when the policy is usable.</returns>
    public static bool TryLoad(string policy, out ReportConfig? config, out string error)
    {
        ArgumentNullException.ThrowIfNull(policy);
        config = null;
        string text;
        if (policy == "device")
        {
            config = ReportConfig.Default;
            error = string.Empty;
            return true;
        }

        if (policy == "live")
        {
            text = LiveText;
        }
        else if (File.Exists(policy))
        {
            text = File.ReadAllText(policy);
        }
        else
        {
            error = "must be live, device or a policy file; '" + policy + "' is none of them";
            return false;
        }

        ReportConfigResult result = ReportConfigLoader.Load(text);
        if (!result.IsOk)
        {
            error = "is not a valid policy: " + result.Message + (result.Key.Length > 0 ? " (" + result.Key + ", line " + result.Line + ")" : string.Empty);
            return false;
        }

        config = result.Config;
        error = string.Empty;
        return true;
    }
}
