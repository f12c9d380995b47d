using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Tracker.Cloud.Local.Updates;

/// <summary>
/// The local stand-in for S3 behind a pre-signed URL (issue 18): update images served over HTTPS on 127.0.0.1 with
/// range requests (206, <c>Content-Range</c>; 416 past the end), from one folder, by file name only. For the fault
/// tests it can cut connections mid-body (<see cref="CutAfter"/>), as a cellular link drops. Started with a token key
/// (as the local host does), every request must carry a short-lived token, as a pre-signed URL does:
/// <c>?e=&lt;expiry, epoch seconds&gt;&amp;t=&lt;HMAC-SHA256 of name and expiry, 32 hex&gt;</c>; a missing, wrong or expired
/// token gets 403, which the car reads as "ask the job for a fresh URL".
/// </summary>
public sealed class ImageServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly byte[]? _tokenKey;
    private readonly TimeProvider _clock;
    private int _requests;
    private int _refused;
    private int _cuts;

    private ImageServer(WebApplication app, Uri baseUrl, byte[]? tokenKey, TimeProvider clock)
    {
        _app = app;
        BaseUrl = baseUrl;
        _tokenKey = tokenKey;
        _clock = clock;
    }

    /// <summary>Connections cut mid-body by <see cref="CutAfter"/>.</summary>
    public int Cuts => Volatile.Read(ref _cuts);

    /// <summary>Requests refused for a missing, wrong or expired token.</summary>
    public int Refused => Volatile.Read(ref _refused);

    /// <summary>The server's address (<c>https://127.0.0.1:port/images/</c>).</summary>
    public Uri BaseUrl { get; }

    /// <summary>Requests answered.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>
    /// Given the request's number (1-based), the body bytes to send before the connection is cut, or a negative
    /// number to send the whole body. Null: never cut.
    /// </summary>
    public Func<int, long>? CutAfter { get; set; }

    /// <summary>Starts the server on a free loopback port.</summary>
    /// <param name="folder">The images' folder.</param>
    /// <param name="certificate">The server's certificate, with its key.</param>
    /// <returns>The running server.</returns>
    /// <param name="tokenKey">The key of the URLs' tokens; null: no token asked.</param>
    /// <param name="clock">The clock the tokens expire by (the system's by default).</param>
    public static async Task<ImageServer> StartAsync(string folder, X509Certificate2 certificate, byte[]? tokenKey = null, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(certificate);
        string root = Path.GetFullPath(folder);
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(certificate));
        });
        WebApplication app = builder.Build();
        ImageServer? server = null;
        app.MapGet("/images/{name}", (HttpContext context, string name) =>
        {
            int number = Interlocked.Increment(ref server!._requests);
            if (name.Length is 0 or > 128 || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '+')) || name.StartsWith('.'))
            {
                return Results.NotFound();
            }

            if (server._tokenKey is not null && !server.TokenHolds(name, context.Request.Query["e"], context.Request.Query["t"]))
            {
                Interlocked.Increment(ref server._refused);
                return Results.StatusCode(403);
            }

            string path = Path.Combine(root, name);
            if (!File.Exists(path))
            {
                return Results.NotFound();
            }

            long cut = server.CutAfter?.Invoke(number) ?? -1;
            if (cut >= 0)
            {
                context.Response.Body = new CuttingStream(context.Response.Body, cut, context, () => Interlocked.Increment(ref server._cuts));
            }

            return Results.File(path, "application/octet-stream", enableRangeProcessing: true);
        });
        await app.StartAsync().ConfigureAwait(false);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new ImageServer(app, new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/images/"), tokenKey?.ToArray(), clock ?? TimeProvider.System);
        return server;
    }

    /// <summary>The URL of an image in the folder.</summary>
    /// <param name="name">Its file name.</param>
    /// <returns>The URL.</returns>
    public Uri UrlOf(string name) => new(BaseUrl, Uri.EscapeDataString(name));

    /// <summary>A URL of an image that holds for <paramref name="lifetime"/> (the stand-in for a pre-signed URL).</summary>
    /// <param name="name">Its file name.</param>
    /// <param name="lifetime">How long the token holds.</param>
    /// <returns>The URL with its token (without a token key, the plain URL).</returns>
    public Uri SignedUrlOf(string name, TimeSpan lifetime)
    {
        if (_tokenKey is null)
        {
            return UrlOf(name);
        }

        long expiry = _clock.GetUtcNow().Add(lifetime).ToUnixTimeSeconds();
        return new Uri(UrlOf(name) + "?e=" + expiry.ToString(CultureInfo.InvariantCulture) + "&t=" + Token(name, expiry));
    }

    private string Token(string name, long expiry) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_tokenKey!, Encoding.UTF8.GetBytes(name + "\n" + expiry.ToString(CultureInfo.InvariantCulture))).AsSpan(0, 16));

    private bool TokenHolds(string name, string? expiry, string? token)
    {
        if (expiry is null || token is null || expiry.Length > 12 || !long.TryParse(expiry, NumberStyles.None, CultureInfo.InvariantCulture, out long e)
            || e < _clock.GetUtcNow().ToUnixTimeSeconds())
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Token(name, e)), Encoding.ASCII.GetBytes(token));
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Passes on <c>limit</c> bytes, then aborts the connection (a link cut mid-body).</summary>
    private sealed class CuttingStream(Stream inner, long limit, HttpContext context, Action cut) : Stream
    {
        private long _written;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _written; set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            long room = limit - _written;
            if (room >= buffer.Length)
            {
                _written += buffer.Length;
                await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
                return;
            }

            if (room > 0)
            {
                await inner.WriteAsync(buffer[..(int)room], cancellationToken).ConfigureAwait(false);
                await inner.FlushAsync(cancellationToken).ConfigureAwait(false);
                _written = limit;
            }

            cut();
            context.Abort();
            throw new OperationCanceledException("the link was cut");
        }
    }
}
