using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Tracker.Cloud.Lambda.Runtime.Tests.Support;

/// <summary>One request a stand-in received.</summary>
/// <param name="Path">The path.</param>
/// <param name="Headers">Its headers (first value each, names lower case).</param>
/// <param name="Body">Its body.</param>
public sealed record ReceivedRequest(string Path, IReadOnlyDictionary<string, string> Headers, string Body);

/// <summary>
/// What the notifier reaches, on 127.0.0.1 and a free port: a webhook receiver at <c>/hook</c> (answers
/// <see cref="HookStatus"/>) and a stand-in of SES's SendEmail at <c>/v2/email/outbound-emails</c> (answers a message
/// id). Every request is recorded; it stops with the test class.
/// </summary>
public sealed class HookReceiver : IAsyncLifetime
{
    private WebApplication? _app;

    /// <summary>http://127.0.0.1:port.</summary>
    public Uri BaseUrl { get; private set; } = new("http://127.0.0.1:0");

    /// <summary>The webhook URL.</summary>
    public Uri Hook => new(BaseUrl, "/hook");

    /// <summary>What the webhook answers.</summary>
    public int HookStatus { get; set; } = 204;

    /// <summary>Webhook requests.</summary>
    public ConcurrentQueue<ReceivedRequest> Hooks { get; } = new();

    /// <summary>SES requests.</summary>
    public ConcurrentQueue<ReceivedRequest> Emails { get; } = new();

    public async Task InitializeAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.MapPost("/hook", async (HttpContext context) =>
        {
            Hooks.Enqueue(await ReadAsync(context));
            return Results.StatusCode(HookStatus);
        });
        _app.MapPost("/v2/email/outbound-emails", async (HttpContext context) =>
        {
            Emails.Enqueue(await ReadAsync(context));
            return Results.Text("{\"MessageId\":\"0100019a-stand-in-" + Emails.Count + "\"}", "application/json");
        });
        await _app.StartAsync();
        BaseUrl = new Uri(_app.Urls.First().TrimEnd('/') + "/");
    }

    public void Clear()
    {
        Hooks.Clear();
        Emails.Clear();
        HookStatus = 204;
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private static async Task<ReceivedRequest> ReadAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        string body = await reader.ReadToEndAsync();
        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.FirstOrDefault() ?? string.Empty, StringComparer.Ordinal);
        return new ReceivedRequest(context.Request.Path.Value ?? string.Empty, headers, body);
    }
}

/// <summary>A fact that needs dynalite (skipped outside CI when it is not installed).</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class DynaliteFactAttribute : FactAttribute
{
    public DynaliteFactAttribute()
    {
        if (DynaliteServer.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
