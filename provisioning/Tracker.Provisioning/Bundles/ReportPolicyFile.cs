using Tracker.Core.Reporting;

namespace Tracker.Provisioning.Bundles;

/// <summary>
/// A report policy file given with <c>--policy</c>: <c>report.* = value</c> lines (Reporting/README.md),
/// checked with the device's own <see cref="ReportConfigLoader"/> and appended to the car's config.
/// </summary>
public static class ReportPolicyFile
{
    /// <summary>Reads and checks a policy file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>Its lines, to append to the config.</returns>
    /// <exception cref="ProvisioningException">Missing, unreadable, or invalid (<see cref="ProvisioningFailure.BadPolicy"/>), naming the line and key.</exception>
    public static string[] Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ProvisioningException(ProvisioningFailure.BadPolicy, "cannot read the policy file " + path + ": " + e.Message, e);
        }

        ReportConfigResult result = ReportConfigLoader.Load(text);
        if (!result.IsOk)
        {
            throw new ProvisioningException(ProvisioningFailure.BadPolicy, "the policy file " + path + " is not valid: " + result.Message);
        }

        return text.TrimStart('\uFEFF').ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
    }
}
