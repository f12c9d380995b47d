using Microsoft.AspNetCore.Connections;
using MQTTnet.AspNetCore;

namespace Tracker.Cloud.Local.Broker;

/// <summary>
/// MQTTnet's connection handler behind the packet-size limit (<see cref="ConnectionGuard.LimitFrames"/>), for both the
/// cars' TLS listener and the browsers' WebSocket: a packet longer than <see cref="BrokerLimits.MaxPacketBytes"/> ends
/// the connection from its first bytes, so nothing oversized is buffered, forwarded or retained (issue 15, F1).
/// </summary>
/// <param name="mqtt">MQTTnet's handler.</param>
/// <param name="guard">The guard.</param>
public sealed class LimitedMqttConnectionHandler(MqttConnectionHandler mqtt, ConnectionGuard guard) : ConnectionHandler
{
    /// <inheritdoc />
    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed);
        Task pump = guard.LimitFrames(connection, stop.Token);
        try
        {
            await mqtt.OnConnectedAsync(connection).ConfigureAwait(false);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await pump.ConfigureAwait(false);
        }
    }
}
