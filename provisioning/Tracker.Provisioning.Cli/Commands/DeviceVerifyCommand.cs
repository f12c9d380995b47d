using System.CommandLine;
using Spectre.Console;
using Tracker.Provisioning.Verification;

namespace Tracker.Provisioning.Cli.Commands;

/// <summary><c>device verify</c>: connect as the car and publish one status message; the installer's "it reports" check.</summary>
internal static class DeviceVerifyCommand
{
    public static Command Build(CliEnvironment env)
    {
        var bundleDir = CommonOptions.Bundle();
        var car = CommonOptions.BundleCar();
        var host = new Option<string?>("--host") { Description = "The broker host (default: the bundle's endpoint; 127.0.0.1 for the local stack)." };
        var port = new Option<int?>("--port") { Description = "The broker port (default: the bundle's)." };
        var ca = new Option<string?>("--ca") { Description = "PEM of the CA the broker's certificate chains to (default: the bundle's ca.pem)." };
        var serverName = new Option<string?>("--server-name") { Description = "The name the broker's certificate carries (default: the host)." };
        var attempts = new Option<int>("--attempts") { Description = "Connection attempts (JITP may drop a new car's first one).", DefaultValueFactory = _ => 3 };
        var json = CommonOptions.Json();
        var command = new Command("verify", "Connect with the car's identity and publish a test status (QoS 1, waits for PUBACK).") { bundleDir, car, host, port, ca, serverName, attempts, json };
        command.SetAction(r =>
        {
            var output = new CliOutput(env, r.GetValue(json));
            return output.Guard(() =>
            {
                var request = new VerifyRequest
                {
                    BundleDirectory = CommonOptions.BundleFolder(env, r.GetValue(bundleDir), r.GetValue(car)),
                    Host = r.GetValue(host),
                    Port = r.GetValue(port),
                    CaPath = r.GetValue(ca),
                    ServerName = r.GetValue(serverName),
                    Attempts = r.GetValue(attempts),
                };
                VerifyResult result = BundleVerifier.Verify(request);
                if (output.IsJson)
                {
                    output.WriteJson(new
                    {
                        ok = result.Ok,
                        result.CarId,
                        result.Broker,
                        result.Topic,
                        result.Stage,
                        outcome = result.Outcome.ToString(),
                        result.Reason,
                        result.Attempts,
                        elapsedMs = (long)result.Elapsed.TotalMilliseconds,
                    });
                }
                else if (result.Ok)
                {
                    output.Line($"[green]ok[/] {Markup.Escape(result.CarId)} reports to {Markup.Escape(result.Broker)}: {Markup.Escape(result.Reason)}");
                }
                else
                {
                    output.Line($"[red]failed[/] {Markup.Escape(result.CarId)} at {Markup.Escape(result.Broker)}, {result.Stage} ({result.Outcome}) after {result.Attempts} attempt(s): {Markup.Escape(result.Reason)}");
                }

                return result.Ok ? ProvisionCli.Ok : ProvisionCli.Failed;
            });
        });
        return command;
    }
}
