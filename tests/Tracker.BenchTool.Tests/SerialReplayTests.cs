using System.Diagnostics;
using System.IO.Ports;
using System.Text;

namespace Tracker.BenchTool.Tests;

/// <summary>
/// <c>replay --to serial:</c> into one end of a socat pseudo-terminal pair, read back from the
/// other end as the board's UART would: the bytes arrive exactly and in order, and the epochs keep
/// their scaled spacing (checked loosely: this is wall-clock time on a shared machine).
/// </summary>
public class SerialReplayTests
{
    private static string DemoDrive => Path.Combine(AppContext.BaseDirectory, "samples", "demo-drive.nmea");

    [SocatFact]
    public void Replay_IntoAPseudoTerminal_DeliversTheBytesExactly_WithTheScaledGapsBetweenEpochs()
    {
        // Gaps of 1, 1, 2 and 1 s across midnight, replayed four times faster: due at 0, 0.25, 0.5, 1.0 and 1.25 s.
        string[] bursts =
        [
            "GPS logger v1\r\n" + Nmea.Rmc("235958") + Nmea.Gga("235958") + Nmea.Gsa(),
            Nmea.Rmc("235959", "\n") + Nmea.Gga("235959", "\n"),
            Nmea.Rmc("000000") + Nmea.Gsa(),
            Nmea.Gll("000002"),
            Nmea.Rmc("000003"),
        ];
        double[] dueS = [0, 0.25, 0.5, 1.0, 1.25];
        string log = Path.GetTempFileName();
        try
        {
            File.WriteAllText(log, string.Concat(bursts), Encoding.ASCII);
            using Socat pair = Socat.Start();
            using var board = new UartReader(pair.EndB);

            TimeSpan start = board.Now;
            var (code, output, error) = Run("replay", log, "--to", "serial:" + pair.EndA, "--rate", "4");

            Assert.True(code == 0, error);
            Assert.Contains("5 epochs", output, StringComparison.Ordinal);
            byte[] expected = Encoding.ASCII.GetBytes(string.Concat(bursts));
            board.WaitFor(expected.Length, TimeSpan.FromSeconds(10));
            Assert.Equal(expected, board.Bytes);

            // A burst can never arrive before its time (the replay starts after `start`); on a busy
            // machine it may arrive late, so the upper bound is loose.
            int offset = 0;
            for (int k = 0; k < bursts.Length; k++)
            {
                double at = (board.ArrivalOf(offset) - start).TotalSeconds;
                Assert.True(at >= dueS[k] - 0.005 && at <= dueS[k] + 1.0, $"burst {k} arrived {at:F3} s after the replay started; due at {dueS[k]} s");
                offset += bursts[k].Length;
            }
        }
        finally
        {
            File.Delete(log);
        }
    }

    [SocatFact]
    public void Replay_OfTheDemoDrive_AsFastAsThePortAllows_ArrivesByteForByte()
    {
        using Socat pair = Socat.Start();
        using var board = new UartReader(pair.EndB);
        byte[] expected = File.ReadAllBytes(DemoDrive);

        var (code, output, error) = Run("replay", DemoDrive, "--to", "serial:" + pair.EndA, "--baud", "115200", "--rate", "max");

        Assert.True(code == 0, error);
        Assert.StartsWith($"sent {expected.Length} bytes, 3580 lines, 600 epochs", output, StringComparison.Ordinal);
        board.WaitFor(expected.Length, TimeSpan.FromSeconds(20));
        Assert.Equal(expected, board.Bytes);
    }

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = BenchCli.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    /// <summary>Reads a pseudo-terminal end on a background thread, stamping each chunk with its arrival time.</summary>
    private sealed class UartReader : IDisposable
    {
        private readonly SerialPort _port;
        private readonly Thread _thread;
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly List<(TimeSpan At, int Offset)> _chunks = [];
        private readonly MemoryStream _bytes = new();
        private volatile bool _stop;

        public UartReader(string path)
        {
            _port = new SerialPort(path, 115200, Parity.None, 8, StopBits.One) { Handshake = Handshake.None, ReadTimeout = 100 };
            _port.Open();
            _thread = new Thread(ReadLoop) { IsBackground = true, Name = "uart-reader" };
            _thread.Start();
        }

        /// <summary>The reader's clock, which stamps the chunks.</summary>
        public TimeSpan Now => _clock.Elapsed;

        public byte[] Bytes
        {
            get
            {
                lock (_chunks)
                {
                    return _bytes.ToArray();
                }
            }
        }

        /// <summary>When the byte at <paramref name="offset"/> arrived.</summary>
        public TimeSpan ArrivalOf(int offset)
        {
            lock (_chunks)
            {
                return _chunks.Last(c => c.Offset <= offset).At;
            }
        }

        public void WaitFor(int count, TimeSpan timeout) => Poll.Until(() => Bytes.Length >= count, timeout);

        public void Dispose()
        {
            _stop = true;
            _thread.Join(TimeSpan.FromSeconds(2));
            _port.Dispose();
        }

        private void ReadLoop()
        {
            byte[] buffer = new byte[4096];
            while (!_stop)
            {
                int n;
                try
                {
                    n = _port.Read(buffer, 0, buffer.Length);
                }
                catch (TimeoutException)
                {
                    continue;
                }
                catch (Exception e) when (e is IOException or InvalidOperationException or OperationCanceledException)
                {
                    return;
                }

                lock (_chunks)
                {
                    _chunks.Add((_clock.Elapsed, (int)_bytes.Length));
                    _bytes.Write(buffer, 0, n);
                }
            }
        }
    }
}
