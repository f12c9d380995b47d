using System.CommandLine;
using Spectre.Console;
using Tracker.Provisioning.Inventory;

namespace Tracker.Provisioning.Cli.Commands;

/// <summary><c>device list</c>: the ledger, as a table or JSON. Needs no passphrase.</summary>
internal static class DeviceListCommand
{
    public static Command Build(CliEnvironment env)
    {
        var caDir = CommonOptions.CaDirectory(env);
        var car = new Option<string?>("--car") { Description = "Only this car." };
        var json = CommonOptions.Json();
        var command = new Command("list", "List issued identities: car, serial, fingerprint, issue time, installer, status.") { caDir, car, json };
        command.SetAction(r =>
        {
            var output = new CliOutput(env, r.GetValue(json));
            return output.Guard(() =>
            {
                string dir = CliFolders.Resolve(r.GetValue(caDir), "--ca");
                _ = Pki.FleetCa.LoadCertificate(dir);
                string? only = r.GetValue(car);
                LedgerEntry[] entries = [.. Ledger.Load(dir).Entries.Where(e => only is null || e.CarId == only)];
                if (output.IsJson)
                {
                    // One JSON object, as every command prints (the identities are a field, not the whole output).
                    output.WriteJson(new { ok = true, ca = Path.GetFullPath(dir), count = entries.Length, identities = entries });
                    return ProvisionCli.Ok;
                }

                var table = new Table().AddColumns("car", "serial", "SHA-256", "issued (UTC)", "installer", "status");
                foreach (LedgerEntry e in entries)
                {
                    string status = e.Status switch
                    {
                        IdentityStatus.Active => "[green]active[/]",
                        IdentityStatus.Rotated => "[grey]rotated[/]",
                        _ => "[red]revoked[/]",
                    };
                    table.AddRow(Markup.Escape(e.CarId), e.Serial, e.Sha256Fingerprint[..16] + "…", e.IssuedUtc.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(e.Installer), status);
                }

                output.Console.Write(table);
                output.Line($"{entries.Length} identities");
                return ProvisionCli.Ok;
            });
        });
        return command;
    }
}
