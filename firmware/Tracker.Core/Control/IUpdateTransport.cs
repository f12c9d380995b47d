using Tracker.Core.Common;

namespace Tracker.Core.Control
{
    /// <summary>
    /// Opens the byte source of an update image's URL (Control/README.md §2): the SIM7080G's own HTTPS
    /// client, or HTTP over Wi-Fi; on the host, HTTPS with the fleet's trust. The job agent knows nothing of either.
    /// </summary>
    public interface IUpdateTransport
    {
        /// <summary>Opens <paramref name="url"/> (nothing is fetched yet).</summary>
        /// <param name="url">The image's https URL, from the job.</param>
        /// <returns>The source.</returns>
        IRangeSource Open(string url);

        /// <summary>Releases a source <see cref="Open"/> returned.</summary>
        /// <param name="source">The source.</param>
        void Close(IRangeSource source);
    }
}
