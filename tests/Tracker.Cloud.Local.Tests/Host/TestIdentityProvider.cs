using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Tracker.Cloud.Local.Tests.Host;

/// <summary>
/// The key side of an OpenID Connect provider, over real HTTP on 127.0.0.1: its JWKS at
/// <c>{issuer}/.well-known/jwks.json</c> (where Cognito publishes a pool's), and ID tokens shaped like Cognito's signed
/// with its key. Sign-in itself (the hosted UI) is the browser tests' business (tests/Tracker.Web.Tests, oidc-provider).
/// </summary>
public sealed class TestIdentityProvider : IDisposable
{
    public const string ClientId = "tracker-web-test";
    private const string KeyId = "local-test-key";

    private readonly HttpListener _listener = new();
    private readonly RSA _key = RSA.Create(2048);
    private readonly Task _serving;

    public TestIdentityProvider()
    {
        int port = FreePort.OnLoopback();
        Issuer = new Uri("http://127.0.0.1:" + port);
        _listener.Prefixes.Add(Issuer.ToString());
        _listener.Start();
        _serving = Task.Run(ServeAsync);
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
        string input = Part(new JsonObject { ["alg"] = "RS256", ["kid"] = KeyId, ["typ"] = "JWT" }) + "." + Part(claims);
        return input + "." + Base64Url.EncodeToString(_key.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    public void Dispose()
    {
        _listener.Close();
        try
        {
            _serving.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

        _key.Dispose();
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using HttpListenerResponse response = context.Response;
            if (context.Request.Url?.AbsolutePath != "/.well-known/jwks.json")
            {
                response.StatusCode = 404;
                continue;
            }

            KeyReads++;
            RSAParameters p = _key.ExportParameters(false);
            var jwks = new JsonObject
            {
                ["keys"] = new JsonArray(new JsonObject
                {
                    ["kty"] = "RSA", ["kid"] = KeyId, ["alg"] = "RS256", ["use"] = "sig",
                    ["n"] = Base64Url.EncodeToString(p.Modulus), ["e"] = Base64Url.EncodeToString(p.Exponent),
                }),
            };
            byte[] body = Encoding.UTF8.GetBytes(jwks.ToJsonString());
            response.ContentType = "application/json";
            await response.OutputStream.WriteAsync(body);
        }
    }

    private static string Part(JsonNode node) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(node.ToJsonString()));
}
