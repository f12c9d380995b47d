using System.Net;
using System.Net.Sockets;

namespace Tracker.Testing;

/// <summary>Free ports on 127.0.0.1 for the servers tests start: tests never hard-code a listening port.</summary>
public static class FreePort
{
    /// <summary>
    /// A port that was free on 127.0.0.1 a moment ago (the system's pick for a listener on port 0, closed again). Another
    /// process may take it before the server binds it; a server that can bind port 0 itself and report the port should.
    /// </summary>
    /// <returns>The port.</returns>
    public static int OnLoopback()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
