using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tracker.Core.Common;
using Tracker.Core.Control;
using Tracker.HostLink;

namespace Tracker.Cloud.Local.Tests.Host;

/// <summary>
/// The update download's HTTPS reader against servers that misbehave: a server that ignores Range, answers another
/// range, declares more than it sends, fails, refuses, or sends garbage headers gives no bytes to the image, never an
/// exception, and tells a refusal (a new URL is needed) from a drop (try again).
/// </summary>
public sealed class HttpRangeSourceTests(LocalHostFixture fixture) : IClassFixture<LocalHostFixture>
{
    private static readonly byte[] Body = Enumerable.Range(0, 1000).Select(i => (byte)i).ToArray();

    [Theory]
    [InlineData("ignores-range", RangeResult.LinkDown, 0)]
    [InlineData("other-range", RangeResult.LinkDown, 0)]
    [InlineData("short-body", RangeResult.Ok, 50)]
    [InlineData("server-error", RangeResult.LinkDown, 0)]
    [InlineData("forbidden", RangeResult.Refused, 0)]
    [InlineData("gone", RangeResult.Refused, 0)]
    [InlineData("not-satisfiable", RangeResult.Refused, 0)]
    [InlineData("bad-content-range", RangeResult.LinkDown, 0)]
    [InlineData("good", RangeResult.Ok, 100)]
    public async Task AMisbehavingServer_GivesNoWrongBytes_AndNeverThrows(string behaviour, RangeResult expected, int expectedRead)
    {
        await using WebApplication app = await StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var source = new HttpRangeSource(new Uri(address + "/" + behaviour), fixture.Host.Pki.EndpointCa, TimeSpan.FromSeconds(5));
        byte[] buffer = new byte[100];

        RangeResult result = source.Read(200, buffer, 100, out int read);

        if (behaviour == "short-body")
        {
            // A cut mid-body: what arrived (if the client got any of it before the reset), never the whole range.
            Assert.NotEqual(RangeResult.Refused, result);
            Assert.InRange(read, 0, expectedRead);
        }
        else
        {
            Assert.Equal(expected, result);
            Assert.Equal(expectedRead, read);
        }

        Assert.Equal(Body.AsSpan(200, read).ToArray(), buffer.AsSpan(0, read).ToArray());
    }

    [Fact]
    public void BadArguments_AreRefused_WithoutARequest()
    {
        using var source = new HttpRangeSource(new Uri("https://127.0.0.1:1/x"), fixture.Host.Pki.EndpointCa, TimeSpan.FromSeconds(1));
        Assert.Equal(RangeResult.Refused, source.Read(-1, new byte[10], 10, out _));
        Assert.Equal(RangeResult.Refused, source.Read(0, new byte[10], 11, out _));
        Assert.Equal(RangeResult.Refused, source.Read(0, new byte[10], 0, out _));
        Assert.Equal(0, source.Requests);
        Assert.Equal(RangeResult.LinkDown, source.Read(0, new byte[10], 10, out int read)); // nothing listens on port 1
        Assert.Equal(0, read);
        Assert.Throws<ArgumentException>(() => new HttpRangeSource(new Uri("http://127.0.0.1/x"), fixture.Host.Pki.EndpointCa, TimeSpan.FromSeconds(1)));
    }

    private async Task<WebApplication> StartAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(fixture.Host.Pki.ServerCertificate)));
        WebApplication app = builder.Build();
        app.MapGet("/{behaviour}", async (HttpContext c, string behaviour) =>
        {
            switch (behaviour)
            {
                case "ignores-range":
                    await c.Response.Body.WriteAsync(Body);
                    return;
                case "other-range":
                    c.Response.StatusCode = 206;
                    c.Response.Headers.ContentRange = "bytes 0-99/1000";
                    await c.Response.Body.WriteAsync(Body.AsMemory(0, 100));
                    return;
                case "short-body":
                    c.Response.StatusCode = 206;
                    c.Response.Headers.ContentRange = "bytes 200-299/1000";
                    c.Response.ContentLength = 100;
                    await c.Response.Body.WriteAsync(Body.AsMemory(200, 50));
                    await c.Response.Body.FlushAsync();
                    c.Abort();
                    return;
                case "server-error":
                    c.Response.StatusCode = 503;
                    return;
                case "forbidden":
                    c.Response.StatusCode = 403;
                    return;
                case "gone":
                    c.Response.StatusCode = 410;
                    return;
                case "not-satisfiable":
                    c.Response.StatusCode = 416;
                    return;
                case "bad-content-range":
                    c.Response.StatusCode = 206;
                    c.Response.Headers.ContentRange = "bytes banana";
                    await c.Response.Body.WriteAsync(Body.AsMemory(200, 100));
                    return;
                default:
                    c.Response.StatusCode = 206;
                    c.Response.Headers.ContentRange = "bytes 200-299/1000";
                    await c.Response.Body.WriteAsync(Body.AsMemory(200, 100));
                    return;
            }
        });
        await app.StartAsync();
        return app;
    }
}
