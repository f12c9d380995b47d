using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Core.Storage;

namespace Tracker.Cloud.Local.Broker;

/// <summary>
/// A browser's MQTT session: who it is (from the token it connected with) and, for a renter, the rentals read when it
/// connected (re-read at each change the host writes, and every <see cref="RentalsRefresh"/> for changes made elsewhere), so
/// the per-message check costs no store read.
/// </summary>
public sealed class Viewer
{
    /// <summary>How old the rentals snapshot may get before it is read again.</summary>
    public static readonly TimeSpan RentalsRefresh = TimeSpan.FromSeconds(10);

    /// <summary>Creates the session's viewer.</summary>
    /// <param name="identity">Who.</param>
    /// <param name="tokenExpiresMs">When the token they connected with expires (the session ends then).</param>
    /// <param name="rentals">Their rentals.</param>
    /// <param name="loadedMs">When the rentals were read.</param>
    public Viewer(Identity identity, long tokenExpiresMs, IReadOnlyList<Rental> rentals, long loadedMs)
    {
        ArgumentNullException.ThrowIfNull(identity);
        Identity = identity;
        TokenExpiresMs = tokenExpiresMs;
        Rentals = rentals;
        LoadedMs = loadedMs;
    }

    /// <summary>Who the viewer is.</summary>
    public Identity Identity { get; }

    /// <summary>When the viewer's token expires, UTC epoch ms.</summary>
    public long TokenExpiresMs { get; }

    /// <summary>The rentals as last read.</summary>
    public IReadOnlyList<Rental> Rentals { get; private set; }

    /// <summary>When <see cref="Rentals"/> was read, UTC epoch ms.</summary>
    public long LoadedMs { get; private set; }

    /// <summary>Replaces the rentals snapshot.</summary>
    /// <param name="rentals">The rentals.</param>
    /// <param name="loadedMs">When they were read.</param>
    public void Refresh(IReadOnlyList<Rental> rentals, long loadedMs)
    {
        Rentals = rentals;
        LoadedMs = loadedMs;
    }
}
