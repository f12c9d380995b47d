using System.CommandLine;
using Spectre.Console;
using Tracker.Provisioning.Bundles;
using Tracker.Provisioning.Inventory;
using Tracker.Provisioning.Pki;

namespace Tracker.Provisioning.Cli.Commands;

/// <summary><c>device revoke</c>: marks an identity revoked and rewrites the CRL.</summary>
internal static class DeviceRevokeCommand
{
    public static Command Build(CliEnvironment env)
    {
        var car = CommonOptions.Car();
        var caDir = CommonOptions.CaDirectory(env);
        var serial = new Option<string?>("--serial") { Description = "Revoke this certificate of the car (e.g. a rotated one) instead of its active identity." };
        var json = CommonOptions.Json();
        var command = new Command("revoke", "Revoke a car's identity and write the CRL for the local broker.") { car, caDir, serial, json };
        command.SetAction(r =>
        {
            var output = new CliOutput(env, r.GetValue(json));
            return output.Guard(() =>
            {
                using FleetCa ca = FleetCa.Load(CliFolders.Resolve(r.GetValue(caDir), "--ca"), PassphraseReader.ForExisting(env));
                LedgerEntry entry = DeviceIdentities.Revoke(ca, r.GetValue(car)!, r.GetValue(serial));
                string crl = CaFiles.PathOf(ca.Directory, CaFiles.Crl);
                if (output.IsJson)
                {
                    output.WriteJson(new { ok = true, entry, crl });
                    return ProvisionCli.Ok;
                }

                output.Line($"[red]revoked[/] {Markup.Escape(entry.CarId)} serial {entry.Serial}; CRL: {Markup.Escape(crl)}");
                output.Line(Markup.Escape($"Reload the local broker (it reads crlfile at start), and in AWS: aws iot update-certificate --certificate-id {entry.Sha256Fingerprint} --new-status REVOKED"));
                return ProvisionCli.Ok;
            });
        });
        return command;
    }
}
