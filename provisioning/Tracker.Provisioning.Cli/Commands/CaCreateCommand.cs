using System.CommandLine;
using Spectre.Console;
using Tracker.Provisioning.Pki;
using Tracker.Provisioning.Storage;

namespace Tracker.Provisioning.Cli.Commands;

/// <summary><c>ca create</c>: the fleet CA, its encrypted key, the ledger, the CRL, and the JITP template and policy for the cloud stack.</summary>
internal static class CaCreateCommand
{
    public static Command Build(CliEnvironment env)
    {
        var outDir = new Option<string>("--out")
        {
            Description = "The CA folder to create (must not exist, or be empty); default: the per-user folder (TRACKER_PROVISION_HOME moves it). Refused inside a git work tree.",
            DefaultValueFactory = _ => CliFolders.FleetCa(env),
        };
        var allowInRepo = CommonOptions.AllowInRepo();
        var name = new Option<string>("--name") { Description = "The CA's common name.", DefaultValueFactory = _ => new FleetCaOptions().Name };
        var days = new Option<int>("--valid-days") { Description = "Validity in days.", DefaultValueFactory = _ => new FleetCaOptions().ValidDays };
        var policyName = new Option<string>("--policy-name") { Description = "The IoT policy the JITP template attaches.", DefaultValueFactory = _ => new FleetCaOptions().PolicyName };
        var json = CommonOptions.Json();
        var command = new Command("create", "Create the fleet CA (ECDSA P-256, key encrypted with the passphrase).") { outDir, name, days, policyName, allowInRepo, json };
        command.SetAction(r =>
        {
            var output = new CliOutput(env, r.GetValue(json));
            return output.Guard(() =>
            {
                string folder = CliFolders.Resolve(r.GetValue(outDir), "--out");
                WorkTree.RefuseInside(folder, "the fleet CA's private key", r.GetValue(allowInRepo), CliFolders.FleetCa(env));
                string passphrase = PassphraseReader.ForNew(env);
                CliFolders.PrepareDefault(env, folder);
                var options = new FleetCaOptions { Name = r.GetValue(name)!, ValidDays = r.GetValue(days), PolicyName = r.GetValue(policyName)! };
                using FleetCa ca = output.Step("fleet CA created", () => FleetCa.Create(folder, passphrase, options));
                var files = new
                {
                    certificate = ca.CertificatePath,
                    key = CaFiles.PathOf(ca.Directory, CaFiles.Key),
                    ledger = CaFiles.PathOf(ca.Directory, CaFiles.Ledger),
                    crl = CaFiles.PathOf(ca.Directory, CaFiles.Crl),
                    jitpTemplate = CaFiles.PathOf(ca.Directory, CaFiles.JitpTemplate),
                    iotPolicy = CaFiles.PathOf(ca.Directory, CaFiles.IotPolicy),
                };
                if (output.IsJson)
                {
                    output.WriteJson(new
                    {
                        ok = true,
                        directory = ca.Directory,
                        subject = ca.Certificate.Subject,
                        notAfterUtc = ca.Certificate.NotAfter.ToUniversalTime(),
                        sha256Fingerprint = CertificateFacts.Sha256Fingerprint(ca.Certificate),
                        files,
                    });
                    return ProvisionCli.Ok;
                }

                var table = new Table().AddColumn("file").AddColumn("what");
                table.AddRow(Markup.Escape(files.certificate), "CA certificate (PEM)");
                table.AddRow(Markup.Escape(files.key), "CA key, encrypted (PBKDF2 + AES-256)");
                table.AddRow(Markup.Escape(files.ledger), "inventory ledger");
                table.AddRow(Markup.Escape(files.crl), "CRL for the local broker (crlfile)");
                table.AddRow(Markup.Escape(files.jitpTemplate), "AWS IoT JITP template (cloud stack)");
                table.AddRow(Markup.Escape(files.iotPolicy), "AWS IoT policy (cloud stack)");
                output.Console.Write(table);
                output.Line($"{Markup.Escape(ca.Certificate.Subject)}, valid until {ca.Certificate.NotAfter.ToUniversalTime():yyyy-MM-dd}. Keep the folder and the passphrase apart, and back both up.");
                return ProvisionCli.Ok;
            });
        });
        return command;
    }
}
