using Tracker.Core.Common;

namespace Tracker.Core.Modem
{
    /// <summary>
    /// The PEM files the modem needs for mutual TLS: the CA that signed the broker's certificate,
    /// the car's certificate, and its private key. The driver writes them to the modem's file
    /// system under the names in <see cref="Sim7080Options"/>. Immutable (the arrays are copied).
    /// </summary>
    public sealed class ModemCertificates
    {
        /// <summary>Largest file accepted (the modem's customer directory is small; a PEM chain is a few KB).</summary>
        public const int MaxFileBytes = 65536;

        private readonly byte[] _ca;
        private readonly byte[] _certificate;
        private readonly byte[] _key;

        /// <summary>Creates the set.</summary>
        /// <param name="caPem">The CA certificate(s), PEM (for AWS IoT, Amazon Root CA 1 for the <c>-ats</c> endpoint).</param>
        /// <param name="certificatePem">The car's certificate, PEM.</param>
        /// <param name="keyPem">The car's private key, PEM, not encrypted.</param>
        public ModemCertificates(byte[] caPem, byte[] certificatePem, byte[] keyPem)
        {
            _ca = Copy(caPem, "caPem");
            _certificate = Copy(certificatePem, "certificatePem");
            _key = Copy(keyPem, "keyPem");
            uint crc = Crc32.Compute(_ca, 0, _ca.Length);
            crc = Crc32.Update(crc, _certificate, 0, _certificate.Length);
            crc = Crc32.Update(crc, _key, 0, _key.Length);
            Stamp = string.Concat(new string[]
            {
                AtText.ToHex(crc), "-", _ca.Length.ToString(), "-", _certificate.Length.ToString(), "-", _key.Length.ToString(),
            });
        }

        /// <summary>
        /// Identifies this content: CRC-32 of the three files and their lengths. Written to the modem
        /// after the files, so an unchanged set is not written again.
        /// </summary>
        public string Stamp { get; }

        /// <summary>The CA file, not copied (the driver only reads it).</summary>
        internal byte[] Ca
        {
            get { return _ca; }
        }

        /// <summary>The certificate file, not copied.</summary>
        internal byte[] Certificate
        {
            get { return _certificate; }
        }

        /// <summary>The key file, not copied.</summary>
        internal byte[] Key
        {
            get { return _key; }
        }

        /// <summary>A copy of the CA file.</summary>
        /// <returns>The bytes.</returns>
        public byte[] GetCa()
        {
            return (byte[])_ca.Clone();
        }

        /// <summary>A copy of the certificate file.</summary>
        /// <returns>The bytes.</returns>
        public byte[] GetCertificate()
        {
            return (byte[])_certificate.Clone();
        }

        /// <summary>A copy of the key file.</summary>
        /// <returns>The bytes.</returns>
        public byte[] GetKey()
        {
            return (byte[])_key.Clone();
        }

        private static byte[] Copy(byte[] data, string name)
        {
            if (data == null)
            {
                throw new System.ArgumentNullException(name);
            }

            if (data.Length < 1 || data.Length > MaxFileBytes)
            {
                throw new System.ArgumentException(name + " must hold 1 to 65536 bytes", name);
            }

            return (byte[])data.Clone();
        }
    }
}
