using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Lambda.Events;

namespace Tracker.Cloud.Lambda.Api;

/// <summary>
/// A group of the API's routes beside <see cref="ApiHandler"/>'s own (reports, events, rollouts, config, images): it
/// says which paths are its, and answers them. <see cref="ApiHandler"/> asks each group in turn and checks the caller's
/// sign-in first where the group needs one.
/// </summary>
public interface IApiRoutes
{
    /// <summary>False when the routes take no sign-in (the images: the URL's token decides).</summary>
    bool SignedIn { get; }

    /// <summary>True when the path is one of these routes.</summary>
    /// <param name="segments">The path's segments, stage removed.</param>
    /// <returns>True when this group answers.</returns>
    bool Owns(IReadOnlyList<string> segments);

    /// <summary>Answers a request for one of these routes.</summary>
    /// <param name="call">The request.</param>
    /// <param name="caller">The signed-in caller; null only where <see cref="SignedIn"/> is false.</param>
    /// <param name="cancellationToken">Cancels the storage and AWS calls.</param>
    /// <returns>The response.</returns>
    Task<HttpApiResponse> HandleAsync(ApiCall call, Identity? caller, CancellationToken cancellationToken);
}
