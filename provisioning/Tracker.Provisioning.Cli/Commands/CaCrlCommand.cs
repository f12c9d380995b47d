using System.CommandLine;
using Spectre.Console;
using Tracker.Provisioning.Bundles;
using Tracker.Provisioning.Pki;

namespace Tracker.Provisioning.Cli.Commands;

/// <summary><c>ca crl</c>: renews the CRL (next number, a new year of validity) without revoking anything.</summary>
internal static class CaCrlCommand
{
    public static Command Build(CliEnvironment env)
    {
        var caDir = CommonOptions.CaDirectory(env);
        var json = CommonOptions.Json();
        var command = new Command("crl", "Renew the CRL the local broker reads (it lasts a year; mosquitto refuses every car once it expires).") { caDir, json };
        command.SetAction(r =>
        {
            var output = new CliOutput(env, r.GetValue(json));
            return output.Guard(() =>
            {
                using FleetCa ca = FleetCa.Load(CliFolders.Resolve(r.GetValue(caDir), "--ca"), PassphraseReader.ForExisting(env));
                string path = DeviceIdentities.RenewCrl(ca);
                if (output.IsJson)
                {
                    output.WriteJson(new { ok = true, path });
                }
                else
                {
                    output.Line("[green]✓[/] " + Markup.Escape(path));
                }

                return ProvisionCli.Ok;
            });
        });
        return command;
    }
}
