using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Tracker.Cloud.Lambda.Runtime.Tests.Support;

/// <summary>An SQS stand-in on 127.0.0.1 and a free port: records each JSON-protocol request and answers as SendMessage does (or with <see cref="Status"/>).</summary>
public sealed class SqsStandIn : IAsyncDisposable
{
    private WebApplication? _app;

    /// <summary>http://127.0.0.1:port/.</summary>
    public Uri BaseUrl { get; private set; } = new("http://127.0.0.1:0/");

    /// <summary>What it answers.</summary>
    public int Status { get; set; } = 200;

    /// <summary>The requests.</summary>
    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    public async Task StartAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.MapPost("/", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            string body = await reader.ReadToEndAsync();
            var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.FirstOrDefault() ?? string.Empty, StringComparer.Ordinal);
            Requests.Enqueue(new ReceivedRequest(context.Request.Path.Value ?? string.Empty, headers, body));
            return Status == 200
                ? Results.Text("{\"MD5OfMessageBody\":\"0\",\"MessageId\":\"stand-in-" + Requests.Count + "\"}", "application/x-amz-json-1.0")
                : Results.Text("{\"__type\":\"com.amazonaws.sqs#InvalidParameterValue\",\"message\":\"refused by the stand-in\"}", "application/x-amz-json-1.0", statusCode: Status);
        });
        await _app.StartAsync();
        BaseUrl = new Uri(_app.Urls.First().TrimEnd('/') + "/");
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
