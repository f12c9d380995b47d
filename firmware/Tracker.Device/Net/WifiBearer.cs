using System;
using System.Device.Wifi;
using System.Threading;
using nanoFramework.Networking;
using Tracker.Device.Support;

namespace Tracker.Device.Net
{
    /// <summary>
    /// Brings up Wi-Fi (station, DHCP) for the depot and bench uplink, with nanoFramework's
    /// <c>WifiNetworkHelper</c> (System.Device.Wifi <c>NetworkHelper/WifiNetworkHelper.cs</c>).
    /// </summary>
    /// <remarks>
    /// <c>ConnectDhcp</c> stores the credentials in the device's network configuration and sets the
    /// adapter to reconnect by itself (<c>WifiReconnectionKind.Automatic</c>), so a dropped access
    /// point needs no code here: the M2Mqtt link fails, the uplink backs off, and by the time it
    /// reconnects the station is back. It does not wait for a valid date
    /// (<c>requiresDateTime: false</c>): the clock comes from GNSS or from the firmware's own SNTP
    /// client, and the uplink waits for it anyway.
    /// </remarks>
    internal static class WifiBearer
    {
        /// <summary>Connects, waiting at most <paramref name="timeoutMs"/> for an IP address.</summary>
        /// <param name="ssid">The network (config key wifi.ssid).</param>
        /// <param name="password">Its passphrase (wifi.password).</param>
        /// <param name="timeoutMs">Longest wait.</param>
        /// <returns>True when the station has an address.</returns>
        public static bool TryConnect(string ssid, string password, int timeoutMs)
        {
            CancellationTokenSource cancel = new CancellationTokenSource(timeoutMs);
            try
            {
                bool ok = WifiNetworkHelper.ConnectDhcp(ssid, password, WifiReconnectionKind.Automatic, false, 0, cancel.Token);
                if (!ok)
                {
                    Exception? cause = WifiNetworkHelper.HelperException;
                    DeviceLog.Error("wifi", String.Concat("cannot join '", ssid, "': ", cause != null ? cause.Message : "no address in time"));
                }

                return ok;
            }
            catch (Exception e)
            {
                DeviceLog.Error("wifi", String.Concat("cannot join '", ssid, "': ", e.Message));
                return false;
            }
            finally
            {
                cancel.Dispose();
            }
        }
    }
}
