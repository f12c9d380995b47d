using Tracker.Provisioning.Cli;

return ProvisionCli.Run(args, CliEnvironment.FromProcess());
