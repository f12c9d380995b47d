namespace Tracker.Cloud.Core.Storage;

/// <summary>A rental: <paramref name="Renter"/> may see <paramref name="CarId"/> from <paramref name="FromMs"/> (inclusive) to <paramref name="ToMs"/> (exclusive).</summary>
/// <param name="CarId">The car.</param>
/// <param name="Renter">The renter's user id (the JWT subject).</param>
/// <param name="FromMs">Start, UTC epoch ms.</param>
/// <param name="ToMs">End, UTC epoch ms.</param>
public sealed record Rental(string CarId, string Renter, long FromMs, long ToMs);

/// <summary>The rentals port (same adapters as <see cref="IFixStore"/>).</summary>
public interface IRentalStore
{
    /// <summary>Adds or replaces a rental (keyed on car, renter and start).</summary>
    Task PutAsync(Rental rental, CancellationToken cancellationToken);

    /// <summary>The renter's rentals.</summary>
    Task<IReadOnlyList<Rental>> GetForRenterAsync(string renter, CancellationToken cancellationToken);

    /// <summary>The car's rentals.</summary>
    Task<IReadOnlyList<Rental>> GetForCarAsync(string carId, CancellationToken cancellationToken);
}
