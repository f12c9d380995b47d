using System.CommandLine;
using Spectre.Console;
using Tracker.Provisioning.Pki;
using Tracker.Provisioning.Storage;

namespace Tracker.Provisioning.Cli.Commands;

/// <summary><c>codesign create</c> and <c>codesign sign</c>: the fleet's code-signing key in the CA folder, and an image's signature.</summary>
internal static class CodeSignCommands
{
    public static Command Create(CliEnvironment env)
    {
        var caDir = CommonOptions.CaDirectory(env);
        var allowInRepo = CommonOptions.AllowInRepo();
        var json = CommonOptions.Json();
        var command = new Command("create", $"Create the code-signing key (RSA-3072) in the CA folder, encrypted with its own passphrase ({CodeSigning.PassphraseVariable} or a prompt). Bundles made after it carry its public key.") { caDir, allowInRepo, json };
        command.SetAction(r =>
        {
            var output = new CliOutput(env, r.GetValue(json));
            return output.Guard(() =>
            {
                string folder = CliFolders.Resolve(r.GetValue(caDir), "--ca");
                WorkTree.RefuseInside(folder, "the code-signing private key", r.GetValue(allowInRepo), CliFolders.FleetCa(env));
                string passphrase = PassphraseReader.ForCodeSigning(env, confirm: true);
                byte[] modulus = output.Step("code-signing key created", () => CodeSigning.Create(folder, passphrase));
                string key = Path.Combine(Path.GetFullPath(folder), CodeSigning.KeyFile);
                string pub = Path.Combine(Path.GetFullPath(folder), CodeSigning.PublicKeyFile);
                if (output.IsJson)
                {
                    output.WriteJson(new { ok = true, key, publicKey = pub, keyId = CodeSigning.KeyId(modulus), bits = CodeSigning.KeyBits });
                }
                else
                {
                    output.Line("[green]✓[/] " + Markup.Escape(key) + " (encrypted) and " + Markup.Escape(pub) + ", key id " + CodeSigning.KeyId(modulus)
                        + ". Bundles made from now on carry the public key; re-create the bundles of cars provisioned before.");
                }

                return ProvisionCli.Ok;
            });
        });
        return command;
    }

    public static Command Sign(CliEnvironment env)
    {
        var caDir = CommonOptions.CaDirectory(env);
        var image = new Option<string>("--image") { Description = "The application image to sign.", Required = true };
        var version = new Option<string>("--version") { Description = "Its version (1 to 32 of a-z A-Z 0-9 . - +); signed with the image, so it cannot be replayed under another.", Required = true };
        var outFile = new Option<string?>("--out") { Description = "Where to write the job document's image fields (JSON); default: <image>.sig.json." };
        var json = CommonOptions.Json();
        var command = new Command("sign", "Sign an application image with the fleet's code-signing key, checked against the public key the cars carry.") { caDir, image, version, outFile, json };
        command.SetAction(r =>
        {
            var output = new CliOutput(env, r.GetValue(json));
            return output.Guard(() =>
            {
                string imagePath = Path.GetFullPath(r.GetValue(image)!);
                byte[] bytes;
                try
                {
                    bytes = File.ReadAllBytes(imagePath);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new ProvisioningException(ProvisioningFailure.BadImage, "cannot read the image " + imagePath + ": " + e.Message, e);
                }

                string folder = CliFolders.Resolve(r.GetValue(caDir), "--ca");
                ImageSignature signature = CodeSigning.Sign(folder, PassphraseReader.ForCodeSigning(env, confirm: false), bytes, r.GetValue(version)!);
                string target = r.GetValue(outFile) ?? imagePath + ".sig.json";
                File.WriteAllText(target, signature.ToJobJson() + "\n");
                if (output.IsJson)
                {
                    output.WriteJson(new { ok = true, path = target, signature.Version, signature.Size, signature.Sha256, signature.KeyId });
                }
                else
                {
                    output.Line("[green]✓[/] " + Markup.Escape(target) + ": " + Markup.Escape(signature.Version) + ", " + signature.Size + " bytes, sha256 " + signature.Sha256);
                }

                return ProvisionCli.Ok;
            });
        });
        return command;
    }
}
