using System;
using System.IO.Ports;
using System.Threading;
using nanoFramework.Hardware.Esp32;
using nanoFramework.TestFramework;
using Tracker.Core.Fixes;

namespace Tracker.Device.Tests
{
    /// <summary>
    /// NMEA through the board's real UART at real baud rates, into the shared core's
    /// <see cref="NmeaFixReader"/>. Needs a loopback: a wire from the GNSS TX pin (GPIO18) to the
    /// GNSS RX pin (GPIO17, J5 pin 2) with the J5 jumper removed (see this project's README).
    /// </summary>
    /// <remarks>
    /// The script is written in chunks of 1 to 97 bytes and read back in whatever pieces the UART
    /// driver hands over, so sentences are split across reads at every possible place. The same
    /// bytes parsed straight from memory give the reference fixes: the UART path must give exactly
    /// those, with no checksum error and no broken line.
    /// </remarks>
    [TestClass]
    public class UartFramingTests
    {
        /// <summary>GNSS RX on the reference board (hardware/pinmap.json, hw.gnss.rxPin).</summary>
        private const int RxPin = 17;

        /// <summary>GNSS TX on the reference board (hw.gnss.txPin).</summary>
        private const int TxPin = 18;

        private const int Epochs = 30;

        /// <summary>Every epoch written at the baud rate comes out of the reader as the same fix it gives from memory.</summary>
        /// <param name="baud">The UART speed.</param>
        [TestMethod]
        [DataRow(9600)]
        [DataRow(38400)]
        [DataRow(115200)]
        public void Loopback_AtBaudRate_GivesTheSameFixesAsMemory(int baud)
        {
            byte[] script = NmeaScript.Epochs(Epochs);
            Fix[] expected = ParseFromMemory(script);
            Assert.AreEqual(Epochs, expected.Length, "reference fixes");

            SerialPort port = OpenLoopback(baud);
            try
            {
                NmeaFixReader reader = new NmeaFixReader();
                Fix[] got = new Fix[Epochs + 4];
                int gotCount = 0;
                byte[] chunk = new byte[128];
                int written = 0;
                int received = 0;
                uint random = 12345;
                while (written < script.Length)
                {
                    random = (random * 1103515245) + 12345;
                    int size = 1 + (int)((random >> 16) % 97);
                    if (size > script.Length - written)
                    {
                        size = script.Length - written;
                    }

                    port.Write(script, written, size);
                    written += size;
                    received += Drain(port, reader, chunk, got, ref gotCount);
                }

                // Wait for the tail: the wire time of the whole script plus a margin.
                long deadline = Environment.TickCount64 + 2000 + ((long)script.Length * 10000 / baud);
                while (received < script.Length && Environment.TickCount64 < deadline)
                {
                    int n = Drain(port, reader, chunk, got, ref gotCount);
                    received += n;
                    if (n == 0)
                    {
                        Thread.Sleep(5);
                    }
                }

                reader.Flush();
                Take(reader, got, ref gotCount);

                OutputHelper.WriteLine(String.Concat(baud.ToString(), " baud: ", received.ToString(), " of ", script.Length.ToString(), " bytes, ", gotCount.ToString(), " fixes"));
                Assert.AreEqual(script.Length, received, "every byte came back");
                Assert.AreEqual(0L, reader.Counters.ChecksumErrors, "no checksum error");
                Assert.AreEqual(0L, reader.Counters.Malformed, "no malformed sentence");
                Assert.AreEqual(expected.Length, gotCount, "one fix per epoch");
                for (int i = 0; i < expected.Length; i++)
                {
                    Assert.IsTrue(TestRoute.Same(expected[i], got[i]), "fix " + i.ToString());
                }
            }
            finally
            {
                port.Close();
                port.Dispose();
            }
        }

        /// <summary>
        /// A receiver that leaves the last sentence of its burst without a line ending: once the
        /// UART has been idle as long as the application waits (GnssReader.IdleFlushMs, 200 ms),
        /// <see cref="NmeaFixReader.Flush"/> reads it, so the last epoch keeps its GGA.
        /// </summary>
        [TestMethod]
        public void UnterminatedLastSentence_IsRead_AfterAnIdleGap()
        {
            byte[] script = NmeaScript.Epochs(3);
            int length = script.Length - 2;
            SerialPort port = OpenLoopback(9600);
            try
            {
                NmeaFixReader reader = new NmeaFixReader();
                Fix[] got = new Fix[8];
                int gotCount = 0;
                byte[] chunk = new byte[128];
                port.Write(script, 0, length);
                int received = 0;
                long deadline = Environment.TickCount64 + 2000 + ((long)length * 10000 / 9600);
                while (received < length && Environment.TickCount64 < deadline)
                {
                    int n = Drain(port, reader, chunk, got, ref gotCount);
                    received += n;
                    if (n == 0)
                    {
                        Thread.Sleep(5);
                    }
                }

                Thread.Sleep(250);
                reader.Flush();
                Take(reader, got, ref gotCount);

                Assert.AreEqual(length, received, "every byte came back");
                Assert.AreEqual(3, gotCount, "one fix per epoch");
                Assert.AreEqual(54540, got[2].AltCm, "the last GGA was read");
                Assert.AreEqual(0L, reader.Counters.MissingChecksum, "nothing cut");
            }
            finally
            {
                port.Close();
                port.Dispose();
            }
        }

        private static SerialPort OpenLoopback(int baud)
        {
            Configuration.SetPinFunction(RxPin, DeviceFunction.COM3_RX);
            Configuration.SetPinFunction(TxPin, DeviceFunction.COM3_TX);
            SerialPort port = new SerialPort("COM3", baud, Parity.None, 8, StopBits.One);
            port.ReadBufferSize = 2048;
            port.Open();
            return port;
        }

        private static int Drain(SerialPort port, NmeaFixReader reader, byte[] chunk, Fix[] got, ref int gotCount)
        {
            int available = port.BytesToRead;
            if (available == 0)
            {
                return 0;
            }

            int n = port.Read(chunk, 0, available < chunk.Length ? available : chunk.Length);
            int used = 0;
            while (used < n)
            {
                used += reader.Push(chunk, used, n - used);
                Take(reader, got, ref gotCount);
            }

            return n;
        }

        private static void Take(NmeaFixReader reader, Fix[] got, ref int gotCount)
        {
            Fix fix;
            while (reader.TryTakeFix(out fix))
            {
                if (gotCount < got.Length)
                {
                    got[gotCount] = fix;
                }

                gotCount++;
            }
        }

        private static Fix[] ParseFromMemory(byte[] script)
        {
            NmeaFixReader reader = new NmeaFixReader();
            Fix[] fixes = new Fix[Epochs + 4];
            int count = 0;
            int used = 0;
            while (used < script.Length)
            {
                used += reader.Push(script, used, script.Length - used);
                Take(reader, fixes, ref count);
            }

            reader.Flush();
            Take(reader, fixes, ref count);
            Fix[] result = new Fix[count];
            Array.Copy(fixes, result, count);
            return result;
        }
    }
}
