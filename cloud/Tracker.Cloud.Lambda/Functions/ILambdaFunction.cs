namespace Tracker.Cloud.Lambda.Functions;

/// <summary>
/// One deployed function as the bootstrap runs it: the invocation's event in, its response out, with a
/// token that the runtime loop cancels shortly before the invocation's deadline.
/// </summary>
public interface ILambdaFunction
{
    /// <summary>Handles one invocation.</summary>
    /// <param name="input">The event JSON.</param>
    /// <param name="cancellationToken">Cancelled when the invocation's deadline is near.</param>
    /// <returns>The response JSON.</returns>
    /// <exception cref="Events.InvalidEventException">The event can never succeed (not the shape this function is wired for).</exception>
    Task<Stream> HandleAsync(Stream input, CancellationToken cancellationToken);
}
