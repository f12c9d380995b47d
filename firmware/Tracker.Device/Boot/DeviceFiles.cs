using System;
using System.IO;
using Tracker.Core.Common;
using Tracker.Core.Config;

namespace Tracker.Device.Boot
{
    /// <summary>
    /// The files nanoff's file deployment puts on I: for this car: <c>I:\tracker.conf</c> and the
    /// three PEM files it names (<c>tls.caFile</c>, <c>tls.certFile</c>, <c>tls.keyFile</c>).
    /// Loading only reads and validates; the core's <see cref="TrackerConfigLoader"/> does the
    /// parsing and names the line and key of any mistake.
    /// </summary>
    internal sealed class DeviceFiles
    {
        private const string Drive = "I:\\";

        /// <summary>The fleet's code-signing public key (the raw RSA modulus), from the bundle when the fleet has one (provisioning <c>codesign create</c>).</summary>
        public const string CodeSigningKeyPath = "I:\\codesign.pub";

        private DeviceFiles(string configText, TrackerConfig config, byte[] ca, byte[] certificate, byte[] key, byte[]? codeSigningKey)
        {
            ConfigText = configText;
            Config = config;
            CaPem = ca;
            CertificatePem = certificate;
            KeyPem = key;
            CodeSigningKey = codeSigningKey;
        }

        /// <summary><c>I:\tracker.conf</c>'s text (the base the remote overrides are merged over).</summary>
        public string ConfigText { get; }

        /// <summary>The validated config (<c>tracker.conf</c> alone).</summary>
        public TrackerConfig Config { get; }

        /// <summary>The code-signing key, or null when the bundle has none (the car then takes no updates).</summary>
        public byte[]? CodeSigningKey { get; }

        /// <summary>The broker's root CA, PEM bytes.</summary>
        public byte[] CaPem { get; }

        /// <summary>The car's certificate, PEM bytes.</summary>
        public byte[] CertificatePem { get; }

        /// <summary>The car's private key, PEM bytes.</summary>
        public byte[] KeyPem { get; }

        /// <summary>Reads and validates everything; never throws.</summary>
        /// <param name="files">The files, or null.</param>
        /// <param name="error">What is wrong, naming the file (and the line and key for the config).</param>
        /// <returns>True when everything loaded.</returns>
        public static bool TryLoad(out DeviceFiles? files, out string error)
        {
            files = null;
            byte[]? text;
            if (!TryRead(TrackerConfigLoader.DevicePath, out text, out error))
            {
                return false;
            }

            string configText = System.Text.Encoding.UTF8.GetString(text!, 0, text!.Length);
            TrackerConfigResult loaded = TrackerConfigLoader.Load(configText);
            if (!loaded.IsOk)
            {
                error = String.Concat(TrackerConfigLoader.DevicePath, " ", loaded.Message);
                return false;
            }

            TrackerConfig config = loaded.Config!;
            byte[]? ca;
            byte[]? certificate;
            byte[]? key;
            if (!TryRead(Drive + config.CaFile, out ca, out error)
                || !TryRead(Drive + config.CertFile, out certificate, out error)
                || !TryRead(Drive + config.KeyFile, out key, out error))
            {
                return false;
            }

            // Optional: without it the car runs, and takes no update (an image it cannot verify is never switched to).
            byte[]? codeSigningKey;
            string ignored;
            if (!TryRead(CodeSigningKeyPath, out codeSigningKey, out ignored))
            {
                codeSigningKey = null;
            }

            files = new DeviceFiles(configText, config, ca!, certificate!, key!, codeSigningKey);
            error = string.Empty;
            return true;
        }

        /// <summary>
        /// A CRC-32 over the config file and, when it parses, the three files it names (a missing
        /// file counts as empty), so safe idle can tell whether anything changed since it failed.
        /// </summary>
        /// <returns>The stamp.</returns>
        public static uint Stamp()
        {
            byte[]? text;
            string ignored;
            if (!TryRead(TrackerConfigLoader.DevicePath, out text, out ignored))
            {
                return 0;
            }

            uint crc = Crc32.Compute(text!, 0, text!.Length);
            TrackerConfigResult loaded = TrackerConfigLoader.Load(System.Text.Encoding.UTF8.GetString(text, 0, text.Length));
            if (!loaded.IsOk)
            {
                return crc;
            }

            TrackerConfig config = loaded.Config!;
            string[] names = new string[] { config.CaFile, config.CertFile, config.KeyFile };
            for (int i = 0; i < names.Length; i++)
            {
                byte[]? bytes;
                if (TryRead(Drive + names[i], out bytes, out ignored))
                {
                    crc = Crc32.Update(crc, bytes!, 0, bytes!.Length);
                }

                crc = Crc32.Update(crc, new byte[] { (byte)i }, 0, 1);
            }

            return crc;
        }

        private static bool TryRead(string path, out byte[]? bytes, out string error)
        {
            bytes = null;
            try
            {
                if (!File.Exists(path))
                {
                    error = path + " is missing (deploy it with nanoff's file deployment)";
                    return false;
                }

                bytes = File.ReadAllBytes(path);
            }
            catch (Exception e)
            {
                error = String.Concat(path, " cannot be read: ", e.Message);
                return false;
            }

            if (bytes.Length == 0)
            {
                error = path + " is empty";
                return false;
            }

            error = string.Empty;
            return true;
        }
    }
}
