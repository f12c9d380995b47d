using System.Text.Json;
using System.Text.Json.Nodes;
using Tracker.Provisioning.Bundles;

namespace Tracker.Provisioning.Flashing;

/// <summary>
/// nanoff's file deployment JSON (<c>nanoff deploy file</c>, <c>--filedeployment</c>), in the shape
/// nanoff's FileDeploymentManager reads: <c>{ "SerialPort", "Files": [ { "DestinationFilePath",
/// "SourceFilePath" } ] }</c>. nanoff uses the JSON's SerialPort when it is not empty and the command
/// line's otherwise, so a bundle's file leaves it empty and the port is chosen at flash time.
/// </summary>
public static class NanoffDeployment
{
    /// <summary>The deployment for a bundle folder: its deployed files, by absolute path, onto I:.</summary>
    /// <param name="bundleDirectory">The bundle folder where the files are (or will be, once renamed into place).</param>
    /// <param name="serialPort">The port, or null to leave it to the command line.</param>
    /// <param name="present">Which of <see cref="BundleFiles.DeployedWhenPresent"/> the bundle holds (by name); null for none.</param>
    /// <returns>The JSON text.</returns>
    public static string Build(string bundleDirectory, string? serialPort, Func<string, bool>? present = null)
    {
        string full = Path.GetFullPath(bundleDirectory);
        var files = new JsonArray();
        IEnumerable<string> optional = present is null ? [] : BundleFiles.DeployedWhenPresent.Where(present);
        foreach (string name in BundleFiles.Deployed.Concat(optional))
        {
            files.Add(new JsonObject
            {
                ["DestinationFilePath"] = BundleFiles.DeviceDrive + name,
                ["SourceFilePath"] = Path.Combine(full, name),
            });
        }

        var deployment = new JsonObject { ["SerialPort"] = serialPort ?? "", ["Files"] = files };
        return deployment.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    /// <summary>
    /// Rewrites the bundle's <see cref="BundleFiles.Deployment"/> when its source paths no longer point
    /// into the bundle (the folder was copied or moved), so nanoff finds the files.
    /// </summary>
    /// <param name="bundle">The bundle.</param>
    /// <returns>True when it was rewritten.</returns>
    public static bool Refresh(DeviceBundle bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        string path = bundle.PathOf(BundleFiles.Deployment);
        string wanted = Build(bundle.Directory, null, name => File.Exists(bundle.PathOf(name)));
        if (File.Exists(path) && File.ReadAllText(path) == wanted)
        {
            return false;
        }

        Storage.AtomicFile.WriteText(path, wanted);
        return true;
    }
}
