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

    /// <summary>The code-signing key's own passphrase (<see cref="CodeSigning.PassphraseVariable"/> or a prompt; asked twice for a new key).</summary>
    public static string ForCodeSigning(CliEnvironment env, bool confirm) => Read(env, confirm, CodeSigning.PassphraseVariable, "code-signing key passphrase");

    private static string Read(CliEnvironment env, bool confirm, string variable = Passphrase.EnvironmentVariable, string what = "CA passphrase")
    {
        string? fromEnv = env.GetVariable(variable);
        if (!string.IsNullOrEmpty(fromEnv))
        {
            return fromEnv;
        }

        if (env.PromptSecret is null)
        {
            throw new ProvisioningException(ProvisioningFailure.InvalidArgument, $"the {what} is needed: set {variable}, or run in a terminal to be asked (it is never taken as an option)");
        }

        string first = env.PromptSecret(char.ToUpperInvariant(what[0]) + what[1..] + ":");
        if (confirm && env.PromptSecret(char.ToUpperInvariant(what[0]) + what[1..] + " again:") != first)
        {
            throw new ProvisioningException(ProvisioningFailure.InvalidArgument, "the two passphrases differ");
        }

        return first;
    }
}
