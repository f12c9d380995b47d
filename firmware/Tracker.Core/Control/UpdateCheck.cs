namespace Tracker.Core.Control
{
    /// <summary>The verdict on a downloaded image (Control/README.md §2, "Integrity and authenticity").</summary>
    public enum UpdateCheck
    {
        /// <summary>Its SHA-256 is the job's, and the fleet's code-signing key signed it with its version: it may be switched to.</summary>
        Ok = 0,

        /// <summary>Not all of it could be read back from flash: download it again.</summary>
        Incomplete = 1,

        /// <summary>Its SHA-256 is not the job's (corrupted in transit or on flash, or another file): refused and reported.</summary>
        Digest = 2,

        /// <summary>The signature is not the fleet key's over this image and version (a wrong key, or a forged job): refused and reported.</summary>
        Signature = 3,

        /// <summary>
        /// Signed, but not an image the loader would run: its manifest is missing, malformed or cut short, names another
        /// version than the job's, does not account for the file's length, or an assembly does not match its SHA-256.
        /// Refused and reported, nothing staged (<c>StagedManifest</c>).
        /// </summary>
        BadImage = 4,
    }
}
