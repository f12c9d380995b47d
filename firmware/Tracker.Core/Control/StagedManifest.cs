using Tracker.Core.Common;

namespace Tracker.Core.Control
{
    /// <summary>
    /// The update agent's last check of a staged image before it is installed and staged (Control/README.md §2, "The
    /// image and the loader"): the digest and the signature only say the fleet signed these bytes under this version,
    /// not that the loader can run them. The manifest is read with the loader's own strict reader
    /// (<see cref="ImageManifest.TryRead"/>), must name the job's version and account for the file's exact length, and
    /// every assembly must match its SHA-256: the checks <see cref="ImageLoader"/> makes at boot, bar the digest recorded
    /// at install. An image failing them is refused now, with the reason, instead of being staged, refused by the
    /// loader at the next boot and reported as a version that never confirmed. Never throws on bad bytes.
    /// </summary>
    public static class StagedManifest
    {
        /// <summary>Checks the manifest of a complete staged image against its job.</summary>
        /// <param name="image">The staged image (all of it stored: its digest and signature already hold).</param>
        /// <param name="version">The job's version.</param>
        /// <param name="problem">What is wrong with the image, in words; empty when it is good or could not be read.</param>
        /// <returns>
        /// <see cref="UpdateCheck.Ok"/>; <see cref="UpdateCheck.BadImage"/> with the problem; or
        /// <see cref="UpdateCheck.Incomplete"/> when the flash did not read back (download it again).
        /// </returns>
        public static UpdateCheck Check(StagedDownload image, string version, out string problem)
        {
            if (image == null || version == null)
            {
                throw new System.ArgumentNullException(image == null ? nameof(image) : nameof(version));
            }

            problem = string.Empty;
            int size = image.Size;
            if (image.StoredBytes < size)
            {
                return UpdateCheck.Incomplete;
            }

            byte[] header = new byte[ImageManifest.HeaderBytes];
            int want = size < header.Length ? size : header.Length;
            if (image.ReadImage(0, header, 0, want) != want)
            {
                return UpdateCheck.Incomplete;
            }

            int headLength = ImageManifest.HeadLength(header, want);
            byte[] head = header;
            int count = want;
            if (headLength > 0)
            {
                // A manifest longer than the file is read as far as the file goes: the reader then says it is cut short.
                count = headLength < size ? headLength : size;
                head = new byte[count];
                if (image.ReadImage(0, head, 0, count) != count)
                {
                    return UpdateCheck.Incomplete;
                }
            }

            ImageManifest? manifest;
            if (!ImageManifest.TryRead(head, count, size, out manifest, out problem))
            {
                return UpdateCheck.BadImage;
            }

            if (manifest!.Version != version)
            {
                problem = "the manifest names version " + manifest.Version + "; the job names " + version;
                return UpdateCheck.BadImage;
            }

            byte[] piece = new byte[StagedDownload.DefaultChunkBytes];
            for (int i = 0; i < manifest.Count; i++)
            {
                Sha256 sha = new Sha256();
                int offset = manifest.OffsetAt(i);
                int end = offset + manifest.LengthAt(i);
                while (offset < end)
                {
                    int take = end - offset < piece.Length ? end - offset : piece.Length;
                    if (image.ReadImage(offset, piece, 0, take) != take)
                    {
                        problem = string.Empty;
                        return UpdateCheck.Incomplete;
                    }

                    sha.Append(piece, 0, take);
                    offset += take;
                }

                if (!manifest.Matches(i, sha.Finish()))
                {
                    problem = "assembly " + manifest.NameAt(i) + " does not match its SHA-256 in the manifest";
                    return UpdateCheck.BadImage;
                }
            }

            return UpdateCheck.Ok;
        }
    }
}
