using System.Net;
using System.Text;
using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Lambda.Authorizer;
using Tracker.Cloud.Tests.Access;
using Tracker.Cloud.Tests.Core;

namespace Tracker.Cloud.Tests.Lambda;

/// <summary>Reading and caching the user pool's JWKS, against a scripted HTTP handler (no network).</summary>
public sealed class HttpJwksSourceTests
{
    private static readonly Uri JwksUri = TestUserPool.Options.JwksUri;

    private readonly ManualClock _clock = new(TestFixes.Now);
    private readonly ScriptedHandler _http = new();

    private HttpJwksSource Source() => new(new HttpClient(_http), JwksUri, _clock);

    [Fact]
    public async Task Keys_AreReadOnceAndKeptForTheCacheLifetime()
    {
        _http.Respond(HttpStatusCode.OK, TestUserPool.Jwks());
        HttpJwksSource source = Source();

        JsonWebKeySet first = await source.GetKeysAsync(false, default);
        _clock.Now = _clock.Now.Add(HttpJwksSource.CacheLifetime - TimeSpan.FromSeconds(1));
        JsonWebKeySet second = await source.GetKeysAsync(false, default);

        Assert.Same(first, second);
        Assert.Equal(1, source.Fetches);
        Assert.Equal([JwksUri], _http.Requests);

        _clock.Now = _clock.Now.AddSeconds(1);
        await source.GetKeysAsync(false, default);
        Assert.Equal(2, source.Fetches);
    }

    [Fact]
    public async Task Refresh_IsRateLimited()
    {
        _http.Respond(HttpStatusCode.OK, TestUserPool.Jwks());
        HttpJwksSource source = Source();
        await source.GetKeysAsync(false, default);

        await source.GetKeysAsync(true, default);
        Assert.Equal(1, source.Fetches);

        _clock.Now = _clock.Now.Add(HttpJwksSource.MinRefreshInterval);
        await source.GetKeysAsync(true, default);
        Assert.Equal(2, source.Fetches);
    }

    [Fact]
    public async Task FirstRead_Failing_Throws()
    {
        _http.Respond(HttpStatusCode.InternalServerError, "oops");

        await Assert.ThrowsAsync<HttpRequestException>(() => Source().GetKeysAsync(false, default).AsTask());
    }

    [Fact]
    public async Task FirstRead_NotAKeySet_ThrowsNamingTheAddress()
    {
        _http.Respond(HttpStatusCode.OK, "{\"keys\":[]}");

        InvalidDataException e = await Assert.ThrowsAsync<InvalidDataException>(() => Source().GetKeysAsync(false, default).AsTask());
        Assert.Contains(JwksUri.ToString(), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FirstRead_Oversized_Throws()
    {
        _http.Respond(HttpStatusCode.OK, new string(' ', JsonWebKeySet.MaxDocumentBytes + 1));

        await Assert.ThrowsAsync<InvalidDataException>(() => Source().GetKeysAsync(false, default).AsTask());
    }

    [Fact]
    public async Task LaterRead_Failing_KeepsTheKeysAlreadyRead()
    {
        _http.Respond(HttpStatusCode.OK, TestUserPool.Jwks());
        HttpJwksSource source = Source();
        JsonWebKeySet first = await source.GetKeysAsync(false, default);

        _http.Respond(HttpStatusCode.ServiceUnavailable, string.Empty);
        _clock.Now = _clock.Now.Add(HttpJwksSource.CacheLifetime);

        Assert.Same(first, await source.GetKeysAsync(false, default));
        Assert.Equal(2, source.Fetches);
    }

    private sealed class ScriptedHandler : HttpMessageHandler
    {
        private HttpStatusCode _status = HttpStatusCode.OK;
        private string _body = string.Empty;

        public List<Uri> Requests { get; } = [];

        public void Respond(HttpStatusCode status, string body)
        {
            _status = status;
            _body = body;
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(request.RequestUri!);
            return Task.FromResult(new HttpResponseMessage(_status) { Content = new StringContent(_body, Encoding.UTF8, "application/json") });
        }
    }
}
