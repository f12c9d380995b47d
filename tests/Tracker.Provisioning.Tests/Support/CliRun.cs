using Tracker.Provisioning.Cli;

namespace Tracker.Provisioning.Tests.Support;

/// <summary>Runs tracker-provision in process with captured output and a chosen environment.</summary>
public sealed record CliRun(int ExitCode, string Out, string Error)
{
    public static CliRun Of(string? passphrase, params string[] args) => WithEnvironment(passphrase, new Dictionary<string, string>(), args);

    /// <summary>Runs with these environment variables too (TRACKER_PROVISION_HOME, PATH, HOME...); nothing else is set.</summary>
    public static CliRun WithEnvironment(string? passphrase, IReadOnlyDictionary<string, string> variables, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var env = new CliEnvironment(stdout, stderr, name => name == Pki.Passphrase.EnvironmentVariable ? passphrase : variables.GetValueOrDefault(name), null);
        int code = ProvisionCli.Run(args, env);
        return new CliRun(code, stdout.ToString(), stderr.ToString());
    }
}
