namespace Tracker.Core.Common
{
    /// <summary>
    /// Where an update image's bytes come from, a range at a time (Control/README.md §2, "Jobs and the
    /// download"): the SIM7080G's own HTTPS client (<c>AT+SHAHEAD="Range"</c>, <c>AT+SHREQ</c>,
    /// <c>AT+SHREAD</c>) or HTTP over Wi-Fi. The download state machine knows nothing of either.
    /// </summary>
    public interface IRangeSource
    {
        /// <summary>Reads the image's bytes <paramref name="offset"/> to <paramref name="offset"/> + <paramref name="count"/> - 1.</summary>
        /// <param name="offset">The first byte's offset in the image.</param>
        /// <param name="buffer">Where the bytes go (from index 0).</param>
        /// <param name="count">How many are asked for.</param>
        /// <param name="read">How many arrived (fewer than asked means the link dropped mid-range).</param>
        /// <returns>What happened.</returns>
        RangeResult Read(int offset, byte[] buffer, int count, out int read);
    }
}
