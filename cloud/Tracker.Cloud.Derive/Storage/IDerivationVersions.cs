namespace Tracker.Cloud.Derive.Storage;

/// <summary>
/// A state store that tells a car's stored version without reading its state (a key lookup): with it,
/// <see cref="DeriveService"/> keeps each car's state from its last step in memory and reads it again only when the
/// stored version moved (another writer), so a clock tick that changes nothing parses and writes no JSON state.
/// </summary>
public interface IDerivationVersions
{
    /// <summary>The car's stored version, 0 when it has no state (as <see cref="IDerivationStore.TryCommitAsync"/> counts).</summary>
    /// <param name="carId">The car.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The version.</returns>
    Task<long> GetVersionAsync(string carId, CancellationToken cancellationToken);
}
