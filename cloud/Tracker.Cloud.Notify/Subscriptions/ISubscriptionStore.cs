namespace Tracker.Cloud.Notify.Subscriptions;

/// <summary>The subscriptions port.</summary>
public interface ISubscriptionStore
{
    /// <summary>Every subscription.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>By id.</returns>
    Task<IReadOnlyList<Subscription>> ListSubscriptionsAsync(CancellationToken cancellationToken);

    /// <summary>Adds or replaces one (validated before).</summary>
    /// <param name="subscription">The subscription.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The task.</returns>
    Task PutSubscriptionAsync(Subscription subscription, CancellationToken cancellationToken);

    /// <summary>Deletes one.</summary>
    /// <param name="id">Its id.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>True when there was one.</returns>
    Task<bool> DeleteSubscriptionAsync(string id, CancellationToken cancellationToken);
}
