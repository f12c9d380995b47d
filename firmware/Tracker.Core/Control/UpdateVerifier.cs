using Tracker.Core.Common;

namespace Tracker.Core.Control
{
    /// <summary>
    /// Decides whether a downloaded image may be switched to (Control/README.md §2): its SHA-256 must be
    /// the job's, and the signature must be the fleet's code-signing key's (RSASSA-PKCS1-v1_5, SHA-256)
    /// over the image's digest followed by its version in UTF-8, so a genuine image cannot be replayed
    /// under another version's name. The job itself is not trusted: only the key in the car's bundle is.
    /// </summary>
    public static class UpdateVerifier
    {
        /// <summary>The digest the fleet key signs for an image: SHA-256 of the image's digest followed by its version.</summary>
        /// <param name="imageDigest">The image's SHA-256.</param>
        /// <param name="version">The image's version.</param>
        /// <returns>The 32 bytes that are signed.</returns>
        public static byte[] SignedDigest(byte[] imageDigest, string version)
        {
            if (imageDigest == null || version == null)
            {
                throw new System.ArgumentNullException(imageDigest == null ? nameof(imageDigest) : nameof(version));
            }

            byte[] versionBytes = Utf8.GetBytes(version);
            Sha256 sha = new Sha256();
            sha.Append(imageDigest, 0, imageDigest.Length);
            sha.Append(versionBytes, 0, versionBytes.Length);
            return sha.Finish();
        }

        /// <summary>Checks a staged image.</summary>
        /// <param name="stored">The staged image's SHA-256 as read back from flash (null when it could not be read whole).</param>
        /// <param name="expected">The job's SHA-256 for it.</param>
        /// <param name="version">The job's version for it.</param>
        /// <param name="signature">The job's signature.</param>
        /// <param name="modulus">The fleet's code-signing public key (from the car's bundle).</param>
        /// <returns>The verdict.</returns>
        public static UpdateCheck Check(byte[]? stored, byte[] expected, string version, byte[] signature, byte[] modulus)
        {
            if (stored == null)
            {
                return UpdateCheck.Incomplete;
            }

            if (expected == null || expected.Length != Sha256.DigestBytes || stored.Length != expected.Length)
            {
                return UpdateCheck.Digest;
            }

            int difference = 0;
            for (int i = 0; i < expected.Length; i++)
            {
                difference |= stored[i] ^ expected[i];
            }

            if (difference != 0)
            {
                return UpdateCheck.Digest;
            }

            return version != null && RsaSignature.Verify(modulus, SignedDigest(stored, version), signature) ? UpdateCheck.Ok : UpdateCheck.Signature;
        }
    }
}
