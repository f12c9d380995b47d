using Tracker.Cloud.Derive.Zones;

namespace Tracker.Cloud.Derive.Storage;

/// <summary>The fleet's and rentals' zones (validated by <see cref="ZoneValidator"/> before they get here).</summary>
public interface IZoneStore
{
    /// <summary>Every zone.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The zones, by id.</returns>
    Task<IReadOnlyList<Zone>> ListZonesAsync(CancellationToken cancellationToken);

    /// <summary>Adds or replaces a zone.</summary>
    /// <param name="zone">A valid zone.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task.</returns>
    Task PutZoneAsync(Zone zone, CancellationToken cancellationToken);

    /// <summary>Deletes a zone.</summary>
    /// <param name="zoneId">Its id.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>True when there was one.</returns>
    Task<bool> DeleteZoneAsync(string zoneId, CancellationToken cancellationToken);
}
