namespace Tracker.SubsetCheck;

/// <summary>
/// Which assemblies each nanoFramework 1.x package ships in its <c>lib</c> folder, so that a use of
/// a member (whose assembly the surface list names) can be traced to the package a project must
/// list. Facts from the packages' .nuspec files and lib folders, as gathered in
/// <c>reference/nanoframework-api.md</c> section 0 (M2Mqtt ships two assemblies).
/// </summary>
public static class NanoPackages
{
    private static readonly Dictionary<string, string[]> AssembliesById = new(StringComparer.Ordinal)
    {
        ["nanoFramework.CoreLibrary"] = ["mscorlib"],
        ["nanoFramework.Runtime.Events"] = ["nanoFramework.Runtime.Events"],
        ["nanoFramework.Runtime.Native"] = ["nanoFramework.Runtime.Native"],
        ["nanoFramework.System.Text"] = ["nanoFramework.System.Text"],
        ["nanoFramework.System.Math"] = ["System.Math"],
        ["nanoFramework.System.Threading"] = ["System.Threading"],
        ["nanoFramework.System.Collections"] = ["nanoFramework.System.Collections"],
        ["nanoFramework.System.IO.Streams"] = ["System.IO.Streams"],
        ["nanoFramework.System.IO.FileSystem"] = ["System.IO.FileSystem"],
        ["nanoFramework.System.IO.Ports"] = ["System.IO.Ports"],
        ["nanoFramework.System.Device.Gpio"] = ["System.Device.Gpio"],
        ["nanoFramework.System.Device.Adc"] = ["System.Device.Adc"],
        ["nanoFramework.System.Device.Wifi"] = ["System.Device.Wifi"],
        ["nanoFramework.System.Net"] = ["System.Net"],
        ["nanoFramework.Hardware.Esp32"] = ["nanoFramework.Hardware.Esp32"],
        ["nanoFramework.M2Mqtt"] = ["nanoFramework.M2Mqtt", "nanoFramework.M2Mqtt.Core"],
        ["nanoFramework.TestFramework"] = ["nanoFramework.TestFramework", "nanoFramework.UnitTestLauncher"],
    };

    private static readonly Dictionary<string, string> PackageByAssembly = Invert();

    /// <summary>The assemblies a package ships, or null when the package is not one this checker knows.</summary>
    /// <param name="packageId">E.g. <c>nanoFramework.M2Mqtt</c>.</param>
    /// <returns>The assembly names (without .dll).</returns>
    public static IReadOnlyList<string>? AssembliesOf(string packageId) =>
        AssembliesById.TryGetValue(packageId, out string[]? assemblies) ? assemblies : null;

    /// <summary>The package that ships an assembly, or null when none known does.</summary>
    /// <param name="assembly">E.g. <c>nanoFramework.M2Mqtt.Core</c>.</param>
    /// <returns>The package id.</returns>
    public static string? PackageOf(string assembly) =>
        PackageByAssembly.TryGetValue(assembly, out string? id) ? id : null;

    private static Dictionary<string, string> Invert()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((string id, string[] assemblies) in AssembliesById)
        {
            foreach (string assembly in assemblies)
            {
                result.Add(assembly, id);
            }
        }

        return result;
    }
}
