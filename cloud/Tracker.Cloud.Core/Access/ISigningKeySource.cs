namespace Tracker.Cloud.Core.Access;

/// <summary>Where the user pool's signing keys come from (in AWS, its JWKS address, cached).</summary>
public interface ISigningKeySource
{
    /// <summary>The current key set.</summary>
    /// <param name="refresh">
    /// True after a token named a <c>kid</c> the cached set lacks: the pool may have rotated its keys, so
    /// read them again (an implementation may rate-limit this).
    /// </param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The keys.</returns>
    /// <exception cref="Exception">The keys cannot be read: the caller fails closed.</exception>
    ValueTask<JsonWebKeySet> GetKeysAsync(bool refresh, CancellationToken cancellationToken);
}
