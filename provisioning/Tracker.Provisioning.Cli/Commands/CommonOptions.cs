using System.CommandLine;

namespace Tracker.Provisioning.Cli.Commands;

/// <summary>Options several commands share, declared once.</summary>
internal static class CommonOptions
{
    public static Option<bool> Json() => new("--json") { Description = "Print one JSON object (for scripts) instead of text." };

    public static Option<string> CaDirectory(CliEnvironment env) => new("--ca")
    {
        Description = "The fleet CA folder (from 'ca create'); default: the per-user folder (TRACKER_PROVISION_HOME moves it).",
        DefaultValueFactory = _ => CliFolders.FleetCa(env),
    };

    public static Option<string> BundlesDirectory(CliEnvironment env) => new("--out")
    {
        Description = "The bundles folder; the car's bundle goes to <out>/<car>. Default: the per-user folder (TRACKER_PROVISION_HOME moves it).",
        DefaultValueFactory = _ => CliFolders.Bundles(env),
    };

    public static Option<string?> Bundle() => new("--bundle") { Description = "The car's bundle folder (or --car for a bundle in the default bundles folder)." };

    public static Option<string?> BundleCar() => new("--car") { Description = "The car whose bundle is in the default bundles folder (instead of --bundle)." };

    /// <summary>The bundle folder from --bundle, or from --car in the default bundles folder; exactly one of them.</summary>
    public static string BundleFolder(CliEnvironment env, string? bundle, string? car)
    {
        if ((bundle is null) == (car is null))
        {
            throw new ProvisioningException(ProvisioningFailure.InvalidArgument, "give the car's bundle: --bundle <folder>, or --car <id> for one in the default bundles folder (" + CliFolders.Bundles(env) + ")");
        }

        if (car is not null && !Tracker.Core.Uplink.UplinkTopics.IsValidThingName(car))
        {
            throw new ProvisioningException(ProvisioningFailure.InvalidCarId, Pki.FleetCa.InvalidCarIdMessage(car));
        }

        return bundle ?? Path.Combine(CliFolders.Resolve(CliFolders.Bundles(env), "--bundle"), car!);
    }

    public static Option<bool> AllowInRepo() => new("--allow-in-repo")
    {
        Description = "Write keys inside a git work tree anyway (refused by default: one 'git add' away from a commit).",
    };

    public static Option<string> Car() => new("--car")
    {
        Description = "The car id: AWS IoT thing name and MQTT client id (1..128 of a-z A-Z 0-9 : _ -).",
        Required = true,
    };
}
