using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;

namespace Tracker.Web.Tests;

/// <summary>
/// A stand-in online tile server on 127.0.0.1 and a free port (the CI has no internet): every
/// <c>/tiles/{z}/{x}/{y}.png</c> is one 256-pixel PNG, pale green with a darker border, so tiles are told apart from the
/// offline map. It records what was asked for. Stops on dispose.
/// </summary>
public sealed class TileServer : IDisposable
{
    private readonly byte[] _tile = Png(256, 256);
    private readonly LoopbackHttpServer _server;

    public TileServer() => _server = new LoopbackHttpServer(ServeAsync);

    /// <summary>http://127.0.0.1:port.</summary>
    public string Origin => _server.Origin;

    /// <summary>The URL template the host is told to offer.</summary>
    public string Template => Origin + "/tiles/{z}/{x}/{y}.png";

    /// <summary>Paths asked for, in order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    public void Dispose() => _server.Dispose();

    private async Task ServeAsync(HttpListenerContext context)
    {
        string path = context.Request.Url?.AbsolutePath ?? "/";
        Requests.Enqueue(path);
        HttpListenerResponse response = context.Response;
        if (path.StartsWith("/tiles/", StringComparison.Ordinal) && path.EndsWith(".png", StringComparison.Ordinal))
        {
            response.ContentType = "image/png";
            response.AddHeader("Access-Control-Allow-Origin", "*");
            await response.OutputStream.WriteAsync(_tile);
        }
        else
        {
            response.StatusCode = 404;
        }
    }

    /// <summary>A small RGB PNG (RFC 2083): signature, IHDR, one zlib IDAT of unfiltered rows, IEND.</summary>
    private static byte[] Png(int width, int height)
    {
        var rows = new MemoryStream();
        for (int y = 0; y < height; y++)
        {
            rows.WriteByte(0); // filter: none
            for (int x = 0; x < width; x++)
            {
                bool border = x < 2 || y < 2;
                rows.Write(border ? [0x6b, 0x8e, 0x23] : [0xd9, 0xef, 0xc4]);
            }
        }

        var idat = new MemoryStream();
        using (var z = new ZLibStream(idat, CompressionLevel.Optimal, leaveOpen: true))
        {
            rows.Position = 0;
            rows.CopyTo(z);
        }

        var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        byte[] header = new byte[13];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header, width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 2; // colour type: RGB
        Chunk(png, "IHDR", header);
        Chunk(png, "IDAT", idat.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        byte[] length = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        png.Write(length);
        byte[] typed = [.. System.Text.Encoding.ASCII.GetBytes(type), .. data];
        png.Write(typed);
        byte[] crc = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(crc, Tracker.Core.Common.Crc32.Compute(typed, 0, typed.Length)); // PNG's CRC is IEEE CRC-32, the wire format's
        png.Write(crc);
    }
}
