using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Tracker.Cloud.Local.Tests.Host;

/// <summary>
/// The key side of an OpenID Connect provider, over real HTTP on 127.0.0.1: its JWKS at
/// <c>{issuer}/.well-known/jwks.json</c> (where Cognito publishes a pool's), and ID tokens shaped like Cognito's signed
/// with its key (tests/Tracker.Cloud.Testing's stand-in user pool makes both). Sign-in itself (the hosted UI) is the
/// browser tests' business (tests/Tracker.Web.Tests, oidc-provider).
/// </summary>
public sealed class TestIdentityProvider : IDisposable
{
    public const string ClientId = "tracker-web-test";
    private const string KeyId = "local-test-key";

    private readonly RSA _key = RSA.Create(2048);
    private readonly LoopbackHttpServer _server;

    public TestIdentityProvider()
    {
        _server = new LoopbackHttpServer(ServeAsync);
        Issuer = new Uri(_server.Origin + "/");
    }

    public Uri Issuer { get; }

    public int KeyReads { get; private set; }

    /// <summary>An ID token for <paramref name="sub"/> in <paramref name="groups"/>, valid for <paramref name="lifetime"/> from now.</summary>
    public string IdToken(string sub, TimeSpan lifetime, params string[] groups)
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = new JsonObject
        {
            ["iss"] = Issuer.ToString().TrimEnd('/'),
            ["sub"] = sub,
            ["aud"] = ClientId,
            ["token_use"] = "id",
            ["iat"] = now,
            ["exp"] = now + (long)lifetime.TotalSeconds,
            ["cognito:username"] = sub,
            ["cognito:groups"] = new JsonArray(groups.Select(g => (JsonNode)JsonValue.Create(g)!).ToArray()),
        };
        return TestUserPool.Sign(claims, _key, kid: KeyId, extraHeader: new JsonObject { ["typ"] = "JWT" });
    }

    public void Dispose()
    {
        _server.Dispose();
        _key.Dispose();
    }

    private async Task ServeAsync(HttpListenerContext context)
    {
        HttpListenerResponse response = context.Response;
        if (context.Request.Url?.AbsolutePath != "/.well-known/jwks.json")
        {
            response.StatusCode = 404;
            return;
        }

        KeyReads++;
        byte[] body = Encoding.UTF8.GetBytes(TestUserPool.Jwks((KeyId, _key)));
        response.ContentType = "application/json";
        await response.OutputStream.WriteAsync(body);
    }
}
