using System;
using System.Text;
using Tracker.Core.Nmea;

namespace Tracker.Device.Tests
{
    /// <summary>
    /// Builds a receiver's output for a number of epochs: per second one RMC and one GGA with
    /// correct checksums, as a 1 Hz u-blox or Quectel receiver sends them (NMEA 0183 4.10).
    /// </summary>
    internal static class NmeaScript
    {
        /// <summary>The bytes of <paramref name="epochs"/> seconds of output, CRLF line endings.</summary>
        /// <param name="epochs">Number of epochs.</param>
        /// <returns>ASCII bytes.</returns>
        public static byte[] Epochs(int epochs)
        {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < epochs; i++)
            {
                int second = i % 60;
                int minute = (i / 60) % 60;
                string time = String.Concat("08", Two(minute), Two(second), ".00");

                // Latitude 48 deg 07.0380 min N plus 0.0010 min a second; longitude 011 deg 31.0000 min E.
                int latTenThousandths = 70380 + (i * 10);
                string lat = String.Concat("48", Two(latTenThousandths / 10000), ".", Four(latTenThousandths % 10000));
                int lonTenThousandths = 310000 + (i * 7);
                string lon = String.Concat("011", Two(lonTenThousandths / 10000), ".", Four(lonTenThousandths % 10000));

                Sentence(text, String.Concat(new string[] { "GPRMC,", time, ",A,", lat, ",N,", lon, ",E,022.4,084.4,010625,,,A" }));
                Sentence(text, String.Concat(new string[] { "GPGGA,", time, ",", lat, ",N,", lon, ",E,1,08,0.9,545.4,M,46.9,M,," }));
            }

            return Encoding.UTF8.GetBytes(text.ToString());
        }

        private static void Sentence(StringBuilder text, string body)
        {
            byte[] line = Encoding.UTF8.GetBytes("$" + body + "*");
            int sum = NmeaChecksum.Compute(line, line.Length - 1);
            text.Append('$');
            text.Append(body);
            text.Append('*');
            text.Append(Hex(sum >> 4));
            text.Append(Hex(sum & 0xF));
            text.Append("\r\n");
        }

        private static char Hex(int nibble)
        {
            return (char)(nibble < 10 ? '0' + nibble : 'A' + nibble - 10);
        }

        private static string Two(int value)
        {
            return value < 10 ? "0" + value.ToString() : value.ToString();
        }

        private static string Four(int value)
        {
            string s = value.ToString();
            while (s.Length < 4)
            {
                s = "0" + s;
            }

            return s;
        }
    }
}
