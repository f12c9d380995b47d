using System.IO.Ports;
using nanoFramework.Hardware.Esp32;

namespace Tracker.Device.Hardware
{
    /// <summary>
    /// Opens a UART on the pins the config names. On ESP32 nanoFramework, COMn is UART(n-1) and its
    /// pins are routed with <c>Configuration.SetPinFunction</c>, which must happen before the port
    /// is opened (nanoFramework.Hardware.Esp32 <c>Configuration.cs</c>). COM1 stays with the
    /// debugger, so the modem is on COM2 and the GNSS receiver on COM3.
    /// </summary>
    internal static class UartPorts
    {
        /// <summary>
        /// Receive buffer for both ports. The default is 256 bytes (System.IO.Ports
        /// <c>SerialPort.cs</c>); at 115200 baud that is 22 ms of data, less than one slow pass of a
        /// reader thread. 2 KB covers a modem URC burst and a GNSS replay at 115200.
        /// </summary>
        public const int ReceiveBufferBytes = 2048;

        /// <summary>Routes the pins, then opens the port at 8N1.</summary>
        /// <param name="portName">COM2 or COM3.</param>
        /// <param name="rxPin">GPIO for RX.</param>
        /// <param name="txPin">GPIO for TX, or -1 when the port only receives.</param>
        /// <param name="baud">Baud rate.</param>
        /// <returns>The open port.</returns>
        public static SerialPort Open(string portName, int rxPin, int txPin, int baud)
        {
            if (portName == "COM2")
            {
                Configuration.SetPinFunction(rxPin, DeviceFunction.COM2_RX);
                if (txPin >= 0)
                {
                    Configuration.SetPinFunction(txPin, DeviceFunction.COM2_TX);
                }
            }
            else if (portName == "COM3")
            {
                Configuration.SetPinFunction(rxPin, DeviceFunction.COM3_RX);
                if (txPin >= 0)
                {
                    Configuration.SetPinFunction(txPin, DeviceFunction.COM3_TX);
                }
            }
            else
            {
                throw new System.ArgumentException("only COM2 and COM3 are free for devices: " + portName);
            }

            SerialPort port = new SerialPort(portName, baud, Parity.None, 8, StopBits.One);
            port.ReadBufferSize = ReceiveBufferBytes;
            port.ReadTimeout = 0;
            port.Open();
            return port;
        }
    }
}
