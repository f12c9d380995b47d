using System.Net;
using System.Security.Cryptography.X509Certificates;
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
/// tests it can cut connections mid-body (<see cref="CutAfter"/>), as a cellular link drops.
/// </summary>
public sealed class ImageServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    private ImageServer(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

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
    public static async Task<ImageServer> StartAsync(string folder, X509Certificate2 certificate)
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
            if (name.Length is 0 or > 128 || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_')) || name.StartsWith('.'))
            {
                return Results.NotFound();
            }

            string path = Path.Combine(root, name);
            if (!File.Exists(path))
            {
                return Results.NotFound();
            }

            long cut = server.CutAfter?.Invoke(number) ?? -1;
            if (cut >= 0)
            {
                context.Response.Body = new CuttingStream(context.Response.Body, cut, context);
            }

            return Results.File(path, "application/octet-stream", enableRangeProcessing: true);
        });
        await app.StartAsync().ConfigureAwait(false);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new ImageServer(app, new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/images/"));
        return server;
    }

    /// <summary>The URL of an image in the folder.</summary>
    /// <param name="name">Its file name.</param>
    /// <returns>The URL.</returns>
    public Uri UrlOf(string name) => new(BaseUrl, Uri.EscapeDataString(name));

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Passes on <c>limit</c> bytes, then aborts the connection (a link cut mid-body).</summary>
    private sealed class CuttingStream(Stream inner, long limit, HttpContext context) : Stream
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

            context.Abort();
            throw new OperationCanceledException("the link was cut");
        }
    }
}
