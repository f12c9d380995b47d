namespace Tracker.Core.Control
{
    /// <summary>
    /// An installed image read from flash and checked (<see cref="ImageLoader"/>): every assembly's bytes matched
    /// its manifest's SHA-256 and the whole image matched the digest recorded when it was verified and installed.
    /// What the loader app hands to <c>Assembly.Load</c>, in order, and the entry point it then calls.
    /// </summary>
    public sealed class VerifiedImage
    {
        private readonly byte[][] _assemblies;
        private readonly ImageManifest _manifest;

        internal VerifiedImage(ImageManifest manifest, byte[][] assemblies)
        {
            _manifest = manifest;
            _assemblies = assemblies;
        }

        /// <summary>The image's version.</summary>
        public string Version
        {
            get { return _manifest.Version; }
        }

        /// <summary>The entry type's full name.</summary>
        public string EntryType
        {
            get { return _manifest.EntryType; }
        }

        /// <summary>The entry method (public, static, one string parameter: the version).</summary>
        public string EntryMethod
        {
            get { return _manifest.EntryMethod; }
        }

        /// <summary>Assemblies to load.</summary>
        public int Count
        {
            get { return _assemblies.Length; }
        }

        /// <summary>The name of assembly <paramref name="index"/> in load order.</summary>
        /// <param name="index">0 .. <see cref="Count"/> - 1.</param>
        /// <returns>The name.</returns>
        public string NameAt(int index)
        {
            return _manifest.NameAt(index);
        }

        /// <summary>The checked bytes of assembly <paramref name="index"/> (the array itself: load it, do not change it).</summary>
        /// <param name="index">0 .. <see cref="Count"/> - 1, in load order.</param>
        /// <returns>The <c>.pe</c> bytes.</returns>
        public byte[] AssemblyAt(int index)
        {
            return _assemblies[index];
        }
    }
}
