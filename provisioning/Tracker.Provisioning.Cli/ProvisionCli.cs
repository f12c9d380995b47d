using System.CommandLine;
using System.CommandLine.Help;
using Tracker.Provisioning.Cli.Commands;

namespace Tracker.Provisioning.Cli;

/// <summary>The command tree, and the one place that turns a command line into an exit code.</summary>
public static class ProvisionCli
{
    /// <summary>Exit code: done.</summary>
    public const int Ok = 0;

    /// <summary>Exit code: refused or failed (duplicate car, wrong passphrase, broker refused...).</summary>
    public const int Failed = 1;

    /// <summary>Exit code: the command line is wrong.</summary>
    public const int Usage = 2;

    // Options a person might try for the passphrase; refused with a pointer to the safe ways.
    private static readonly string[] SecretOptions = ["--passphrase", "--password", "--pass", "--ca-passphrase", "-p"];

    /// <summary>Runs a command line.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="env">Streams, environment and prompt.</param>
    /// <returns>The exit code.</returns>
    public static int Run(string[] args, CliEnvironment env)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(env);
        string? secret = args.FirstOrDefault(a => SecretOptions.Any(s => a == s || a.StartsWith(s + "=", StringComparison.Ordinal)));
        if (secret is not null)
        {
            env.Error.WriteLine($"tracker-provision: the CA passphrase is never taken from the command line ({secret.Split('=')[0]}): set {Pki.Passphrase.EnvironmentVariable} or answer the prompt");
            return Usage;
        }

        RootCommand root = Build(env);
        // No "@file" response files: an argument starting with @ is a value, never a path to read.
        ParseResult parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parsed.Errors.Count > 0 && parsed.Action is not HelpAction)
        {
            foreach (var error in parsed.Errors)
            {
                env.Error.WriteLine("tracker-provision: " + error.Message);
            }

            env.Error.WriteLine("Try 'tracker-provision " + string.Join(' ', CommandPath(parsed)) + " --help'.");
            return Usage;
        }

        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = env.Out, Error = env.Error, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            // Refusals are ProvisioningExceptions (handled in the commands); this is the file system or crypto failing under us.
            env.Error.WriteLine("tracker-provision: " + e.Message);
            return Failed;
        }
    }

    /// <summary>Builds the command tree.</summary>
    /// <param name="env">Streams, environment and prompt for the actions.</param>
    /// <returns>The root command.</returns>
    public static RootCommand Build(CliEnvironment env)
    {
        var ca = new Command("ca", "The fleet CA: create it, register it with AWS IoT, renew its CRL.")
        {
            CaCreateCommand.Build(env),
            CaVerificationCertCommand.Build(env),
            CaCrlCommand.Build(env),
        };
        var device = new Command("device", "A car's identity: create, flash, verify, list, revoke.")
        {
            DeviceCreateCommand.Build(env),
            DeviceFlashCommand.Build(env),
            DeviceVerifyCommand.Build(env),
            DeviceListCommand.Build(env),
            DeviceRevokeCommand.Build(env),
        };
        var codesign = new Command("codesign", "The fleet's code-signing key for application updates: create it, pack a build into an image, sign an image.")
        {
            CodeSignCommands.Create(env),
            CodeSignCommands.Pack(env),
            CodeSignCommands.Sign(env),
        };
        return new RootCommand(
            "tracker-provision: the installer's tool. Fleet CA, per-car identities for AWS IoT Just-in-Time Provisioning, "
            + $"bundles, nanoff flashing and the 'it reports' check. The CA passphrase comes from {Pki.Passphrase.EnvironmentVariable} or a prompt.")
        {
            ca,
            device,
            codesign,
        };
    }

    private static IEnumerable<string> CommandPath(ParseResult parsed)
    {
        var names = new List<string>();
        for (var r = parsed.CommandResult; r is not null; r = r.Parent as System.CommandLine.Parsing.CommandResult)
        {
            if (r.Command is not RootCommand)
            {
                names.Insert(0, r.Command.Name);
            }
        }

        return names;
    }
}
