using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Tracker.Cloud.Lambda.Runtime.Tests.Support;

/// <summary>
/// What the functions reach besides dynalite and s3rver, on 127.0.0.1 and free ports:
/// <list type="bullet">
/// <item>a user pool's JWKS over HTTPS (the live authorizer accepts only an https issuer), with a
/// self-signed certificate for 127.0.0.1 that the bootstrap trusts through <c>SSL_CERT_FILE</c>;</item>
/// <item>a DynamoDB endpoint that answers every call as if the table did not exist (ResourceNotFoundException,
/// which the SDK does not retry) and records the <c>X-Amzn-Trace-Id</c> header of each, to see a storage
/// failure reported and the trace header propagated.</item>
/// </list>
/// </summary>
public sealed class StubServers : IAsyncLifetime
{
    private WebApplication? _app;
    private TempFolder? _folder;

    /// <summary>The issuer to configure: https://127.0.0.1:port/us-east-1_TestPool1.</summary>
    public string Issuer { get; private set; } = string.Empty;

    /// <summary>The failing DynamoDB endpoint, http://127.0.0.1:port.</summary>
    public string FailingDynamoDb { get; private set; } = string.Empty;

    /// <summary>The PEM file of the HTTPS certificate, for SSL_CERT_FILE.</summary>
    public string CertificateFile { get; private set; } = string.Empty;

    /// <summary>The X-Amzn-Trace-Id header of every call to the failing DynamoDB ("" when absent).</summary>
    public ConcurrentQueue<string> DynamoDbTraceHeaders { get; } = new();

    public async Task InitializeAsync()
    {
        _folder = new TempFolder("tracker-stubs-");
        using RSA key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using X509Certificate2 created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(1));
        CertificateFile = _folder.Combine("stub-ca.pem");
        await File.WriteAllTextAsync(CertificateFile, created.ExportCertificatePem());
        X509Certificate2 serving = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options =>
        {
            options.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(serving));
            options.Listen(IPAddress.Loopback, 0);
        });
        _app = builder.Build();
        string jwks = TestUserPool.Jwks();
        _app.MapGet("/us-east-1_TestPool1/.well-known/jwks.json", () => Results.Text(jwks, "application/json"));
        _app.MapPost("/", (HttpContext context) =>
        {
            DynamoDbTraceHeaders.Enqueue(context.Request.Headers["X-Amzn-Trace-Id"].FirstOrDefault() ?? string.Empty);
            return Results.Text("{\"__type\":\"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException\",\"message\":\"stub: the store is down\"}", "application/x-amz-json-1.0", statusCode: 400);
        });
        await _app.StartAsync();
        string https = _app.Urls.First(u => u.StartsWith("https:", StringComparison.Ordinal));
        string http = _app.Urls.First(u => u.StartsWith("http:", StringComparison.Ordinal));
        Issuer = https.TrimEnd('/') + "/us-east-1_TestPool1";
        FailingDynamoDb = http.TrimEnd('/');
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        _folder?.Dispose();
    }
}
