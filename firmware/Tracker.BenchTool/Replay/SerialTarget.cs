using System.IO.Ports;
using Tracker.BenchTool.Cli;

namespace Tracker.BenchTool.Replay;

/// <summary>
/// A serial port opened for replay: 8N1 at the given baud rate, no flow control (a GNSS receiver's
/// UART has none), as System.IO.Ports configures it through termios. A path that is missing or is not
/// a terminal is a command-line error, with a message that says which.
/// </summary>
public sealed class SerialTarget : IDisposable
{
    /// <summary>The rates a UART driver accepts (termios B-constants); others are refused before opening.</summary>
    public static readonly IReadOnlyList<int> StandardBauds = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600];

    private readonly SerialPort _port;

    private SerialTarget(SerialPort port) => _port = port;

    /// <summary>The port's byte stream.</summary>
    public Stream Stream => _port.BaseStream;

    /// <summary>Opens <paramref name="path"/>, or throws a <see cref="UsageException"/> that says why it cannot.</summary>
    public static SerialTarget Open(string path, int baud)
    {
        if (!File.Exists(path))
        {
            throw new UsageException(Directory.Exists(path) ? $"serial port {path} is a directory" : $"no such serial port: {path}");
        }

        var port = new SerialPort(path, baud, Parity.None, 8, StopBits.One)
        {
            Handshake = Handshake.None,
            // A port that stops draining (a board held in reset with hardware flow control) fails the
            // replay instead of hanging it.
            WriteTimeout = 30_000,
        };
        try
        {
            port.Open();
            return new SerialTarget(port);
        }
        catch (UnauthorizedAccessException e)
        {
            // System.IO.Ports reports every failure to open or configure the device this way; the inner
            // exception holds the errno text: EACCES, or ENOTTY for a file that is not a terminal.
            port.Dispose();
            string? why = e.InnerException?.Message;
            throw new UsageException(why is null || why.Contains("ermission", StringComparison.Ordinal)
                ? $"cannot open serial port {path}: permission denied (is the user in the dialout group?)"
                : $"{path} is not a serial port: {why}");
        }
        catch (Exception e) when (e is IOException or ArgumentException or InvalidOperationException)
        {
            port.Dispose();
            throw new UsageException($"cannot open serial port {path}: {e.Message} (is it a terminal device?)");
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _port.Dispose();
}
