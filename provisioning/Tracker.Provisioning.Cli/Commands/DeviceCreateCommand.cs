using System.CommandLine;
using Spectre.Console;
using Tracker.Provisioning.Bundles;
using Tracker.Provisioning.Pki;
using Tracker.Provisioning.Storage;

namespace Tracker.Provisioning.Cli.Commands;

/// <summary><c>device create</c>: a car's key, certificate and bundle.</summary>
internal static class DeviceCreateCommand
{
    public static Command Build(CliEnvironment env)
    {
        var car = CommonOptions.Car();
        var caDir = CommonOptions.CaDirectory(env);
        var outDir = CommonOptions.BundlesDirectory(env);
        var allowInRepo = CommonOptions.AllowInRepo();
        var endpoint = new Option<string>("--endpoint") { Description = "The broker host (AWS: 'aws iot describe-endpoint --endpoint-type iot:Data-ATS').", Required = true };
        var port = new Option<int>("--port") { Description = "The broker's TLS port.", DefaultValueFactory = _ => 8883 };
        var apn = new Option<string>("--apn") { Description = "The SIM's APN (\"\" lets the network choose).", Required = true };
        var rootCa = new Option<string>("--root-ca") { Description = "PEM file of the endpoint's root CA (AWS: AmazonRootCA1.pem).", Required = true };
        var installer = new Option<string?>("--installer") { Description = "Your name, for the ledger (default: the OS user)." };
        var policy = new Option<string?>("--policy") { Description = "A report policy file (report.* = value lines) for the car's config." };
        var ingestRule = new Option<string?>("--ingest-rule") { Description = "Publish fixes through this AWS IoT Basic Ingest rule (mqtt.ingestRule)." };
        var days = new Option<int>("--valid-days") { Description = "Certificate validity in days (capped at the CA's end).", DefaultValueFactory = _ => 1825 };
        var rotate = new Option<bool>("--rotate") { Description = "Replace the car's identity; the old bundle moves to history/ and its ledger entry becomes 'rotated'." };
        var json = CommonOptions.Json();
        var command = new Command("create", "Issue a car's identity and write its bundle.")
        {
            car, caDir, outDir, endpoint, port, apn, rootCa, installer, policy, ingestRule, days, rotate, allowInRepo, json,
        };
        command.SetAction(r =>
        {
            var output = new CliOutput(env, r.GetValue(json));
            return output.Guard(() =>
            {
                var request = new DeviceRequest
                {
                    CarId = r.GetValue(car)!,
                    BundlesDirectory = CliFolders.Resolve(r.GetValue(outDir), "--out"),
                    Endpoint = r.GetValue(endpoint)!,
                    Port = r.GetValue(port),
                    Apn = r.GetValue(apn)!,
                    RootCaPath = r.GetValue(rootCa)!,
                    Installer = r.GetValue(installer),
                    PolicyPath = r.GetValue(policy),
                    IngestRule = r.GetValue(ingestRule),
                    ValidDays = r.GetValue(days),
                    Rotate = r.GetValue(rotate),
                };
                DeviceIdentities.Check(request);
                WorkTree.RefuseInside(request.BundlesDirectory, "the car's private key (device.key)", r.GetValue(allowInRepo), CliFolders.Bundles(env));
                string passphrase = PassphraseReader.ForExisting(env);
                using FleetCa ca = output.Step("fleet CA opened", () => FleetCa.Load(CliFolders.Resolve(r.GetValue(caDir), "--ca"), passphrase));
                DeviceBundle bundle = output.Step("identity issued and bundle written", () => DeviceIdentities.Create(ca, request));
                if (output.IsJson)
                {
                    output.WriteJson(new
                    {
                        ok = true,
                        bundle.CarId,
                        bundle.Directory,
                        bundle.Serial,
                        bundle.Sha256Fingerprint,
                        bundle.IssuedUtc,
                        bundle.NotAfterUtc,
                        bundle.Installer,
                        bundle.Endpoint,
                        bundle.Port,
                        bundle.RotatedTo,
                    });
                    return ProvisionCli.Ok;
                }

                var table = new Table().HideHeaders().AddColumn("").AddColumn("");
                table.AddRow("car", Markup.Escape(bundle.CarId));
                table.AddRow("bundle", Markup.Escape(bundle.Directory));
                table.AddRow("serial", bundle.Serial);
                table.AddRow("SHA-256 (AWS certificate id)", bundle.Sha256Fingerprint);
                table.AddRow("valid until", bundle.NotAfterUtc.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
                table.AddRow("endpoint", Markup.Escape(bundle.Endpoint + ":" + bundle.Port));
                if (bundle.RotatedTo is not null)
                {
                    table.AddRow("previous bundle", Markup.Escape(bundle.RotatedTo));
                }

                output.Console.Write(table);
                output.Line(Markup.Escape($"Next: tracker-provision device flash --bundle {bundle.Directory} --port <serial port>"));
                return ProvisionCli.Ok;
            });
        });
        return command;
    }
}
