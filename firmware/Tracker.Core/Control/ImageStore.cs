using Tracker.Core.Common;
using Tracker.Core.Storage;

namespace Tracker.Core.Control
{
    /// <summary>
    /// The installed application images on flash (Control/README.md §2, "The switch"): each version's
    /// image in <c>&lt;version&gt;.img</c> beside its SHA-256 in <c>&lt;version&gt;.sha</c> (64 hex
    /// digits), so the loader can tell an intact image from a torn or garbled one at every boot. An
    /// image is copied out of the verified staging area into <c>&lt;version&gt;.tmp</c> and renamed, so a
    /// power cut leaves no half image under the final name. (On the device an image is the set of
    /// <c>.pe</c> assemblies with a manifest; here, one file: the shared logic is the same.) Never throws
    /// on a storage failure.
    /// </summary>
    public sealed class ImageStore : IImageCatalog
    {
        /// <summary>The extension of the loader's mark on an image the runtime would not load (<see cref="ImageLoader.MarkUnloadable"/>).</summary>
        public const string UnloadableExtension = ".bad";

        private const int Piece = 4096;

        private readonly IFlashFileSystem _fs;
        private readonly string _directory;

        /// <summary>Uses <paramref name="directory"/> on <paramref name="fs"/>.</summary>
        /// <param name="fs">The flash file system.</param>
        /// <param name="directory">The images' directory (<c>I:\app\images</c> on the device).</param>
        public ImageStore(IFlashFileSystem fs, string directory)
        {
            if (fs == null || directory == null)
            {
                throw new System.ArgumentNullException(fs == null ? nameof(fs) : nameof(directory));
            }

            _fs = fs;
            _directory = directory;
        }

        /// <inheritdoc/>
        public bool IsIntact(string version)
        {
            if (version == null || version.Length == 0)
            {
                return false;
            }

            string expected;
            if (!TryReadDigest(version, out expected))
            {
                return false;
            }

            try
            {
                byte[]? actual = DigestOf(PathOf(version, ".img"));
                return actual != null && Hex(actual) == expected;
            }
            catch (System.Exception)
            {
                return false;
            }
        }

        /// <summary>Installs a verified download as <paramref name="version"/> (nothing to do when it is already intact).</summary>
        /// <param name="download">The complete, verified download.</param>
        /// <param name="version">Its version.</param>
        /// <param name="sha256">Its SHA-256 (the verified one).</param>
        /// <returns>True when the image is installed and intact.</returns>
        public bool Install(StagedDownload download, string version, byte[] sha256)
        {
            if (download == null || version == null || sha256 == null)
            {
                throw new System.ArgumentNullException(download == null ? nameof(download) : version == null ? nameof(version) : nameof(sha256));
            }

            if (IsIntact(version))
            {
                return true;
            }

            try
            {
                _fs.CreateDirectory(_directory);
                string tmp = PathOf(version, ".tmp");
                string img = PathOf(version, ".img");
                string sha = PathOf(version, ".sha");
                _fs.Delete(tmp);
                _fs.Delete(img);
                _fs.Delete(sha);
                _fs.Delete(PathOf(version, UnloadableExtension)); // a loader's mark on an earlier copy
                byte[] piece = new byte[Piece];
                int offset = 0;
                while (offset < download.Size)
                {
                    int want = download.Size - offset < Piece ? download.Size - offset : Piece;
                    if (download.ReadImage(offset, piece, 0, want) != want)
                    {
                        return false;
                    }

                    _fs.Append(tmp, piece, 0, want);
                    offset += want;
                }

                byte[] hex = Utf8.GetBytes(Hex(sha256));
                _fs.Append(sha, hex, 0, hex.Length);
                _fs.Rename(tmp, img);
                return IsIntact(version);
            }
            catch (System.Exception)
            {
                return false;
            }
        }

        /// <summary>Deletes every image but <paramref name="keep1"/> and <paramref name="keep2"/> (the confirmed and previous ones). Never throws.</summary>
        /// <param name="keep1">A version to keep, or empty.</param>
        /// <param name="keep2">Another, or empty.</param>
        public void Prune(string keep1, string keep2)
        {
            try
            {
                string[] names = _fs.ListFiles(_directory);
                for (int i = 0; i < names.Length; i++)
                {
                    string name = names[i];
                    int dot = name.LastIndexOf('.');
                    string version = dot > 0 ? name.Substring(0, dot) : name;
                    if (version != keep1 && version != keep2)
                    {
                        _fs.Delete(_fs.Combine(_directory, name));
                    }
                }
            }
            catch (System.Exception)
            {
                // Left for the next prune.
            }
        }

        /// <summary>The file holding <paramref name="version"/>'s image.</summary>
        /// <param name="version">The version.</param>
        /// <returns>Its path.</returns>
        public string ImagePath(string version)
        {
            return PathOf(version, ".img");
        }

        /// <summary>The SHA-256 recorded for <paramref name="version"/>'s image when it was installed (the verified digest). Never throws.</summary>
        /// <param name="version">The version.</param>
        /// <param name="hex">64 lowercase hex digits, or empty.</param>
        /// <returns>False when there is none, or it is not 64 bytes long.</returns>
        public bool TryReadDigest(string version, out string hex)
        {
            hex = string.Empty;
            try
            {
                byte[] text = new byte[Sha256.DigestBytes * 2];
                string path = PathOf(version, ".sha");
                if (_fs.Length(path) != text.Length || _fs.ReadAt(path, 0, text, 0, text.Length) != text.Length)
                {
                    return false;
                }

                hex = AsciiText(text);
                return true;
            }
            catch (System.Exception)
            {
                return false;
            }
        }

        private string PathOf(string version, string extension)
        {
            return _fs.Combine(_directory, version + extension);
        }

        private byte[]? DigestOf(string path)
        {
            int length = _fs.Length(path);
            if (length < 0)
            {
                return null;
            }

            Sha256 sha = new Sha256();
            byte[] piece = new byte[Piece];
            int offset = 0;
            while (offset < length)
            {
                int want = length - offset < Piece ? length - offset : Piece;
                int n = _fs.ReadAt(path, offset, piece, 0, want);
                if (n != want)
                {
                    return null;
                }

                sha.Append(piece, 0, n);
                offset += n;
            }

            return sha.Finish();
        }

        private static string AsciiText(byte[] bytes)
        {
            char[] chars = new char[bytes.Length];
            for (int i = 0; i < bytes.Length; i++)
            {
                chars[i] = (char)bytes[i];
            }

            return new string(chars);
        }

        /// <summary>Lowercase hex of <paramref name="bytes"/>.</summary>
        /// <param name="bytes">The bytes.</param>
        /// <returns>The text.</returns>
        public static string Hex(byte[] bytes)
        {
            const string Digits = "0123456789abcdef";
            char[] chars = new char[bytes.Length * 2];
            for (int i = 0; i < bytes.Length; i++)
            {
                chars[2 * i] = Digits[bytes[i] >> 4];
                chars[(2 * i) + 1] = Digits[bytes[i] & 15];
            }

            return new string(chars);
        }
    }
}
