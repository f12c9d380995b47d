using System.CommandLine;
using Spectre.Console;
using Tracker.Provisioning.Pki;

namespace Tracker.Provisioning.Cli.Commands;

/// <summary><c>ca verification-cert</c>: the certificate AWS IoT asks for to register the CA (CN = registration code).</summary>
internal static class CaVerificationCertCommand
{
    public static Command Build(CliEnvironment env)
    {
        var code = new Option<string>("--registration-code") { Description = "The code from 'aws iot get-registration-code'.", Required = true };
        var caDir = CommonOptions.CaDirectory(env);
        var outFile = new Option<string?>("--out") { Description = "Where to write it (default: verification-cert.pem in the CA folder)." };
        var json = CommonOptions.Json();
        var command = new Command("verification-cert", "Make the verification certificate for 'aws iot register-ca-certificate'.") { code, caDir, outFile, json };
        command.SetAction(r =>
        {
            var output = new CliOutput(env, r.GetValue(json));
            return output.Guard(() =>
            {
                string passphrase = PassphraseReader.ForExisting(env);
                using FleetCa ca = FleetCa.Load(CliFolders.Resolve(r.GetValue(caDir), "--ca"), passphrase);
                string path = ca.WriteVerificationCertificate(r.GetValue(code)!, r.GetValue(outFile));
                if (output.IsJson)
                {
                    output.WriteJson(new { ok = true, path });
                    return ProvisionCli.Ok;
                }

                output.Line("[green]✓[/] " + Markup.Escape(path));
                output.Line(Markup.Escape($"Register the CA: aws iot register-ca-certificate --ca-certificate file://{ca.CertificatePath} --verification-cert file://{path} --set-as-active --allow-auto-registration --registration-config file://<registration-config.json with templateBody from {CaFiles.JitpTemplate} and roleArn>"));
                return ProvisionCli.Ok;
            });
        });
        return command;
    }
}
