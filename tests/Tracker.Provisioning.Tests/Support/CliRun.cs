using Tracker.Provisioning.Cli;

namespace Tracker.Provisioning.Tests.Support;

/// <summary>Runs tracker-provision in process with captured output and a chosen environment.</summary>
public sealed record CliRun(int ExitCode, string Out, string Error)
{
    public static CliRun Of(string? passphrase, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var env = new CliEnvironment(stdout, stderr, name => name == Pki.Passphrase.EnvironmentVariable ? passphrase : null, null);
        int code = ProvisionCli.Run(args, env);
        return new CliRun(code, stdout.ToString(), stderr.ToString());
    }
}
