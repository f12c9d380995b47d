using Tracker.Cloud.Core.Storage;

namespace Tracker.Cloud.Local.Broker;

/// <summary>
/// The host's rentals store, telling the broker of each change as it is written (in AWS a DynamoDB stream on the rentals
/// table does this), so a renter's live sessions are re-checked at once rather than at their next subscribe.
/// </summary>
/// <param name="inner">The store.</param>
public sealed class NotifyingRentalStore(IRentalStore inner) : IRentalStore
{
    /// <summary>Raised after a rental was written, with its renter.</summary>
    public event Action<string>? Changed;

    /// <inheritdoc />
    public async Task PutAsync(Rental rental, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rental);
        await inner.PutAsync(rental, cancellationToken).ConfigureAwait(false);
        Changed?.Invoke(rental.Renter);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<Rental>> GetForRenterAsync(string renter, CancellationToken cancellationToken) =>
        inner.GetForRenterAsync(renter, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<Rental>> GetForCarAsync(string carId, CancellationToken cancellationToken) =>
        inner.GetForCarAsync(carId, cancellationToken);
}
