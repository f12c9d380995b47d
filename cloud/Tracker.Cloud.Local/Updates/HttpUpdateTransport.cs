using System.Security.Cryptography.X509Certificates;
using Tracker.Core.Common;
using Tracker.Core.Control;
using Tracker.HostLink;

namespace Tracker.Cloud.Local.Updates;

/// <summary>The host's and Wi-Fi's way to an update image: HTTPS range requests (<see cref="HttpRangeSource"/>) trusting only the given CA.</summary>
/// <param name="trustedCa">The CA the image server's certificate must chain to.</param>
/// <param name="timeout">Each range's timeout.</param>
public sealed class HttpUpdateTransport(X509Certificate2 trustedCa, TimeSpan timeout) : IUpdateTransport
{
    /// <inheritdoc/>
    public IRangeSource Open(string url) => new HttpRangeSource(new Uri(url), trustedCa, timeout);

    /// <inheritdoc/>
    public void Close(IRangeSource source) => (source as IDisposable)?.Dispose();
}
