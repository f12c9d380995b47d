using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Tracker.Testing;

namespace Tracker.Cloud.Local.Benchmarks.Load;

/// <summary>
/// The operator's webhook endpoint inside the bench: HTTP on 127.0.0.1 and a free port, each POST judged by
/// <see cref="WebhookDelivery.TryRead"/> and, when valid, kept with the wall time its body had fully arrived. It
/// answers 204 to a valid delivery, 401 to a bad signature and 400 to anything else, so the notifier retries what was
/// refused. Stopped on dispose.
/// </summary>
public sealed class WebhookReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly string _secret;
    private readonly TimeProvider _clock;
    private readonly ConcurrentQueue<(WebhookDelivery Delivery, long ArrivedMs)> _received = new();
    private readonly ConcurrentDictionary<string, int> _refused = new(StringComparer.Ordinal);
    private readonly Task _serving;

    /// <summary>Starts listening.</summary>
    /// <param name="secret">The subscription's secret.</param>
    /// <param name="clock">The wall clock arrivals are read from (the cars' publish times are on the same one).</param>
    public WebhookReceiver(string secret, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(clock);
        _secret = secret;
        _clock = clock;
        string origin = "http://127.0.0.1:" + FreePort.OnLoopback().ToString(System.Globalization.CultureInfo.InvariantCulture);
        _listener.Prefixes.Add(origin + "/");
        _listener.Start();
        Url = origin + "/hook";
        _serving = Task.Run(ServeAsync);
    }

    /// <summary>The subscription's secret.</summary>
    public string Secret => _secret;

    /// <summary>Where the subscription points.</summary>
    public string Url { get; }

    /// <summary>Every valid delivery so far, with its arrival (UTC epoch ms), in arrival order.</summary>
    public IReadOnlyList<(WebhookDelivery Delivery, long ArrivedMs)> Received => [.. _received];

    /// <summary>Requests refused, by reason.</summary>
    public IReadOnlyDictionary<string, int> Refused => new Dictionary<string, int>(_refused, StringComparer.Ordinal);

    /// <inheritdoc />
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
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            // One task a request: the notifier may send several at once, and a slow one must not queue the rest.
            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        try
        {
            HttpListenerRequest request = context.Request;
            string? body = request.HttpMethod == "POST" ? await ReadBoundedAsync(request.InputStream).ConfigureAwait(false) : null;
            long arrivedMs = _clock.GetUtcNow().ToUnixTimeMilliseconds();
            if (WebhookDelivery.TryRead(_secret, request.Headers["X-Tracker-Delivery"], request.Headers["X-Tracker-Timestamp"], request.Headers["X-Tracker-Signature"], body, arrivedMs, out WebhookDelivery? delivery, out string problem))
            {
                _received.Enqueue((delivery!, arrivedMs));
                context.Response.StatusCode = 204;
            }
            else
            {
                _refused.AddOrUpdate(problem, 1, (_, n) => n + 1);
                context.Response.StatusCode = problem.StartsWith("signature", StringComparison.Ordinal) ? 401 : 400;
            }
        }
        catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The sender went away; it retries.
        }
        finally
        {
            try
            {
                context.Response.Close();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
            }
        }
    }

    private static async Task<string?> ReadBoundedAsync(Stream input)
    {
        byte[] buffer = new byte[WebhookDelivery.MaxBodyBytes + 1];
        int length = 0;
        int read;
        while (length < buffer.Length && (read = await input.ReadAsync(buffer.AsMemory(length)).ConfigureAwait(false)) > 0)
        {
            length += read;
        }

        if (length > WebhookDelivery.MaxBodyBytes)
        {
            return null;
        }

        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer, 0, length);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
