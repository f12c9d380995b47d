using System.CommandLine;
using Spectre.Console;
using Tracker.Core.Control;
using Tracker.Provisioning.Pki;
using Tracker.Provisioning.Storage;

namespace Tracker.Provisioning.Cli.Commands;

/// <summary><c>codesign create</c>, <c>codesign pack</c> and <c>codesign sign</c>: the fleet's code-signing key in the CA folder, an image packed from a build's <c>.pe</c> files, and its signature.</summary>
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

    public static Command Pack(CliEnvironment env)
    {
        var pe = new Option<string[]>("--pe") { Description = "A .pe assembly of the build, in load order (dependencies first; the application's own last). Repeat for each.", Required = true };
        var version = new Option<string>("--version") { Description = "The image's version (1 to 32 of a-z A-Z 0-9 . - +), the one to sign it with.", Required = true };
        var entry = new Option<string>("--entry") { Description = "The entry point: Namespace.Type.Method, public static, taking the version as one string.", DefaultValueFactory = _ => "Tracker.Device.Program.Start" };
        var outFile = new Option<string>("--out") { Description = "The image file to write.", Required = true };
        var json = CommonOptions.Json();
        var command = new Command("pack", "Pack a build's .pe assemblies into one application image behind a manifest (each assembly's name, length and SHA-256, the version and the entry point), ready for codesign sign.") { pe, version, entry, outFile, json };
        command.SetAction(r =>
        {
            var output = new CliOutput(env, r.GetValue(json));
            return output.Guard(() =>
            {
                string[] files = r.GetValue(pe) ?? [];
                string entryPoint = r.GetValue(entry)!;
                int dot = entryPoint.LastIndexOf('.');
                if (dot <= 0 || dot == entryPoint.Length - 1)
                {
                    throw new ProvisioningException(ProvisioningFailure.BadImage, "--entry must be Namespace.Type.Method; '" + entryPoint + "' is not");
                }

                var names = new string[files.Length];
                var assemblies = new byte[files.Length][];
                for (int i = 0; i < files.Length; i++)
                {
                    string path = Path.GetFullPath(files[i]);
                    names[i] = Path.GetFileNameWithoutExtension(path);
                    try
                    {
                        assemblies[i] = File.ReadAllBytes(path);
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                        throw new ProvisioningException(ProvisioningFailure.BadImage, "cannot read the assembly " + path + ": " + e.Message, e);
                    }
                }

                byte[] image;
                try
                {
                    image = ImageManifest.Write(r.GetValue(version)!, entryPoint[..dot], entryPoint[(dot + 1)..], names, assemblies);
                }
                catch (ArgumentException e)
                {
                    throw new ProvisioningException(ProvisioningFailure.BadImage, "the image cannot be packed: " + e.Message, e);
                }

                string target = Path.GetFullPath(r.GetValue(outFile)!);
                File.WriteAllBytes(target, image);
                if (output.IsJson)
                {
                    output.WriteJson(new { ok = true, path = target, version = r.GetValue(version), size = image.Length, assemblies = names });
                }
                else
                {
                    output.Line("[green]✓[/] " + Markup.Escape(target) + ": " + names.Length + " assemblies (" + Markup.Escape(string.Join(", ", names)) + "), " + image.Length + " bytes; sign it with codesign sign --image " + Markup.Escape(target) + " --version " + Markup.Escape(r.GetValue(version)!));
                }

                return ProvisionCli.Ok;
            });
        });
        return command;
    }
}
