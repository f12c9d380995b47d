using Tracker.Core.Common;

namespace Tracker.Core.Control
{
    /// <summary>
    /// The manifest at the head of an application image (Control/README.md §2, "The image"): an update image is
    /// the application's <c>.pe</c> assemblies back to back, behind a manifest naming each one, its length and
    /// its SHA-256 in load order, the image's version and the entry point the loader calls. The job's digest and
    /// the fleet key's signature cover the whole image (manifest included), so the manifest is as trusted as
    /// the image; the per-assembly digests let the loader check the very bytes it hands to
    /// <c>Assembly.Load</c>. Immutable. <see cref="TryRead"/> never throws on bad bytes.
    /// </summary>
    /// <remarks>
    /// The layout (integers little-endian, text ASCII, each text preceded by its length in one byte):
    /// <code>
    /// 0        8  magic "TRKIMG1\n"
    /// 8        2  M: the manifest's length in bytes (1 .. MaxManifestBytes)
    /// 10       M  version (1..32 of a-z A-Z 0-9 . - +, as the job's), entry type (1..128: Namespace.Type),
    ///             entry method (1..64), N (1 byte, 1..MaxAssemblies), then N times:
    ///             name (1..64 of a-z A-Z 0-9 . _ -), length (4 bytes, 1..UpdateJob.MaxImageBytes), SHA-256 (32 bytes)
    /// 10 + M      the N assemblies in load order, back to back, and nothing after them
    /// </code>
    /// Strict: the manifest's fields fill exactly M bytes, names are distinct (ignoring case: the device's file
    /// system and assembly names do not tell case apart), and the image is exactly 10 + M + the lengths' sum.
    /// The entry method is a public static method taking one string (the version the loader runs).
    /// </remarks>
    public sealed class ImageManifest
    {
        /// <summary>Bytes before the manifest: the magic and the manifest's length.</summary>
        public const int HeaderBytes = 10;

        /// <summary>The longest manifest (16 assemblies with long names fit in 2 KB).</summary>
        public const int MaxManifestBytes = 4096;

        /// <summary>The most assemblies in one image.</summary>
        public const int MaxAssemblies = 16;

        /// <summary>The longest assembly name.</summary>
        public const int MaxNameLength = 64;

        /// <summary>The longest entry type name (with its namespace).</summary>
        public const int MaxTypeLength = 128;

        /// <summary>The longest entry method name.</summary>
        public const int MaxMethodLength = 64;

        private static readonly byte[] MagicBytes = new byte[] { 0x54, 0x52, 0x4B, 0x49, 0x4D, 0x47, 0x31, 0x0A };

        private readonly string[] _names;
        private readonly int[] _lengths;
        private readonly byte[][] _digests;
        private readonly int[] _offsets;

        private ImageManifest(string version, string entryType, string entryMethod, string[] names, int[] lengths, byte[][] digests, int payloadOffset)
        {
            Version = version;
            EntryType = entryType;
            EntryMethod = entryMethod;
            _names = names;
            _lengths = lengths;
            _digests = digests;
            _offsets = new int[names.Length];
            int offset = payloadOffset;
            for (int i = 0; i < names.Length; i++)
            {
                _offsets[i] = offset;
                offset += lengths[i];
            }

            PayloadOffset = payloadOffset;
            ImageBytes = offset;
        }

        /// <summary>The image's version (the job's, and its name on flash).</summary>
        public string Version { get; }

        /// <summary>The entry type's full name (<c>Tracker.Device.Program</c>).</summary>
        public string EntryType { get; }

        /// <summary>The entry method's name: public, static, one string parameter.</summary>
        public string EntryMethod { get; }

        /// <summary>Assemblies in the image.</summary>
        public int Count
        {
            get { return _names.Length; }
        }

        /// <summary>Offset of the first assembly in the image (<see cref="HeaderBytes"/> + the manifest's length).</summary>
        public int PayloadOffset { get; }

        /// <summary>The whole image's length.</summary>
        public int ImageBytes { get; }

        /// <summary>The name of assembly <paramref name="index"/> in load order.</summary>
        /// <param name="index">0 .. <see cref="Count"/> - 1.</param>
        /// <returns>The name (no extension).</returns>
        public string NameAt(int index)
        {
            return _names[index];
        }

        /// <summary>The length of assembly <paramref name="index"/>.</summary>
        /// <param name="index">0 .. <see cref="Count"/> - 1.</param>
        /// <returns>Bytes.</returns>
        public int LengthAt(int index)
        {
            return _lengths[index];
        }

        /// <summary>Where assembly <paramref name="index"/> starts in the image.</summary>
        /// <param name="index">0 .. <see cref="Count"/> - 1.</param>
        /// <returns>The offset.</returns>
        public int OffsetAt(int index)
        {
            return _offsets[index];
        }

        /// <summary>A copy of the SHA-256 of assembly <paramref name="index"/>.</summary>
        /// <param name="index">0 .. <see cref="Count"/> - 1.</param>
        /// <returns>32 bytes.</returns>
        public byte[] Sha256At(int index)
        {
            byte[] copy = new byte[Sha256.DigestBytes];
            System.Array.Copy(_digests[index], copy, copy.Length);
            return copy;
        }

        /// <summary>Whether <paramref name="digest"/> is assembly <paramref name="index"/>'s SHA-256 (every byte compared).</summary>
        /// <param name="index">0 .. <see cref="Count"/> - 1.</param>
        /// <param name="digest">A digest.</param>
        /// <returns>True when equal.</returns>
        public bool Matches(int index, byte[] digest)
        {
            byte[] expected = _digests[index];
            if (digest == null || digest.Length != expected.Length)
            {
                return false;
            }

            int difference = 0;
            for (int i = 0; i < expected.Length; i++)
            {
                difference |= expected[i] ^ digest[i];
            }

            return difference == 0;
        }

        /// <summary>
        /// The bytes the manifest takes at the head of an image, from its first <see cref="HeaderBytes"/> bytes.
        /// Never throws on bad bytes.
        /// </summary>
        /// <param name="head">The image's first bytes.</param>
        /// <param name="count">How many of them there are.</param>
        /// <returns><see cref="HeaderBytes"/> + the manifest's length; -1 when the header is not an image's.</returns>
        public static int HeadLength(byte[] head, int count)
        {
            if (head == null || count < HeaderBytes || head.Length < HeaderBytes)
            {
                return -1;
            }

            for (int i = 0; i < MagicBytes.Length; i++)
            {
                if (head[i] != MagicBytes[i])
                {
                    return -1;
                }
            }

            int m = head[8] | (head[9] << 8);
            return m < 1 || m > MaxManifestBytes ? -1 : HeaderBytes + m;
        }

        /// <summary>Reads the manifest at the head of an image. Never throws on bad bytes.</summary>
        /// <param name="head">The image's first bytes: at least <see cref="HeadLength"/> of them.</param>
        /// <param name="count">How many bytes of <paramref name="head"/> are the image's.</param>
        /// <param name="imageLength">The whole image's length (on flash), which the manifest must account for exactly.</param>
        /// <param name="manifest">The manifest, or null.</param>
        /// <param name="problem">Why it was refused, or empty.</param>
        /// <returns>True when the manifest is whole, valid and describes an image of exactly <paramref name="imageLength"/> bytes.</returns>
        public static bool TryRead(byte[] head, int count, int imageLength, out ImageManifest? manifest, out string problem)
        {
            manifest = null;
            problem = string.Empty;
            if (head == null || count < 0 || count > head.Length)
            {
                problem = "no bytes";
                return false;
            }

            int end = HeadLength(head, count);
            if (end < 0)
            {
                problem = count < HeaderBytes ? "the image is shorter than its header" : "not an application image (magic or manifest length)";
                return false;
            }

            if (count < end)
            {
                problem = "the manifest is cut short: " + count.ToString() + " of " + end.ToString() + " bytes";
                return false;
            }

            int at = HeaderBytes;
            string version;
            string entryType;
            string entryMethod;
            if (!TryText(head, ref at, end, UpdateJob.MaxVersionLength, out version) || !UpdateJob.IsValidVersion(version))
            {
                problem = "the version is not 1 to 32 of a-z A-Z 0-9 . - +";
                return false;
            }

            if (!TryText(head, ref at, end, MaxTypeLength, out entryType) || !IsDottedName(entryType))
            {
                problem = "the entry type is not a Namespace.Type name of at most " + MaxTypeLength.ToString() + " characters";
                return false;
            }

            if (!TryText(head, ref at, end, MaxMethodLength, out entryMethod) || !IsIdentifier(entryMethod))
            {
                problem = "the entry method is not a name of at most " + MaxMethodLength.ToString() + " characters";
                return false;
            }

            if (at >= end || head[at] < 1 || head[at] > MaxAssemblies)
            {
                problem = "the assembly count is not 1 to " + MaxAssemblies.ToString();
                return false;
            }

            int n = head[at++];
            string[] names = new string[n];
            int[] lengths = new int[n];
            byte[][] digests = new byte[n][];
            long total = end;
            for (int i = 0; i < n; i++)
            {
                string name;
                if (!TryText(head, ref at, end, MaxNameLength, out name) || !IsAssemblyName(name))
                {
                    problem = "assembly " + (i + 1).ToString() + "'s name is not 1 to " + MaxNameLength.ToString() + " of a-z A-Z 0-9 . _ -";
                    return false;
                }

                for (int j = 0; j < i; j++)
                {
                    if (SameIgnoringCase(names[j], name))
                    {
                        problem = "assembly " + name + " is named twice";
                        return false;
                    }
                }

                if (end - at < 4 + Sha256.DigestBytes)
                {
                    problem = "assembly " + name + "'s length and SHA-256 are cut short";
                    return false;
                }

                uint length = (uint)(head[at] | (head[at + 1] << 8) | (head[at + 2] << 16) | (head[at + 3] << 24));
                at += 4;
                if (length < 1 || length > UpdateJob.MaxImageBytes)
                {
                    problem = "assembly " + name + "'s length is not 1 to " + UpdateJob.MaxImageBytes.ToString() + " bytes";
                    return false;
                }

                byte[] digest = new byte[Sha256.DigestBytes];
                System.Array.Copy(head, at, digest, 0, digest.Length);
                at += digest.Length;
                names[i] = name;
                lengths[i] = (int)length;
                digests[i] = digest;
                total += length;
            }

            if (at != end)
            {
                problem = "the manifest has " + (end - at).ToString() + " bytes after its last assembly";
                return false;
            }

            if (total != imageLength)
            {
                problem = "the manifest accounts for " + total.ToString() + " bytes; the image is " + imageLength.ToString();
                return false;
            }

            manifest = new ImageManifest(version, entryType, entryMethod, names, lengths, digests, end);
            return true;
        }

        /// <summary>
        /// Packs assemblies into an image (the provisioning CLI's <c>codesign pack</c>): the manifest, then the
        /// assemblies in the order given. The result reads back with <see cref="TryRead"/>.
        /// </summary>
        /// <param name="version">The version (as the job's).</param>
        /// <param name="entryType">The entry type's full name.</param>
        /// <param name="entryMethod">The entry method's name.</param>
        /// <param name="names">Each assembly's name, in load order (dependencies first).</param>
        /// <param name="assemblies">Each assembly's bytes (its <c>.pe</c> file), in the same order.</param>
        /// <returns>The image.</returns>
        /// <exception cref="System.ArgumentException">A field breaks the format's rules (the message says which).</exception>
        public static byte[] Write(string version, string entryType, string entryMethod, string[] names, byte[][] assemblies)
        {
            if (version == null || entryType == null || entryMethod == null || names == null || assemblies == null)
            {
                throw new System.ArgumentNullException(version == null ? nameof(version) : entryType == null ? nameof(entryType)
                    : entryMethod == null ? nameof(entryMethod) : names == null ? nameof(names) : nameof(assemblies));
            }

            if (names.Length < 1 || names.Length > MaxAssemblies || assemblies.Length != names.Length)
            {
                throw new System.ArgumentException("1 to " + MaxAssemblies.ToString() + " assemblies, each with a name, are needed", nameof(assemblies));
            }

            byte[] manifest = new byte[MaxManifestBytes];
            int m = 0;
            m = PutText(manifest, m, version, UpdateJob.MaxVersionLength, UpdateJob.IsValidVersion(version), "the version");
            m = PutText(manifest, m, entryType, MaxTypeLength, IsDottedName(entryType), "the entry type");
            m = PutText(manifest, m, entryMethod, MaxMethodLength, IsIdentifier(entryMethod), "the entry method");
            manifest[m++] = (byte)names.Length;
            long total = 0;
            for (int i = 0; i < names.Length; i++)
            {
                byte[] pe = assemblies[i];
                if (pe == null || pe.Length < 1 || pe.Length > UpdateJob.MaxImageBytes)
                {
                    throw new System.ArgumentException("assembly " + (i + 1).ToString() + " is empty or over " + UpdateJob.MaxImageBytes.ToString() + " bytes", nameof(assemblies));
                }

                m = PutText(manifest, m, names[i], MaxNameLength, IsAssemblyName(names[i]), "assembly " + (i + 1).ToString() + "'s name");
                if (m + 4 + Sha256.DigestBytes > MaxManifestBytes)
                {
                    throw new System.ArgumentException("the manifest is over " + MaxManifestBytes.ToString() + " bytes", nameof(names));
                }

                manifest[m++] = (byte)pe.Length;
                manifest[m++] = (byte)(pe.Length >> 8);
                manifest[m++] = (byte)(pe.Length >> 16);
                manifest[m++] = (byte)(pe.Length >> 24);
                Sha256 sha = new Sha256();
                sha.Append(pe, 0, pe.Length);
                byte[] digest = sha.Finish();
                System.Array.Copy(digest, 0, manifest, m, digest.Length);
                m += digest.Length;
                total += pe.Length;
            }

            if (HeaderBytes + m + total > UpdateJob.MaxImageBytes)
            {
                throw new System.ArgumentException("the image would be " + (HeaderBytes + m + total).ToString() + " bytes: at most " + UpdateJob.MaxImageBytes.ToString(), nameof(assemblies));
            }

            byte[] image = new byte[HeaderBytes + m + (int)total];
            System.Array.Copy(MagicBytes, image, MagicBytes.Length);
            image[8] = (byte)m;
            image[9] = (byte)(m >> 8);
            System.Array.Copy(manifest, 0, image, HeaderBytes, m);
            int at = HeaderBytes + m;
            for (int i = 0; i < assemblies.Length; i++)
            {
                System.Array.Copy(assemblies[i], 0, image, at, assemblies[i].Length);
                at += assemblies[i].Length;
            }

            ImageManifest? check;
            string problem;
            if (!TryRead(image, image.Length, image.Length, out check, out problem))
            {
                throw new System.ArgumentException(problem, nameof(names)); // two names alike but for case
            }

            return image;
        }

        private static int PutText(byte[] into, int at, string text, int maxLength, bool valid, string what)
        {
            if (!valid || text.Length < 1 || text.Length > maxLength)
            {
                throw new System.ArgumentException(what + " '" + ConfigLineReader.Shorten(text) + "' breaks the image manifest's rules (ImageManifest)");
            }

            if (at + 1 + text.Length > into.Length)
            {
                throw new System.ArgumentException("the manifest is over " + MaxManifestBytes.ToString() + " bytes");
            }

            into[at++] = (byte)text.Length;
            for (int i = 0; i < text.Length; i++)
            {
                into[at++] = (byte)text[i];
            }

            return at;
        }

        private static bool TryText(byte[] head, ref int at, int end, int maxLength, out string text)
        {
            text = string.Empty;
            if (at >= end)
            {
                return false;
            }

            int length = head[at];
            if (length < 1 || length > maxLength || end - at - 1 < length)
            {
                return false;
            }

            char[] chars = new char[length];
            for (int i = 0; i < length; i++)
            {
                byte b = head[at + 1 + i];
                if (b < 0x21 || b > 0x7E)
                {
                    return false;
                }

                chars[i] = (char)b;
            }

            at += 1 + length;
            text = new string(chars);
            return true;
        }

        private static bool IsLetterOrDigit(char c)
        {
            return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        }

        private static bool IsAssemblyName(string text)
        {
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (!(IsLetterOrDigit(c) || c == '.' || c == '_' || c == '-'))
                {
                    return false;
                }
            }

            return text.Length > 0 && text[0] != '.' && text[text.Length - 1] != '.';
        }

        private static bool IsIdentifier(string text)
        {
            if (text.Length == 0 || (text[0] >= '0' && text[0] <= '9'))
            {
                return false;
            }

            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (!(IsLetterOrDigit(c) || c == '_'))
                {
                    return false;
                }
            }

            return true;
        }

        // Namespace.Type: identifiers joined by single dots.
        private static bool IsDottedName(string text)
        {
            int start = 0;
            for (int i = 0; i <= text.Length; i++)
            {
                if (i == text.Length || text[i] == '.')
                {
                    if (!IsIdentifier(text.Substring(start, i - start)))
                    {
                        return false;
                    }

                    start = i + 1;
                }
            }

            return text.Length > 0;
        }

        private static bool SameIgnoringCase(string a, string b)
        {
            if (a.Length != b.Length)
            {
                return false;
            }

            for (int i = 0; i < a.Length; i++)
            {
                char x = a[i];
                char y = b[i];
                if (x >= 'A' && x <= 'Z')
                {
                    x = (char)(x + 32);
                }

                if (y >= 'A' && y <= 'Z')
                {
                    y = (char)(y + 32);
                }

                if (x != y)
                {
                    return false;
                }
            }

            return true;
        }
    }
}
