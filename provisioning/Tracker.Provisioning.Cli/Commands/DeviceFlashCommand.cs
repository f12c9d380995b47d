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
        var bundleDir = CommonOptions.Bundle();
        var car = CommonOptions.BundleCar();
        var port = new Option<string>("--port") { Description = "The board's serial port (COM7, /dev/ttyACM0; 'nanoff list ports').", Required = true };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the nanoff commands instead of running them." };
        var steps = new Option<string[]>("--step") { Description = "Only these profile steps (firmware, files, application); repeatable. Default: all.", AllowMultipleArgumentsPerToken = true };
        var massErase = new Option<bool>("--masserase") { Description = "First install: erase the whole flash before the firmware (wipes I:)." };
        var legacy = new Option<bool>("--legacy") { Description = "Use nanoff's older dash syntax (--update --target ...)." };
        var profile = new Option<string?>("--profile") { Description = "The flashing profile (default: nanoff.json in this folder or above)." };
        var json = CommonOptions.Json();
        var command = new Command("flash", "Flash firmware, the car's files and the application with nanoff.") { bundleDir, car, port, dryRun, steps, massErase, legacy, profile, json };
        command.SetAction(r =>
        {
            var output = new CliOutput(env, r.GetValue(json));
            return output.Guard(() =>
            {
                DeviceBundle bundle = DeviceBundle.Open(CommonOptions.BundleFolder(env, r.GetValue(bundleDir), r.GetValue(car)));
                string profilePath = r.GetValue(profile)
                    ?? FlashPlan.FindProfile(Environment.CurrentDirectory)
                    ?? FlashPlan.FindProfile(AppContext.BaseDirectory)
                    ?? throw new ProvisioningException(ProvisioningFailure.BadProfile, "no nanoff.json here or above; run from the repository, or give --profile");
                IReadOnlyList<NanoffCommand> plan = FlashPlan.Create(profilePath, bundle, r.GetValue(port)!, r.GetValue(steps), r.GetValue(massErase), r.GetValue(legacy));
                bool dry = r.GetValue(dryRun);
                string? nanoff = NanoffRunner.FindNanoff(env.GetVariable);

                // The application image is the nanoFramework build's output (Visual Studio or VS Code with the
                // nanoFramework extension); a fresh clone has none, and nanoff would fail on it after flashing the rest.
                string image = FlashPlan.ApplicationImagePath(profilePath);
                string? missingImage = plan.Any(c => c.Step == "application") && !File.Exists(image) ? image : null;
                string imageHelp = missingImage is null ? string.Empty
                    : "the application image " + missingImage + " is not built: build firmware/Tracker.Device (Release) with the nanoFramework tooling (firmware/Tracker.Device/README.md), or flash only --step firmware --step files";

                if (dry || nanoff is null || missingImage is not null)
                {
                    // Nothing is flashed: print the plan, say why, and exit 0 only when only a print was asked for.
                    string? refusal = dry ? null
                        : nanoff is null ? "nanoff is not installed (dotnet tool install -g nanoff): nothing was flashed; these are the commands it would run"
                        : imageHelp + "; nothing was flashed";
                    if (output.IsJson)
                    {
                        output.WriteJson(new
                        {
                            ok = refusal is null,
                            ran = false,
                            failure = refusal is null ? (ProvisioningFailure?)null : nanoff is null ? ProvisioningFailure.ToolMissing : ProvisioningFailure.InputMissing,
                            error = refusal,
                            nanoffInstalled = nanoff is not null,
                            applicationImage = image,
                            applicationImageBuilt = missingImage is null,
                            commands = plan.Select(c => new { step = c.Step, command = c.ToDisplayString(), arguments = c.Arguments }),
                        });
                    }
                    else
                    {
                        foreach (NanoffCommand c in plan)
                        {
                            env.Out.WriteLine(c.ToDisplayString());
                        }
                    }

                    if (missingImage is not null && dry)
                    {
                        env.Error.WriteLine("tracker-provision: warning: " + imageHelp);
                    }

                    if (refusal is not null)
                    {
                        env.Error.WriteLine("tracker-provision: " + refusal);
                        return ProvisionCli.Failed;
                    }

                    return ProvisionCli.Ok;
                }

                NanoffDeployment.Refresh(bundle);
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
