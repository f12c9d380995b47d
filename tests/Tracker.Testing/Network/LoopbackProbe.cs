using System.Net;
using System.Net.Sockets;

namespace Tracker.Testing;

/// <summary>Whether a server the tests started listens yet: one TCP connect to 127.0.0.1, closed at once.</summary>
public static class LoopbackProbe
{
    /// <summary>Tries one connection to <paramref name="port"/> on 127.0.0.1.</summary>
    /// <param name="port">The server's port.</param>
    /// <returns>True when it accepted the connection; false when it was refused (nothing listens yet).</returns>
    public static async Task<bool> AcceptsAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port).ConfigureAwait(false);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Tries one connection to <paramref name="port"/> on 127.0.0.1, blocking (a refusal on loopback is immediate).</summary>
    /// <param name="port">The server's port.</param>
    /// <returns>True when it accepted the connection.</returns>
    public static bool Accepts(int port) => AcceptsAsync(port).GetAwaiter().GetResult();
}
