using System.CommandLine;
using Spectre.Console;
using Tracker.Provisioning.Bundles;
using Tracker.Provisioning.Flashing;

namespace Tracker.Provisioning.Cli.Commands;

/// <summary><c>device flash</c>: runs nanoff with the repository's profile (nanoff.json) and the bundle's file deployment, or prints the commands.</summary>
internal static class DeviceFlashCommand
{
    public static Command Build(CliEnvironment env)
    {
        var bundleDir = new Option<string>("--bundle") { Description = "The car's bundle folder.", Required = true };
        var port = new Option<string>("--port") { Description = "The board's serial port (COM7, /dev/ttyACM0; 'nanoff list ports').", Required = true };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the nanoff commands instead of running them." };
        var steps = new Option<string[]>("--step") { Description = "Only these profile steps (firmware, files, application); repeatable. Default: all.", AllowMultipleArgumentsPerToken = true };
        var massErase = new Option<bool>("--masserase") { Description = "First install: erase the whole flash before the firmware (wipes I:)." };
        var legacy = new Option<bool>("--legacy") { Description = "Use nanoff's older dash syntax (--update --target ...)." };
        var profile = new Option<string?>("--profile") { Description = "The flashing profile (default: nanoff.json in this folder or above)." };
        var json = CommonOptions.Json();
        var command = new Command("flash", "Flash firmware, the car's files and the application with nanoff.") { bundleDir, port, dryRun, steps, massErase, legacy, profile, json };
        command.SetAction(r =>
        {
            var output = new CliOutput(env, r.GetValue(json));
            return output.Guard(() =>
            {
                DeviceBundle bundle = DeviceBundle.Open(r.GetValue(bundleDir)!);
                string profilePath = r.GetValue(profile)
                    ?? FlashPlan.FindProfile(Environment.CurrentDirectory)
                    ?? FlashPlan.FindProfile(AppContext.BaseDirectory)
                    ?? throw new ProvisioningException(ProvisioningFailure.BadProfile, "no nanoff.json here or above; run from the repository, or give --profile");
                IReadOnlyList<NanoffCommand> plan = FlashPlan.Create(profilePath, bundle, r.GetValue(port)!, r.GetValue(steps), r.GetValue(massErase), r.GetValue(legacy));
                string? nanoff = NanoffRunner.FindNanoff();
                bool printOnly = r.GetValue(dryRun) || nanoff is null;
                if (!printOnly)
                {
                    NanoffDeployment.Refresh(bundle);
                }

                if (output.IsJson)
                {
                    if (printOnly)
                    {
                        output.WriteJson(new { ok = true, ran = false, nanoffInstalled = nanoff is not null, commands = plan.Select(c => new { step = c.Step, command = c.ToDisplayString(), arguments = c.Arguments }) });
                        return ProvisionCli.Ok;
                    }
                }
                else if (printOnly)
                {
                    if (nanoff is null && !r.GetValue(dryRun))
                    {
                        output.Line("[yellow]nanoff is not installed[/] (dotnet tool install -g nanoff); these are the commands to run:");
                    }

                    foreach (NanoffCommand c in plan)
                    {
                        env.Out.WriteLine(c.ToDisplayString());
                    }

                    return ProvisionCli.Ok;
                }

                (int exit, NanoffCommand? failed) = NanoffRunner.Run(nanoff!, plan, c => output.Line("[blue]→[/] " + Markup.Escape(c.ToDisplayString())));
                if (output.IsJson)
                {
                    output.WriteJson(new { ok = exit == 0, ran = true, failedStep = failed?.Step, nanoffExitCode = exit });
                }
                else if (exit == 0)
                {
                    output.Line(Markup.Escape($"[ok] flashed. Next: tracker-provision device verify --bundle {bundle.Directory}"));
                }
                else
                {
                    env.Error.WriteLine($"tracker-provision: nanoff failed in step '{failed!.Step}' (exit code {exit}): {failed.ToDisplayString()}");
                }

                return exit == 0 ? ProvisionCli.Ok : ProvisionCli.Failed;
            });
        });
        return command;
    }
}
