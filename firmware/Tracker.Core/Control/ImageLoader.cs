using Tracker.Core.Common;
using Tracker.Core.Storage;

namespace Tracker.Core.Control
{
    /// <summary>
    /// The loader's view of the installed images (Control/README.md §2, "The loader"): an image is intact when
    /// its file reads back whole, its manifest is valid and names its own version, every assembly's bytes match
    /// the manifest's SHA-256, the whole file matches the digest recorded when it was verified and installed
    /// (<see cref="ImageStore"/>), and the loader has not marked it unloadable (the runtime refused one of its
    /// assemblies, <see cref="MarkUnloadable"/>). Checking reads each assembly into its own array, and the arrays
    /// of the last intact image are kept, so the bytes <c>Assembly.Load</c> gets are the bytes that were
    /// checked, not a second read of the flash. Never throws on a storage failure or bad bytes.
    /// </summary>
    public sealed class ImageLoader : IImageCatalog
    {
        private readonly IFlashFileSystem _fs;
        private readonly string _directory;
        private readonly ImageStore _store;
        private VerifiedImage? _last;

        /// <summary>Reads the images in <paramref name="directory"/> on <paramref name="fs"/>.</summary>
        /// <param name="fs">The flash file system.</param>
        /// <param name="directory">The images' directory (<c>I:\app\images</c>).</param>
        public ImageLoader(IFlashFileSystem fs, string directory)
        {
            if (fs == null || directory == null)
            {
                throw new System.ArgumentNullException(fs == null ? nameof(fs) : nameof(directory));
            }

            _fs = fs;
            _directory = directory;
            _store = new ImageStore(fs, directory);
            LastRefusal = string.Empty;
        }

        /// <summary>The last image found not intact and why (<c>version: problem</c>, for the log), or empty.</summary>
        public string LastRefusal { get; private set; }

        /// <inheritdoc/>
        public bool IsIntact(string version)
        {
            VerifiedImage? image;
            string problem;
            bool intact = TryRead(version, out image, out problem);
            if (intact)
            {
                _last = image;
            }
            else
            {
                LastRefusal = version + ": " + problem;
            }

            return intact;
        }

        /// <summary>The image last found intact, if it is <paramref name="version"/>'s; else it is read and checked now.</summary>
        /// <param name="version">The version.</param>
        /// <param name="image">The checked image, or null.</param>
        /// <param name="problem">Why it is not intact, or empty.</param>
        /// <returns>True when it is intact.</returns>
        public bool TryTake(string version, out VerifiedImage? image, out string problem)
        {
            VerifiedImage? last = _last;
            if (last != null && version != null && last.Version == version)
            {
                image = last;
                problem = string.Empty;
                return true;
            }

            return TryRead(version!, out image, out problem);
        }

        /// <summary>
        /// Marks <paramref name="version"/> as one the runtime would not load (an assembly refused, the entry point
        /// missing): from now on it is not intact, so <see cref="BootSelector"/> falls back past it. Never throws.
        /// </summary>
        /// <param name="version">The version.</param>
        /// <param name="problem">What failed (kept in the marker for the log).</param>
        /// <returns>True when the mark is on flash.</returns>
        public bool MarkUnloadable(string version, string problem)
        {
            if (version == null || version.Length == 0)
            {
                return false;
            }

            try
            {
                string path = _fs.Combine(_directory, version + ImageStore.UnloadableExtension);
                if (_fs.Length(path) > 0)
                {
                    return true;
                }

                byte[] text = Utf8.GetBytes((problem == null || problem.Length == 0 ? "unloadable" : ConfigLineReader.Shorten(problem)) + "\n");
                _fs.Append(path, text, 0, text.Length);
                if (_last != null && _last.Version == version)
                {
                    _last = null;
                }

                return true;
            }
            catch (System.Exception)
            {
                return false;
            }
        }

        private bool TryRead(string version, out VerifiedImage? image, out string problem)
        {
            image = null;
            if (version == null || version.Length == 0)
            {
                problem = "no version";
                return false;
            }

            try
            {
                return Read(version, out image, out problem);
            }
            catch (System.Exception e)
            {
                problem = "flash: " + e.Message;
                return false;
            }
        }

        private bool Read(string version, out VerifiedImage? image, out string problem)
        {
            image = null;
            if (_fs.Length(_fs.Combine(_directory, version + ImageStore.UnloadableExtension)) >= 0)
            {
                problem = "marked unloadable by an earlier boot";
                return false;
            }

            string expected;
            if (!_store.TryReadDigest(version, out expected))
            {
                problem = "no recorded SHA-256";
                return false;
            }

            string path = _store.ImagePath(version);
            int length = _fs.Length(path);
            if (length < ImageManifest.HeaderBytes)
            {
                problem = length < 0 ? "no image file" : "the image is shorter than its header";
                return false;
            }

            byte[] header = new byte[ImageManifest.HeaderBytes];
            if (_fs.ReadAt(path, 0, header, 0, header.Length) != header.Length)
            {
                problem = "the header does not read back";
                return false;
            }

            int headLength = ImageManifest.HeadLength(header, header.Length);
            if (headLength < 0 || headLength > length)
            {
                problem = "not an application image (magic or manifest length)";
                return false;
            }

            byte[] head = new byte[headLength];
            ImageManifest? manifest;
            if (_fs.ReadAt(path, 0, head, 0, head.Length) != head.Length)
            {
                problem = "the manifest does not read back";
                return false;
            }

            if (!ImageManifest.TryRead(head, head.Length, length, out manifest, out problem))
            {
                return false;
            }

            if (manifest!.Version != version)
            {
                problem = "the manifest names version " + manifest.Version;
                return false;
            }

            Sha256 whole = new Sha256();
            whole.Append(head, 0, head.Length);
            byte[][] assemblies = new byte[manifest.Count][];
            for (int i = 0; i < manifest.Count; i++)
            {
                byte[] pe = new byte[manifest.LengthAt(i)];
                if (_fs.ReadAt(path, manifest.OffsetAt(i), pe, 0, pe.Length) != pe.Length)
                {
                    problem = manifest.NameAt(i) + " does not read back whole";
                    return false;
                }

                Sha256 sha = new Sha256();
                sha.Append(pe, 0, pe.Length);
                if (!manifest.Matches(i, sha.Finish()))
                {
                    problem = manifest.NameAt(i) + " does not match its SHA-256";
                    return false;
                }

                whole.Append(pe, 0, pe.Length);
                assemblies[i] = pe;
            }

            if (ImageStore.Hex(whole.Finish()) != expected)
            {
                problem = "the image does not match the SHA-256 recorded at its install";
                return false;
            }

            image = new VerifiedImage(manifest, assemblies);
            problem = string.Empty;
            return true;
        }
    }
}
