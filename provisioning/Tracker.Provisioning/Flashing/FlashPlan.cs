using System.Text.Json;
using Tracker.Provisioning.Bundles;

namespace Tracker.Provisioning.Flashing;

/// <summary>
/// The nanoff commands that flash one car, from the repository's flashing profile (<c>nanoff.json</c>,
/// its <c>steps</c>) and the car's bundle: firmware, then the files on I:, then the application, in
/// the profile's order (a mass erase in the firmware step wipes I:, so the files come after it).
/// </summary>
public static class FlashPlan
{
    /// <summary>The profile's file name at the repository root.</summary>
    public const string ProfileFileName = "nanoff.json";

    /// <summary>Finds <c>nanoff.json</c> in <paramref name="start"/> or a folder above it.</summary>
    /// <param name="start">Where to start (the current folder, or the tool's own folder).</param>
    /// <returns>The path, or null.</returns>
    public static string? FindProfile(string start)
    {
        for (DirectoryInfo? d = new(Path.GetFullPath(start)); d is not null; d = d.Parent)
        {
            string candidate = Path.Combine(d.FullName, ProfileFileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Builds the plan.</summary>
    /// <param name="profilePath">nanoff.json.</param>
    /// <param name="bundle">The car's bundle.</param>
    /// <param name="serialPort">The board's serial port (COM7, /dev/ttyACM0).</param>
    /// <param name="steps">The step names to run (firmware, files, application); all when null or empty.</param>
    /// <param name="massErase">Erase the whole flash in the firmware step (a first install: it wipes I:).</param>
    /// <param name="legacySyntax">Use the profile's dash syntax for nanoff releases before the verbs.</param>
    /// <returns>The commands, in order.</returns>
    /// <exception cref="ProvisioningException">The profile is missing or malformed, a step name is unknown, or the port is empty.</exception>
    public static IReadOnlyList<NanoffCommand> Create(string profilePath, DeviceBundle bundle, string serialPort, IReadOnlyCollection<string>? steps, bool massErase, bool legacySyntax)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        if (string.IsNullOrWhiteSpace(serialPort) || serialPort.Any(char.IsWhiteSpace))
        {
            throw new ProvisioningException(ProvisioningFailure.InvalidArgument, "--port must name a serial port (COM7, /dev/ttyACM0; 'nanoff list ports' shows them)");
        }

        JsonElement root = ReadProfile(profilePath);
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["firmware.target"] = Text(root, profilePath, "firmware", "target"),
            ["firmware.version"] = Text(root, profilePath, "firmware", "version"),
            ["application.image"] = ImagePath(root, profilePath),
            ["serialPort"] = serialPort,
            ["bundle"] = bundle.Directory,
        };

        if (!root.TryGetProperty("steps", out JsonElement stepList) || stepList.ValueKind != JsonValueKind.Array)
        {
            throw new ProvisioningException(ProvisioningFailure.BadProfile, profilePath + " has no steps");
        }

        var known = stepList.EnumerateArray().Select(s => s.TryGetProperty("name", out JsonElement n) ? n.GetString() ?? "" : "").ToArray();
        foreach (string wanted in steps ?? [])
        {
            if (!known.Contains(wanted))
            {
                throw new ProvisioningException(ProvisioningFailure.InvalidArgument, $"unknown step '{wanted}': the profile has {string.Join(", ", known)}");
            }
        }

        var commands = new List<NanoffCommand>();
        foreach (JsonElement step in stepList.EnumerateArray())
        {
            string name = step.TryGetProperty("name", out JsonElement n) ? n.GetString() ?? "" : "";
            if (steps is { Count: > 0 } && !steps.Contains(name))
            {
                continue;
            }

            string field = legacySyntax ? "legacyCommand" : "command";
            if (!step.TryGetProperty(field, out JsonElement template) || template.GetString() is not { } text)
            {
                throw new ProvisioningException(ProvisioningFailure.BadProfile, $"{profilePath}: step '{name}' has no {field}");
            }

            commands.Add(new NanoffCommand(name, Expand(text, values, massErase, profilePath)));
        }

        return commands;
    }

    /// <summary>
    /// The application image the profile deploys (its <c>application.image</c>, relative to the profile's folder): the
    /// Release build of firmware/Tracker.Device, which the nanoFramework tooling writes, so a fresh clone lacks it.
    /// </summary>
    /// <param name="profilePath">nanoff.json.</param>
    /// <returns>The full path (it may not exist).</returns>
    /// <exception cref="ProvisioningException">The profile is missing or malformed.</exception>
    public static string ApplicationImagePath(string profilePath) => ImagePath(ReadProfile(profilePath), profilePath);

    private static JsonElement ReadProfile(string profilePath)
    {
        try
        {
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(profilePath));
            return doc.RootElement.Clone();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or ArgumentException)
        {
            throw new ProvisioningException(ProvisioningFailure.BadProfile, "cannot read the flashing profile " + profilePath + ": " + e.Message, e);
        }
    }

    private static string ImagePath(JsonElement root, string profilePath)
    {
        string repo = Path.GetDirectoryName(Path.GetFullPath(profilePath))!;
        return Path.GetFullPath(Path.Combine(repo, Text(root, profilePath, "application", "image").Replace('\\', '/')));
    }

    private static string[] Expand(string template, Dictionary<string, string> values, bool massErase, string profilePath)
    {
        var arguments = new List<string>();
        string[] words = template.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0 || words[0] != NanoffCommand.Executable)
        {
            throw new ProvisioningException(ProvisioningFailure.BadProfile, $"{profilePath}: a step's command must start with '{NanoffCommand.Executable}': {template}");
        }

        foreach (string word in words.Skip(1))
        {
            // "[masserase]" / "[--masserase]": an optional flag, present only when asked for.
            if (word.StartsWith('[') && word.EndsWith(']'))
            {
                if (massErase)
                {
                    arguments.Add(word[1..^1]);
                }

                continue;
            }

            // "{bundle}/deploy.json": the platform's separators, so the path is usable as printed.
            string expanded = word.Replace('/', Path.DirectorySeparatorChar);
            foreach ((string key, string value) in values)
            {
                expanded = expanded.Replace("{" + key + "}", value, StringComparison.Ordinal);
            }

            if (expanded.Contains('{'))
            {
                throw new ProvisioningException(ProvisioningFailure.BadProfile, $"{profilePath}: unknown placeholder in '{word}'");
            }

            arguments.Add(expanded);
        }

        return [.. arguments];
    }

    private static string Text(JsonElement root, string profilePath, string section, string key)
    {
        if (root.TryGetProperty(section, out JsonElement s) && s.TryGetProperty(key, out JsonElement v) && v.GetString() is { Length: > 0 } text)
        {
            return text;
        }

        throw new ProvisioningException(ProvisioningFailure.BadProfile, $"{profilePath} lacks {section}.{key}");
    }
}
