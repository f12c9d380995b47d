using Tracker.Cloud.Core.Access;

namespace Tracker.Cloud.Lambda.Authorizer;

/// <summary>
/// The user pool's signing keys read from its JWKS address over HTTPS and kept per execution environment:
/// re-read after <see cref="CacheLifetime"/>, or sooner when a token names an unknown <c>kid</c> (Cognito
/// rotated its keys), but at most once per <see cref="MinRefreshInterval"/> so a stream of forged
/// <c>kid</c>s cannot turn every connection attempt into a fetch.
/// </summary>
public sealed class HttpJwksSource : ISigningKeySource
{
    /// <summary>How long a read key set is used without asking again.</summary>
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromHours(1);

    /// <summary>The shortest time between two reads.</summary>
    public static readonly TimeSpan MinRefreshInterval = TimeSpan.FromMinutes(1);

    private readonly HttpClient _http;
    private readonly Uri _uri;
    private readonly TimeProvider _clock;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private JsonWebKeySet? _cached;
    private DateTimeOffset _fetchedAt;

    /// <summary>Creates the source.</summary>
    /// <param name="http">The HTTP client (its timeout bounds a read).</param>
    /// <param name="uri">The JWKS address, <c>{issuer}/.well-known/jwks.json</c>.</param>
    /// <param name="clock">For the cache's age.</param>
    public HttpJwksSource(HttpClient http, Uri uri, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(uri);
        ArgumentNullException.ThrowIfNull(clock);
        _http = http;
        _uri = uri;
        _clock = clock;
    }

    /// <summary>How many times the keys were read (for tests and logs).</summary>
    public int Fetches { get; private set; }

    /// <inheritdoc />
    /// <exception cref="HttpRequestException">The first read failed (no keys to fall back on).</exception>
    /// <exception cref="InvalidDataException">The first read returned no usable key set.</exception>
    public async ValueTask<JsonWebKeySet> GetKeysAsync(bool refresh, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            DateTimeOffset now = _clock.GetUtcNow();
            if (_cached is not null)
            {
                TimeSpan age = now - _fetchedAt;
                bool fresh = age < CacheLifetime && !refresh;
                bool tooSoon = refresh && age < MinRefreshInterval;
                if (fresh || tooSoon)
                {
                    return _cached;
                }
            }

            try
            {
                _cached = await FetchAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (_cached is not null && (e is HttpRequestException or InvalidDataException or TaskCanceledException) && !cancellationToken.IsCancellationRequested)
            {
                // Keys already read still verify every token they signed; an unknown kid still fails
                // closed. Try again after the refresh interval rather than on every connection.
            }

            _fetchedAt = now;
            return _cached!;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<JsonWebKeySet> FetchAsync(CancellationToken cancellationToken)
    {
        Fetches++;
        using HttpResponseMessage response = await _http.GetAsync(_uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        await using Stream body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        byte[] chunk = new byte[8192];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > JsonWebKeySet.MaxDocumentBytes)
            {
                throw new InvalidDataException($"the JWKS at {_uri} is larger than {JsonWebKeySet.MaxDocumentBytes} bytes");
            }

            buffer.Write(chunk, 0, read);
        }

        if (!JsonWebKeySet.TryParse(buffer.ToArray(), out JsonWebKeySet? set, out string error))
        {
            throw new InvalidDataException($"the JWKS at {_uri} is not usable: {error}");
        }

        return set!;
    }
}
