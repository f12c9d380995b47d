using System.CommandLine;

namespace Tracker.Provisioning.Cli.Commands;

/// <summary>Options several commands share, declared once.</summary>
internal static class CommonOptions
{
    public static Option<bool> Json() => new("--json") { Description = "Print one JSON object (for scripts) instead of text." };

    public static Option<string> CaDirectory(bool required = true) => new("--ca")
    {
        Description = "The fleet CA folder (from 'ca create').",
        Required = required,
    };

    public static Option<string> Car() => new("--car")
    {
        Description = "The car id: AWS IoT thing name and MQTT client id (1..128 of a-z A-Z 0-9 : _ -).",
        Required = true,
    };
}
