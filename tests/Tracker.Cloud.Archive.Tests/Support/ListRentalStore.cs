using Tracker.Cloud.Core.Storage;

namespace Tracker.Cloud.Archive.Tests.Support;

/// <summary>A fixed list of rentals.</summary>
public sealed class ListRentalStore(IReadOnlyList<Rental> rentals) : IRentalStore
{
    /// <inheritdoc />
    public Task PutAsync(Rental rental, CancellationToken cancellationToken) => throw new NotSupportedException("a fixed list");

    /// <inheritdoc />
    public Task<IReadOnlyList<Rental>> GetForRenterAsync(string renter, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Rental>>(rentals.Where(r => r.Renter == renter).ToList());

    /// <inheritdoc />
    public Task<IReadOnlyList<Rental>> GetForCarAsync(string carId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Rental>>(rentals.Where(r => r.CarId == carId).ToList());
}
