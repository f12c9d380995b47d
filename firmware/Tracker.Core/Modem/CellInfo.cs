namespace Tracker.Core.Modem
{
    /// <summary>
    /// The serving cell from <c>AT+CPSI?</c> (MAN §5; field order from sim7080-mqtt-at.md §2):
    /// <c>+CPSI: LTE CAT-M1,Online,&lt;MCC&gt;-&lt;MNC&gt;,&lt;TAC&gt;,&lt;SCellID&gt;,&lt;PCellID&gt;,&lt;Band&gt;,&lt;earfcn&gt;,&lt;dlbw&gt;,&lt;ulbw&gt;,&lt;RSRQ&gt;,&lt;RSRP&gt;,&lt;RSSI&gt;,&lt;RSSNR&gt;</c>,
    /// or <c>+CPSI: NO SERVICE,Online</c>. Immutable.
    /// </summary>
    public sealed class CellInfo
    {
        /// <summary>The value of a number the modem did not report.</summary>
        public const int Unknown = int.MinValue;

        private CellInfo(string systemMode, bool online)
        {
            SystemMode = systemMode;
            Online = online;
            Mcc = Unknown;
            Mnc = Unknown;
            Tac = Unknown;
            CellId = Unknown;
            Band = string.Empty;
            Earfcn = Unknown;
            RsrqDb = Unknown;
            RsrpDbm = Unknown;
            RssiDbm = Unknown;
            SinrDb = Unknown;
        }

        /// <summary>The system mode: <c>LTE CAT-M1</c>, <c>LTE NB-IOT</c>, <c>NO SERVICE</c>...</summary>
        public string SystemMode { get; }

        /// <summary>True when the operation mode is <c>Online</c>.</summary>
        public bool Online { get; }

        /// <summary>True when the modem reports a serving LTE cell.</summary>
        public bool HasService
        {
            get { return Mcc != Unknown; }
        }

        /// <summary>Mobile country code.</summary>
        public int Mcc { get; private set; }

        /// <summary>Mobile network code.</summary>
        public int Mnc { get; private set; }

        /// <summary>Tracking area code.</summary>
        public int Tac { get; private set; }

        /// <summary>Serving cell id (E-UTRAN cell identity).</summary>
        public int CellId { get; private set; }

        /// <summary>The band, as the modem names it (<c>EUTRAN-BAND20</c>).</summary>
        public string Band { get; private set; }

        /// <summary>The EARFCN.</summary>
        public int Earfcn { get; private set; }

        /// <summary>Reference signal received quality, dB.</summary>
        public int RsrqDb { get; private set; }

        /// <summary>Reference signal received power, dBm.</summary>
        public int RsrpDbm { get; private set; }

        /// <summary>Received signal strength, dBm.</summary>
        public int RssiDbm { get; private set; }

        /// <summary>Signal to interference and noise ratio, dB: 2 × RSSNR − 20 (SIMCom's formula).</summary>
        public int SinrDb { get; private set; }

        /// <summary>Reads a <c>+CPSI</c> value. Numbers the modem leaves out or writes oddly stay <see cref="Unknown"/>.</summary>
        /// <param name="value">The text after <c>+CPSI:</c>.</param>
        /// <param name="info">The cell; a "no service" value when the modem has none.</param>
        /// <returns>False when the text does not have the two leading fields.</returns>
        public static bool TryParse(string value, out CellInfo info)
        {
            info = new CellInfo("NO SERVICE", false);
            if (value == null)
            {
                return false;
            }

            string[] f = AtText.SplitFields(value);
            if (f.Length < 2 || f[0].Length == 0)
            {
                return false;
            }

            CellInfo cell = new CellInfo(f[0], f[1] == "Online");
            if (f.Length >= 14)
            {
                int dash = f[2].IndexOf('-');
                int mcc;
                int mnc;
                if (dash > 0 && AtText.TryParseInt(f[2], 0, dash, out mcc) && AtText.TryParseInt(f[2], dash + 1, f[2].Length, out mnc))
                {
                    cell.Mcc = mcc;
                    cell.Mnc = mnc;
                }

                cell.Tac = ParseHexOrDecimal(f[3]);
                cell.CellId = Number(f[4]);
                cell.Band = f[6];
                cell.Earfcn = Number(f[7]);
                cell.RsrqDb = Number(f[10]);
                cell.RsrpDbm = Number(f[11]);
                cell.RssiDbm = Number(f[12]);
                int rssnr = Number(f[13]);
                cell.SinrDb = rssnr == Unknown ? Unknown : (2 * rssnr) - 20;
            }

            info = cell;
            return true;
        }

        private static int Number(string s)
        {
            int v;
            return AtText.TryParseInt(s, out v) ? v : Unknown;
        }

        private static int ParseHexOrDecimal(string s)
        {
            if (s.Length > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
            {
                if (s.Length > 10)
                {
                    return Unknown;
                }

                int v = 0;
                for (int i = 2; i < s.Length; i++)
                {
                    char c = s[i];
                    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
                    if (d < 0)
                    {
                        return Unknown;
                    }

                    v = (v << 4) | d;
                }

                return v;
            }

            return Number(s);
        }
    }
}
