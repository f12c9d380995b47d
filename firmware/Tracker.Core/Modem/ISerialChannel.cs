namespace Tracker.Core.Modem
{
    /// <summary>
    /// The byte transport under an <see cref="AtChannel"/>: the UART wired to the modem. On the
    /// device it wraps <c>System.IO.Ports.SerialPort</c> (115200 8N1, the LilyGO examples' setting);
    /// in tests it is a scripted modem.
    /// </summary>
    /// <remarks>
    /// Two calls, both implementable with <c>SerialPort.Write</c>, <c>SerialPort.Read</c>,
    /// <c>ReadTimeout</c> and <c>BytesToRead</c>. Neither throws for a timeout: nanoFramework's
    /// <c>SerialPort.Read</c> throws <c>TimeoutException</c> when nothing arrives, so the adapter
    /// catches it and returns 0. Any other exception (a closed port) is a programmer error and
    /// propagates.
    /// </remarks>
    public interface ISerialChannel
    {
        /// <summary>Writes bytes to the modem, all of them, in order.</summary>
        /// <param name="buffer">Source.</param>
        /// <param name="offset">Index of the first byte.</param>
        /// <param name="count">Number of bytes.</param>
        void Write(byte[] buffer, int offset, int count);

        /// <summary>
        /// Reads the bytes already received, up to <paramref name="count"/>; when none are waiting,
        /// waits up to <paramref name="timeoutMs"/> for the first one.
        /// </summary>
        /// <param name="buffer">Destination.</param>
        /// <param name="offset">Index of the first byte to fill.</param>
        /// <param name="count">Most bytes to read (at least 1).</param>
        /// <param name="timeoutMs">Longest wait for the first byte; 0 returns at once.</param>
        /// <returns>Bytes read; 0 when nothing arrived in time.</returns>
        int Read(byte[] buffer, int offset, int count, int timeoutMs);
    }
}
