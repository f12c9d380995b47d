using System.Net;

namespace Tracker.Testing;

/// <summary>
/// A small HTTP server for a test (a stand-in identity provider's keys, a tile server): 127.0.0.1 and a free port, each
/// request handed to the test's handler and its response closed after, stopped on dispose.
/// </summary>
public sealed class LoopbackHttpServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<HttpListenerContext, Task> _handle;
    private readonly Task _serving;

    /// <summary>Starts serving.</summary>
    /// <param name="handle">Answers one request (status, headers, body); the response is closed after it.</param>
    public LoopbackHttpServer(Func<HttpListenerContext, Task> handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        _handle = handle;
        Origin = "http://127.0.0.1:" + FreePort.OnLoopback().ToString(System.Globalization.CultureInfo.InvariantCulture);
        _listener.Prefixes.Add(Origin + "/");
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    /// <summary>http://127.0.0.1:port, without a trailing slash.</summary>
    public string Origin { get; }

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

            try
            {
                await _handle(context).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or IOException)
            {
                // The client went away; the next request is served all the same.
            }
            finally
            {
                context.Response.Close();
            }
        }
    }
}
