using Tracker.Provisioning.Pki;

namespace Tracker.Provisioning.Cli;

/// <summary>
/// Gets the CA passphrase from <see cref="Passphrase.EnvironmentVariable"/> or, failing that, a
/// no-echo prompt. Never from the command line: there it would sit in shell history and in every
/// process listing.
/// </summary>
internal static class PassphraseReader
{
    /// <summary>The passphrase to open an existing CA.</summary>
    public static string ForExisting(CliEnvironment env) => Read(env, confirm: false);

    /// <summary>The passphrase for a new CA (asked twice at a prompt).</summary>
    public static string ForNew(CliEnvironment env) => Read(env, confirm: true);

    private static string Read(CliEnvironment env, bool confirm)
    {
        string? fromEnv = env.GetVariable(Passphrase.EnvironmentVariable);
        if (!string.IsNullOrEmpty(fromEnv))
        {
            return fromEnv;
        }

        if (env.PromptSecret is null)
        {
            throw new ProvisioningException(ProvisioningFailure.InvalidArgument, $"the CA passphrase is needed: set {Passphrase.EnvironmentVariable}, or run in a terminal to be asked (it is never taken as an option)");
        }

        string first = env.PromptSecret("CA passphrase:");
        if (confirm && env.PromptSecret("CA passphrase again:") != first)
        {
            throw new ProvisioningException(ProvisioningFailure.InvalidArgument, "the two passphrases differ");
        }

        return first;
    }
}
