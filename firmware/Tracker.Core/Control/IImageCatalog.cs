namespace Tracker.Core.Control
{
    /// <summary>The application images on flash, as the loader sees them (Control/README.md §2).</summary>
    public interface IImageCatalog
    {
        /// <summary>Whether the image of <paramref name="version"/> is there and every assembly matches its manifest's SHA-256.</summary>
        /// <param name="version">The version.</param>
        /// <returns>True when it can be loaded.</returns>
        bool IsIntact(string version);
    }
}
