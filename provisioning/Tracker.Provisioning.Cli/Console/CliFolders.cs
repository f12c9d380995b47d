namespace Tracker.Provisioning.Cli;

/// <summary>
/// Where the tool keeps the fleet CA and the cars' bundles when no folder is given: a per-user folder outside any
/// repository (on Linux ~/.local/share/tracker-provision, on macOS ~/Library/Application Support/tracker-provision,
/// on Windows %LOCALAPPDATA%\tracker-provision), or <c>TRACKER_PROVISION_HOME</c>. Keys never land in a work tree
/// by default.
/// </summary>
internal static class CliFolders
{
    /// <summary>The variable that moves the default folders.</summary>
    public const string HomeVariable = "TRACKER_PROVISION_HOME";

    /// <summary>The folder under which the defaults live.</summary>
    /// <param name="env">The environment.</param>
    /// <returns>A full path.</returns>
    public static string Home(CliEnvironment env)
    {
        if (env.GetVariable(HomeVariable) is { Length: > 0 } configured)
        {
            return Path.GetFullPath(configured);
        }

        string data = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        if (string.IsNullOrEmpty(data))
        {
            data = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile, Environment.SpecialFolderOption.DoNotVerify);
        }

        // No home folder at all (a bare service account): the current folder would be the repository, so refuse later with a clear message.
        return string.IsNullOrEmpty(data) ? string.Empty : Path.Combine(data, "tracker-provision");
    }

    /// <summary>The default fleet CA folder.</summary>
    public static string FleetCa(CliEnvironment env) => Under(env, "fleet-ca");

    /// <summary>The default bundles folder.</summary>
    public static string Bundles(CliEnvironment env) => Under(env, "bundles");

    private static string Under(CliEnvironment env, string name)
    {
        string home = Home(env);
        return home.Length == 0 ? string.Empty : Path.Combine(home, name);
    }

    /// <summary>Creates the per-user folder (owner only: it holds keys) when <paramref name="folder"/> is one of the defaults under it.</summary>
    /// <param name="env">The environment.</param>
    /// <param name="folder">The folder a command is about to write.</param>
    public static void PrepareDefault(CliEnvironment env, string folder)
    {
        string home = Home(env);
        if (home.Length == 0 || !string.Equals(Path.GetDirectoryName(Path.GetFullPath(folder)), home, StringComparison.Ordinal) || Directory.Exists(home))
        {
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(home);
        }
        else
        {
            Directory.CreateDirectory(home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <summary>The folder given, or the default; refuses when there is neither.</summary>
    /// <param name="given">The option's value (the default when not typed).</param>
    /// <param name="option">The option, for the message.</param>
    /// <returns>A full path.</returns>
    public static string Resolve(string? given, string option)
    {
        if (string.IsNullOrWhiteSpace(given))
        {
            throw new ProvisioningException(ProvisioningFailure.InvalidArgument, $"there is no home folder for the default of {option}: give {option}, or set {HomeVariable}");
        }

        return Path.GetFullPath(given);
    }
}
