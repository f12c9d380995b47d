using System.IO.Ports;
using System.Threading;
using Tracker.Core.Modem;

namespace Tracker.Device.Hardware
{
    /// <summary>
    /// <see cref="ISerialChannel"/> over a nanoFramework <see cref="SerialPort"/>: the UART wired to
    /// the SIM7080G.
    /// </summary>
    /// <remarks>
    /// Reads take only what <see cref="SerialPort.BytesToRead"/> says is waiting, so a read never
    /// blocks in native code. nanoFramework's <c>SerialPort.Read</c> throws
    /// <c>TimeoutException</c> when nothing arrives (System.IO.Ports <c>SerialPort.cs</c>), and how
    /// long it waits for a partial count is left to the native driver. When nothing is waiting,
    /// the adapter polls every 2 ms until the timeout. At 115200 baud that is at most 23 bytes
    /// behind, well inside the 2 KB receive buffer <see cref="UartPorts"/> allocates.
    /// </remarks>
    internal sealed class SerialPortChannel : ISerialChannel
    {
        private const int PollMs = 2;

        private readonly SerialPort _port;

        /// <summary>Wraps an open port.</summary>
        /// <param name="port">The modem's port, already open.</param>
        public SerialPortChannel(SerialPort port)
        {
            _port = port;
        }

        /// <inheritdoc/>
        public void Write(byte[] buffer, int offset, int count)
        {
            _port.Write(buffer, offset, count);
        }

        /// <inheritdoc/>
        public int Read(byte[] buffer, int offset, int count, int timeoutMs)
        {
            int waited = 0;
            while (true)
            {
                int available = _port.BytesToRead;
                if (available > 0)
                {
                    return _port.Read(buffer, offset, available < count ? available : count);
                }

                if (waited >= timeoutMs)
                {
                    return 0;
                }

                Thread.Sleep(PollMs);
                waited += PollMs;
            }
        }
    }
}
