using System.Globalization;
using System.Text;
using Tracker.Core.Modem;

namespace Tracker.Core.Tests.Modem;

/// <summary>What the simulated modem does with the payload of the next <c>AT+SMPUB</c>.</summary>
public enum PublishFault
{
    /// <summary>Publishes it and answers OK.</summary>
    None,

    /// <summary>Takes the payload, then answers ERROR (the session stays up).</summary>
    ErrorAfterPayload,

    /// <summary>Answers OK, then the session drops at once (the state check after the OK sees 0).</summary>
    OkThenDrop,

    /// <summary>Takes the payload, loses the session, answers ERROR.</summary>
    DropThenError,

    /// <summary>Takes the payload and never answers.</summary>
    NoAnswer,
}

/// <summary>A message the simulated broker received.</summary>
public sealed record SimPublish(string Topic, byte[] Payload, int Qos, bool Retain);

/// <summary>
/// A scripted SIM7080G that follows the AT manual as digested in sim7080-mqtt-at.md: power through
/// PWRKEY, boot URCs, echo, CMEE, SIM and PIN, CFUN, saved radio settings, registration, the PDP
/// context and its URCs, the clock, the customer file system, SSL contexts and conversion, and the
/// MQTT state machine with its <c>&gt;</c> prompt. It is the serial port and the PWRKEY pin at once,
/// and it runs on a <see cref="VirtualClock"/>: a read with nothing due advances the clock.
/// </summary>
/// <remarks>
/// Faults: ERROR or +CME ERROR for chosen commands, no answer, a reboot when a command arrives or at
/// any moment (it forgets everything NO_SAVE), unsolicited disconnects (+SMSTATE: 0, +APP PDP:
/// 0,DEACTIVE), publish outcomes, URCs and garbage injected between response lines, and reads cut
/// into small chunks.
/// </remarks>
public sealed partial class Sim7080Simulator : ISerialChannel, IPowerKey
{
    private static readonly string[] HarmlessUrcs =
    [
        "*PSUTTZ: 2026,3,1,11,59,58,\"+32\",0", "DST: 0", "+CTZV: +32,0", "+CGEV: ME PDN ACT 0", "+CNETLIGHT: 1",
    ];

    private readonly List<(long Due, byte[] Data)> _out = [];
    private readonly List<(string Prefix, string Kind, string Text, int Code, int Left)> _faults = [];
    private readonly StringBuilder _cmd = new();
    private readonly Random _random;
    private int _outPos;
    private long _pressedAt = -1;
    private long _bootDoneAt;
    private long _bootedAt;
    private bool _cltsActive;

    // Data mode after a prompt.
    private int _dataNeeded = -1;
    private readonly List<byte> _data = [];
    private Action<byte[]>? _onData;

    /// <summary>Creates a modem. It is off until <see cref="PowerOnNow"/> or a PWRKEY pulse.</summary>
    public Sim7080Simulator(VirtualClock clock, int seed = 1)
    {
        Clock = clock;
        _random = new Random(seed);
    }

    /// <summary>The virtual clock.</summary>
    public VirtualClock Clock { get; }

    // ---------------------------------------------------------------- configuration

    /// <summary>Time from power-on or reboot to the boot URCs and to answering commands.</summary>
    public int BootMs { get; set; } = 4000;

    /// <summary>Auto-baud: no URCs at boot (RDY is missing while auto-baud is active, MAN §1).</summary>
    public bool AutoBaud { get; set; }

    /// <summary>Time from radio on to registration.</summary>
    public int RegisterDelayMs { get; set; } = 6000;

    /// <summary>The registration outcome: 1 home, 5 roaming, 3 denied, 2 keep searching forever.</summary>
    public int RegistrationResult { get; set; } = 1;

    /// <summary>Time from AT+CNACT=0,1 to +APP PDP: 0,ACTIVE.</summary>
    public int PdpDelayMs { get; set; } = 900;

    /// <summary>When false, AT+CNACT=0,1 answers OK but no +APP PDP URC ever comes.</summary>
    public bool PdpActivates { get; set; } = true;

    /// <summary>Time AT+SMCONN takes.</summary>
    public int ConnectDelayMs { get; set; } = 2500;

    /// <summary>Time from the end of a publish payload to OK.</summary>
    public int PublishDelayMs { get; set; } = 300;

    /// <summary>Ordinary response latency.</summary>
    public int ResponseDelayMs { get; set; } = 3;

    /// <summary>The SIM: "READY", "SIM PIN" (needs <see cref="SimPin"/>), "SIM PUK", or "NOSIM".</summary>
    public string SimInitial { get; set; } = "READY";

    /// <summary>The SIM's PIN.</summary>
    public string SimPin { get; set; } = "1234";

    /// <summary>Which SSL context AT+SMSSL=1 uses (MAN: index 1 is ctx 0; NF configures ctx 1). The other one is ignored.</summary>
    public int SmsslContext { get; set; }

    /// <summary>The broker host that "resolves"; null for any.</summary>
    public string? BrokerHost { get; set; }

    /// <summary>When true, SMCONN fails (the broker refuses, or TLS fails).</summary>
    public bool RefuseConnect { get; set; }

    /// <summary>When false, the modem does not know the SUBHEX tag (ERROR).</summary>
    public bool SupportsSubHex { get; set; } = true;

    /// <summary>When true, a dropped session is announced with +SMSTATE: 0 (not documented; uncertain on real modems).</summary>
    public bool AnnounceDrops { get; set; } = true;

    /// <summary>UTC of the network at virtual time 0.</summary>
    public long NetworkUtcAtZero { get; set; } = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    /// <summary>When false, the network sends no time (no NITZ), so AT+CLTS never sets the clock.</summary>
    public bool NetworkProvidesTime { get; set; } = true;

    /// <summary>The network's time zone in quarter hours (+8 is UTC+2).</summary>
    public int ZoneQuarters { get; set; } = 8;

    /// <summary>The CSQ rssi index.</summary>
    public int Rssi { get; set; } = 20;

    /// <summary>What the next publishes do, in order.</summary>
    public Queue<PublishFault> PublishFaults { get; } = new();

    /// <summary>Probability of a harmless URC before each response line.</summary>
    public double UrcNoise { get; set; }

    /// <summary>Probability of garbage (non-printable bytes or a junk fragment) before each response line.</summary>
    public double GarbageNoise { get; set; }

    /// <summary>Largest number of bytes one read returns.</summary>
    public int MaxChunk { get; set; } = int.MaxValue;

    /// <summary>True to return a random 1..MaxChunk bytes per read rather than as many as possible.</summary>
    public bool RandomChunks { get; set; }

    // ---------------------------------------------------------------- state (visible to tests)

    /// <summary>Powered on.</summary>
    public bool Powered { get; private set; }

    /// <summary>Boots so far (power-ons and reboots).</summary>
    public int Boots { get; private set; }

    /// <summary>Echo (ATE).</summary>
    public bool Echo { get; private set; } = true;

    /// <summary>AT+CMEE level.</summary>
    public int Cmee { get; private set; }

    /// <summary>AT+CFUN level.</summary>
    public int Cfun { get; private set; } = 1;

    /// <summary>The SIM's state now.</summary>
    public string Sim { get; private set; } = "READY";

    /// <summary>Saved: AT+CNMP (factory 2, automatic).</summary>
    public int Cnmp { get; set; } = 2;

    /// <summary>Saved: AT+CMNB (factory 3, both).</summary>
    public int Cmnb { get; set; } = 3;

    /// <summary>Saved: the APN of context 1, or null.</summary>
    public string? AttachApn { get; set; }

    /// <summary>Saved: AT+CLTS (takes effect at the next boot).</summary>
    public bool Clts { get; set; }

    /// <summary>The radio was switched off and on (AT+CFUN=0) this many times.</summary>
    public int RadioCycles { get; private set; }

    /// <summary>Time registration completes.</summary>
    public long RegisteredAt { get; private set; } = long.MaxValue;

    /// <summary>PDP context 0 is active (from the moment its +APP PDP: 0,ACTIVE URC is due).</summary>
    public bool PdpActive
    {
        get => Clock.NowMs >= _pdpActivatesAt;
        private set => _pdpActivatesAt = value ? Clock.NowMs : long.MaxValue;
    }

    /// <summary>The APN given to AT+CNCFG.</summary>
    public string? PdpApn { get; private set; }

    /// <summary>The clock was set (by the network or AT+CCLK): UTC at <see cref="_rtcSetAtMs"/>.</summary>
    public long? RtcUtc { get; private set; }

    private long _rtcSetAtMs;

    /// <summary>Files in the customer directory (saved).</summary>
    public Dictionary<string, byte[]> Files { get; } = new(StringComparer.Ordinal);

    /// <summary>CFSWFILE commands that completed.</summary>
    public int FileWrites { get; private set; }

    /// <summary>The file-system buffer is allocated (CFSINIT without CFSTERM).</summary>
    public bool CfsOpen { get; private set; }

    /// <summary>CA files converted (saved).</summary>
    public HashSet<string> ConvertedCas { get; } = new(StringComparer.Ordinal);

    /// <summary>Client certificates converted with their key (saved).</summary>
    public Dictionary<string, string> ConvertedCerts { get; } = new(StringComparer.Ordinal);

    /// <summary>NO_SAVE SSL contexts: ctx → (version, SNI).</summary>
    public Dictionary<int, (int Version, string? Sni)> SslContexts { get; } = [];

    /// <summary>NO_SAVE SMCONF settings: tag → raw value.</summary>
    public Dictionary<string, string> SmConf { get; } = new(StringComparer.Ordinal);

    /// <summary>AT+SMSSL index, CA and certificate.</summary>
    public (int Index, string Ca, string Cert)? Smssl { get; private set; }

    /// <summary>MQTT state: 0 off, 1 on.</summary>
    public int MqttState { get; private set; }

    /// <summary>Subscribed topics.</summary>
    public HashSet<string> Subscriptions { get; } = new(StringComparer.Ordinal);

    /// <summary>Every command line received, in order.</summary>
    public List<string> Commands { get; } = [];

    /// <summary>Every message published to the broker, in order.</summary>
    public List<SimPublish> Published { get; } = [];

    /// <summary>Successful SMCONNs.</summary>
    public int Connects { get; private set; }

    /// <summary>The raw bytes written while not in data mode and not part of a command (should stay 0).</summary>
    public int StrayBytes { get; private set; }

    // ---------------------------------------------------------------- faults

    /// <summary>Answers ERROR to the next <paramref name="times"/> commands starting with <paramref name="prefix"/>.</summary>
    public void Fail(string prefix, int times = 1) => _faults.Add((prefix, "error", "", 0, times));

    /// <summary>Answers +CME ERROR (formatted per AT+CMEE) to the next commands starting with <paramref name="prefix"/>.</summary>
    public void FailCme(string prefix, int code, string text, int times = 1) => _faults.Add((prefix, "cme", text, code, times));

    /// <summary>Swallows the next commands starting with <paramref name="prefix"/>: no answer at all.</summary>
    public void Mute(string prefix, int times = 1) => _faults.Add((prefix, "mute", "", 0, times));

    /// <summary>Reboots when a command starting with <paramref name="prefix"/> arrives (the command is lost).</summary>
    public void RebootOn(string prefix, int times = 1) => _faults.Add((prefix, "reboot", "", 0, times));

    /// <summary>Sends <paramref name="urc"/> between the echo and the answer of the next matching command.</summary>
    public void UrcBefore(string prefix, string urc, int times = 1) => _faults.Add((prefix, "urc", urc, 0, times));

    /// <summary>Switches the modem on now, as if it had been on for a while (booted, answering, no URCs pending).</summary>
    public void PowerOnNow()
    {
        Powered = true;
        ResetVolatile();
        Boots++;
        _bootDoneAt = Clock.NowMs;
        _bootedAt = Clock.NowMs;
        _cltsActive = Clts;
        RegisteredAt = Clock.NowMs + RegisterDelayMs;
    }

    /// <summary>Reboots now: forgets echo, CMEE, SSL contexts, SMCONF, MQTT and PDP; keeps files and saved settings.</summary>
    public void Reboot() => Reboot(clearOutput: true);

    private void Reboot(bool clearOutput)
    {
        if (clearOutput)
        {
            ClearOutput();
        }

        Powered = true;
        ResetVolatile();
        Boots++;
        _bootDoneAt = Clock.NowMs + BootMs;
        _bootedAt = _bootDoneAt;
        _cltsActive = Clts;
        RegisteredAt = _bootDoneAt + RegisterDelayMs;
        if (!AutoBaud)
        {
            Schedule(_bootDoneAt, "\r\nRDY\r\n\r\n+CFUN: 1\r\n\r\n+CPIN: " + (Sim == "NOSIM" ? "NOT INSERTED" : Sim) + "\r\n\r\nSMS Ready\r\n");
        }
    }

    /// <summary>The broker or network drops the MQTT session.</summary>
    public void DropMqtt()
    {
        if (MqttState != 0)
        {
            MqttState = 0;
            if (AnnounceDrops)
            {
                Line(0, "+SMSTATE: 0");
            }
        }
    }

    /// <summary>The network drops the bearer: +APP PDP: 0,DEACTIVE, and MQTT with it.</summary>
    public void DropPdp()
    {
        PdpActive = false;
        MqttState = 0;
        Line(0, "+APP PDP: 0,DEACTIVE");
    }

    /// <summary>A message arrives on a subscribed topic (+SMSUB URC, hex when SUBHEX is 1).</summary>
    public void Deliver(string topic, byte[] payload)
    {
        if (MqttState == 0 || !Subscriptions.Contains(topic))
        {
            return;
        }

        string body = SmConf.TryGetValue("SUBHEX", out string? hex) && hex == "1"
            ? Convert.ToHexString(payload)
            : new string([.. payload.Select(b => (char)b)]);
        Line(0, "+SMSUB: \"" + topic + "\",\"" + body + "\"");
    }

    /// <summary>Sends an arbitrary URC now.</summary>
    public void SendUrc(string urc) => Line(0, urc);

    // ---------------------------------------------------------------- ISerialChannel / IPowerKey

    /// <inheritdoc/>
    public void SetPressed(bool pressed)
    {
        if (pressed)
        {
            _pressedAt = Clock.NowMs;
            return;
        }

        if (_pressedAt < 0)
        {
            return;
        }

        long held = Clock.NowMs - _pressedAt;
        _pressedAt = -1;
        if (held < 1000)
        {
            return;
        }

        if (Powered)
        {
            Line(0, "NORMAL POWER DOWN");
            Powered = false;
            ResetVolatile();
        }
        else
        {
            Reboot();
        }
    }

    /// <inheritdoc/>
    public void Write(byte[] buffer, int offset, int count)
    {
        BytesFromHost += count;
        for (int i = offset; i < offset + count; i++)
        {
            byte b = buffer[i];
            if (!Powered || Clock.NowMs < _bootDoneAt)
            {
                continue;
            }

            if (_dataNeeded >= 0)
            {
                _data.Add(b);
                if (_data.Count == _dataNeeded)
                {
                    byte[] data = [.. _data];
                    _data.Clear();
                    _dataNeeded = -1;
                    Action<byte[]> done = _onData!;
                    _onData = null;
                    done(data);
                }

                continue;
            }

            if (b == '\r')
            {
                string line = _cmd.ToString();
                _cmd.Clear();
                if (Echo)
                {
                    Schedule(Clock.NowMs, line + "\r");
                }

                Handle(line);
            }
            else if (b == '\n')
            {
                continue;
            }
            else
            {
                _cmd.Append((char)b);
            }
        }
    }

    /// <inheritdoc/>
    public int Read(byte[] buffer, int offset, int count, int timeoutMs)
    {
        if (_out.Count == 0 || _out[0].Due > Clock.NowMs)
        {
            long until = Clock.NowMs + timeoutMs;
            if (_out.Count > 0 && _out[0].Due <= until)
            {
                Clock.AdvanceTo(_out[0].Due);
            }
            else
            {
                Clock.AdvanceTo(until);
                return 0;
            }
        }

        byte[] head = _out[0].Data;
        int max = Math.Min(count, MaxChunk);
        if (RandomChunks && max > 1)
        {
            max = _random.Next(1, max + 1);
        }

        int n = Math.Min(max, head.Length - _outPos);
        Array.Copy(head, _outPos, buffer, offset, n);
        _outPos += n;
        if (_outPos == head.Length)
        {
            _out.RemoveAt(0);
            _outPos = 0;
        }

        return n;
    }

    // ---------------------------------------------------------------- the command interpreter

    private void Handle(string line)
    {
        Commands.Add(line);
        if (line.Length == 0)
        {
            return;
        }

        if (line.Length < 2 || !line.StartsWith("AT", StringComparison.OrdinalIgnoreCase))
        {
            StrayBytes += line.Length;
            Final(false);
            return;
        }

        for (int i = 0; i < _faults.Count; i++)
        {
            var f = _faults[i];
            if (f.Left <= 0 || !line.StartsWith(f.Prefix, StringComparison.Ordinal))
            {
                continue;
            }

            _faults[i] = f with { Left = f.Left - 1 };
            switch (f.Kind)
            {
                case "error": Final(false); return;
                case "cme": Cme(f.Code, f.Text); return;
                case "mute": return;
                case "reboot": Reboot(); return;
                case "urc": Line(ResponseDelayMs, f.Text); break;
            }
        }

        string c = line[2..];
        string name = c;
        string args = "";
        int eq = c.IndexOf('=');
        if (eq >= 0)
        {
            name = c[..(eq + 1)];
            args = c[(eq + 1)..];
        }

        string[] a = Split(args);
        switch (name)
        {
            case "": Final(true); break;
            case "E0": Echo = false; Final(true); break;
            case "E1": Echo = true; Final(true); break;
            case "+CMEE=": Cmee = int.Parse(a[0], CultureInfo.InvariantCulture); Final(true); break;
            case "+CPIN?": CpinQuery(); break;
            case "+CPIN=": CpinEnter(args); break;
            case "+CFUN?": Respond("+CFUN: " + Cfun); break;
            case "+CFUN=" when a.Length > 1 && a[1] == "1":
                // AT+CFUN=1,1: full functionality after a reset (MAN §3): OK, then a reboot.
                Final(true);
                Reboot(clearOutput: false);
                break;
            case "+CFUN=": SetCfun(int.Parse(a[0], CultureInfo.InvariantCulture)); break;
            case "+CNMP?": Respond("+CNMP: " + Cnmp); break;
            case "+CNMP=": Cnmp = int.Parse(a[0], CultureInfo.InvariantCulture); Final(true); break;
            case "+CMNB?": Respond("+CMNB: " + Cmnb); break;
            case "+CMNB=": Cmnb = int.Parse(a[0], CultureInfo.InvariantCulture); Final(true); break;
            case "+CGDCONT?":
                Respond(AttachApn == null ? [] : ["+CGDCONT: 1,\"IP\",\"" + AttachApn + "\",\"0.0.0.0\",0,0,0,0"]);
                break;
            case "+CGDCONT=": AttachApn = a[2]; Final(true); break;
            case "+CLTS?": Respond("+CLTS: " + (Clts ? 1 : 0)); break;
            case "+CLTS=": Clts = a[0] == "1"; Final(true); break;
            case "+CEREG?": Respond("+CEREG: 0," + RegStat()); break;
            case "+CSQ": Respond("+CSQ: " + Rssi + ",99"); break;
            case "+CPSI?":
                Respond(IsRegistered()
                    ? "+CPSI: LTE CAT-M1,Online,262-01,0x1A2B,27447553,256,EUTRAN-BAND20,6300,3,3,-10,-95,-65,12"
                    : "+CPSI: NO SERVICE,Online");
                break;
            case "+CGMR": Respond("Revision:1951B17SIM7080"); break;
            case "+CCLK?": Respond("+CCLK: \"" + ClockText() + "\""); break;
            case "+CCLK=": SetClock(a[0]); break;
            case "+CNCFG=": PdpApn = a[2]; Final(true); break;
            case "+CNACT?":
                Respond(
                    "+CNACT: 0," + (PdpActive ? "1,\"10.94.36.44\"" : "0,\"0.0.0.0\""),
                    "+CNACT: 1,0,\"0.0.0.0\"", "+CNACT: 2,0,\"0.0.0.0\"", "+CNACT: 3,0,\"0.0.0.0\"");
                break;
            case "+CNACT=": Cnact(a); break;
            case "+CFSINIT":
                if (CfsOpen)
                {
                    Final(false);
                }
                else
                {
                    CfsOpen = true;
                    Final(true);
                }

                break;
            case "+CFSTERM": CfsOpen = false; Final(true); break;
            case "+CFSWFILE=": FileWrite(a); break;
            case "+CFSGFIS=":
                if (Files.TryGetValue(a[1], out byte[]? f1))
                {
                    Respond("+CFSGFIS: " + f1.Length);
                }
                else
                {
                    Cme(767, "operation failed");
                }

                break;
            case "+CFSRFILE=":
                if (Files.TryGetValue(a[1], out byte[]? f2))
                {
                    int size = Math.Min(int.Parse(a[3], CultureInfo.InvariantCulture), f2.Length);
                    Respond("+CFSRFILE: " + size, new string([.. f2.Take(size).Select(b => (char)b)]));
                }
                else
                {
                    Cme(767, "operation failed");
                }

                break;
            case "+CFSDFILE=": Final(Files.Remove(a[1])); break;
            case "+CSSLCFG=": Ssl(a); break;
            case "+SMDISC":
                if (MqttState != 0)
                {
                    MqttState = 0;
                    Final(true);
                }
                else
                {
                    Final(false);
                }

                break;
            case "+SMCONF=":
                if (a[0] == "SUBHEX" && !SupportsSubHex)
                {
                    Final(false);
                    break;
                }

                SmConf[a[0]] = args[(args.IndexOf(',') + 1)..];
                Final(true);
                break;
            case "+SMSSL=":
                Smssl = (int.Parse(a[0], CultureInfo.InvariantCulture), a[1], a[2]);
                Final(true);
                break;
            case "+SMCONN": SmConn(); break;
            case "+SMSTATE?": Respond("+SMSTATE: " + MqttState); break;
            case "+SMPUB=": SmPub(a); break;
            case "+SMSUB=":
                if (MqttState == 0)
                {
                    Final(false);
                }
                else
                {
                    Subscriptions.Add(a[0]);
                    Final(true, 400);
                }

                break;
            case "+CPOWD=":
                Line(ResponseDelayMs, "NORMAL POWER DOWN");
                Powered = false;
                ResetVolatile();
                break;
            case "+SHCONF=": ShConf(a); break;
            case "+SHSSL=": ShSsl(a); break;
            case "+SHCONN": ShConn(); break;
            case "+SHSTATE?": Respond("+SHSTATE: " + (ShConnected ? 1 : 0)); break;
            case "+SHDISC": ShDisc(); break;
            case "+SHCHEAD": ShHeaders.Clear(); Final(true); break;
            case "+SHAHEAD=": ShHeaders[a[0]] = a[1]; Final(true); break;
            case "+SHREQ=": ShReq(a); break;
            case "+SHREAD=": ShRead(a); break;
            default: Final(false); break;
        }
    }

    private void CpinQuery()
    {
        if (Sim == "NOSIM")
        {
            Cme(10, "SIM not inserted");
        }
        else
        {
            Respond("+CPIN: " + Sim);
        }
    }

    private void CpinEnter(string args)
    {
        if (Sim != "SIM PIN")
        {
            Cme(3, "operation not allowed");
            return;
        }

        if (args.Trim('"') == SimPin)
        {
            Sim = "READY";
            Final(true);
            Line(200, "+CPIN: READY");
            Line(0, "SMS Ready");
        }
        else
        {
            Cme(16, "incorrect password");
        }
    }

    private void SetCfun(int fun)
    {
        if (fun == 0)
        {
            RadioCycles++;
            Cfun = 0;
            PdpActive = false;
            MqttState = 0;
            RegisteredAt = long.MaxValue;
            Final(true, 500);
            return;
        }

        bool wasOff = Cfun != 1;
        Cfun = 1;
        Final(true, 500);
        if (wasOff)
        {
            RegisteredAt = Clock.NowMs + RegisterDelayMs;
            Line(300, "+CPIN: " + (Sim == "NOSIM" ? "NOT INSERTED" : Sim));
        }
    }

    private void SetClock(string text)
    {
        if (!TryParseLocal(text, out DateTimeOffset t))
        {
            Final(false);
            return;
        }

        RtcUtc = t.ToUnixTimeMilliseconds();
        _rtcSetAtMs = Clock.NowMs;
        Final(true);
    }

    private void Cnact(string[] a)
    {
        if (a[0] != "0")
        {
            Final(false);
            return;
        }

        if (a[1] == "0")
        {
            bool was = PdpActive;
            PdpActive = false;
            MqttState = 0;
            Final(true);
            if (was)
            {
                Line(200, "+APP PDP: 0,DEACTIVE");
            }

            return;
        }

        if (!IsRegistered() || PdpActive || PdpApn == null)
        {
            Final(false);
            return;
        }

        Final(true);
        if (PdpActivates)
        {
            Line(PdpDelayMs, "+APP PDP: 0,ACTIVE");
            _pdpActivatesAt = Clock.NowMs + PdpDelayMs;
        }
    }

    private long _pdpActivatesAt = long.MaxValue;

    private void FileWrite(string[] a)
    {
        if (!CfsOpen || a.Length < 5 || a[0] != "3")
        {
            Final(false);
            return;
        }

        string name = a[1];
        int mode = int.Parse(a[2], CultureInfo.InvariantCulture);
        int size = int.Parse(a[3], CultureInfo.InvariantCulture);
        if (size < 1 || size > 10240 || name.Length > 230 || (mode == 1 && !Files.ContainsKey(name)))
        {
            Final(false);
            return;
        }

        Line(ResponseDelayMs, "DOWNLOAD");
        _dataNeeded = size;
        _onData = data =>
        {
            Files[name] = mode == 0 ? data : [.. Files[name], .. data];
            FileWrites++;
            Final(true, 50);
        };
    }

    private void Ssl(string[] a)
    {
        switch (a[0])
        {
            case "SSLVERSION":
                int ctx = int.Parse(a[1], CultureInfo.InvariantCulture);
                SslContexts[ctx] = (int.Parse(a[2], CultureInfo.InvariantCulture), SslContexts.GetValueOrDefault(ctx).Sni);
                Final(true);
                break;
            case "SNI":
                int c2 = int.Parse(a[1], CultureInfo.InvariantCulture);
                SslContexts[c2] = (SslContexts.GetValueOrDefault(c2).Version, a[2]);
                Final(true);
                break;
            case "CONVERT" when a[1] == "2":
                if (Files.TryGetValue(a[2], out byte[]? ca) && Text(ca).StartsWith("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
                {
                    ConvertedCas.Add(a[2]);
                    Final(true, 300);
                }
                else
                {
                    Final(false, 300);
                }

                break;
            case "CONVERT" when a[1] == "1" && a.Length >= 4:
                if (Files.TryGetValue(a[2], out byte[]? cert) && Files.TryGetValue(a[3], out byte[]? key)
                    && Text(cert).StartsWith("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal)
                    && Text(key).Contains("PRIVATE KEY", StringComparison.Ordinal))
                {
                    ConvertedCerts[a[2]] = a[3];
                    Final(true, 300);
                }
                else
                {
                    Final(false, 300);
                }

                break;
            default: Final(false); break;
        }
    }

    private void SmConn()
    {
        if (MqttState != 0)
        {
            Final(false);
            return;
        }

        bool ok = !RefuseConnect && PdpActive && SmConf.ContainsKey("CLIENTID") && SmConf.TryGetValue("URL", out string? url);
        if (ok)
        {
            string host = Split(SmConf["URL"])[0];
            var ctx = SslContexts.GetValueOrDefault(SmsslContext);
            ok = (BrokerHost == null || host == BrokerHost)
                && Smssl is { } s && s.Index == 1
                && ctx.Version == 3 && ctx.Sni == host
                && ConvertedCas.Contains(s.Ca) && ConvertedCerts.ContainsKey(s.Cert)
                && ClockIsValid();
        }

        if (ok)
        {
            MqttState = 1;
            Connects++;
        }

        Final(ok, ConnectDelayMs);
    }

    private void SmPub(string[] a)
    {
        int len = int.Parse(a[1], CultureInfo.InvariantCulture);
        if (MqttState == 0 || len < 0 || len > 1024 || a[0].Length > 128)
        {
            Final(false);
            return;
        }

        string topic = a[0];
        int qos = int.Parse(a[2], CultureInfo.InvariantCulture);
        bool retain = a[3] == "1";
        Schedule(Clock.NowMs + ResponseDelayMs, "\r\n> ");
        _dataNeeded = len;
        _onData = data =>
        {
            PublishFault fault = PublishFaults.Count > 0 ? PublishFaults.Dequeue() : PublishFault.None;
            switch (fault)
            {
                case PublishFault.None:
                    Published.Add(new SimPublish(topic, data, qos, retain));
                    Final(true, PublishDelayMs);
                    break;
                case PublishFault.ErrorAfterPayload:
                    Final(false, PublishDelayMs);
                    break;
                case PublishFault.OkThenDrop:
                    Published.Add(new SimPublish(topic, data, qos, retain));
                    Final(true, PublishDelayMs);
                    MqttState = 0;
                    if (AnnounceDrops)
                    {
                        Line(0, "+SMSTATE: 0");
                    }

                    break;
                case PublishFault.DropThenError:
                    MqttState = 0;
                    Final(false, PublishDelayMs);
                    break;
                case PublishFault.NoAnswer:
                    break;
            }
        };

        if (len == 0)
        {
            byte[] none = [];
            _dataNeeded = -1;
            Action<byte[]> done = _onData;
            _onData = null;
            done(none);
        }
    }

    // ---------------------------------------------------------------- helpers

    private bool IsRegistered() => Cfun == 1 && Sim == "READY" && Clock.NowMs >= RegisteredAt && (RegistrationResult == 1 || RegistrationResult == 5);

    private int RegStat()
    {
        if (Cfun != 1 || Sim != "READY")
        {
            return 0;
        }

        return Clock.NowMs < RegisteredAt ? 2 : RegistrationResult;
    }

    private bool ClockIsValid() => CurrentUtc() is { } t && t >= new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    /// <summary>The RTC as UTC, or null while it shows the unsynchronised 1980 default.</summary>
    private long? CurrentUtc()
    {
        if (RtcUtc is { } set)
        {
            return set + (Clock.NowMs - _rtcSetAtMs);
        }

        if (_cltsActive && NetworkProvidesTime && Clock.NowMs >= RegisteredAt && RegisteredAt != long.MaxValue && RegistrationResult is 1 or 5)
        {
            return NetworkUtcAtZero + Clock.NowMs;
        }

        return null;
    }

    private string ClockText()
    {
        if (CurrentUtc() is { } utc)
        {
            bool network = RtcUtc == null;
            int zone = network ? ZoneQuarters : 0;
            DateTimeOffset local = DateTimeOffset.FromUnixTimeMilliseconds(utc).ToOffset(TimeSpan.FromMinutes(zone * 15));
            return local.ToString("yy/MM/dd,HH:mm:ss", CultureInfo.InvariantCulture) + (zone < 0 ? "-" : "+") + Math.Abs(zone).ToString("00", CultureInfo.InvariantCulture);
        }

        long since = (Clock.NowMs - _bootedAt) / 1000;
        var t = new DateTime(1980, 1, 6, 0, 0, 0, DateTimeKind.Utc).AddSeconds(Math.Max(0, since));
        return t.ToString("yy/MM/dd,HH:mm:ss", CultureInfo.InvariantCulture) + "+00";
    }

    private static bool TryParseLocal(string text, out DateTimeOffset utc)
    {
        utc = default;
        if (text.Length != 20)
        {
            return false;
        }

        if (!DateTime.TryParseExact(text[..17], "yy/MM/dd,HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTime local))
        {
            return false;
        }

        int zone = int.Parse(text[17..], CultureInfo.InvariantCulture);
        utc = new DateTimeOffset(local, TimeSpan.Zero).AddMinutes(-zone * 15);
        return true;
    }

    private void ResetVolatile()
    {
        Echo = true;
        Cmee = 0;
        Cfun = 1;
        Sim = SimInitial;
        PdpActive = false;
        PdpApn = null;
        CfsOpen = false;
        SslContexts.Clear();
        SmConf.Clear();
        Smssl = null;
        MqttState = 0;
        Subscriptions.Clear();
        _dataNeeded = -1;
        _data.Clear();
        _onData = null;
        _cmd.Clear();
        RegisteredAt = long.MaxValue;
        _pdpActivatesAt = long.MaxValue;
        ResetHttp();
    }

    private void ClearOutput()
    {
        _out.Clear();
        _outPos = 0;
    }

    private static string Text(byte[] b) => new([.. b.Select(x => (char)x)]);

    /// <summary>Splits AT arguments at commas outside quotes and removes the quotes.</summary>
    private static string[] Split(string args)
    {
        var fields = new List<string>();
        var cur = new StringBuilder();
        bool q = false;
        foreach (char ch in args)
        {
            if (ch == '"')
            {
                q = !q;
            }
            else if (ch == ',' && !q)
            {
                fields.Add(cur.ToString());
                cur.Clear();
            }
            else
            {
                cur.Append(ch);
            }
        }

        fields.Add(cur.ToString());
        return [.. fields];
    }

    private void Respond(params string[] lines)
    {
        foreach (string l in lines)
        {
            Line(ResponseDelayMs, l);
        }

        Final(true);
    }

    private void Final(bool ok, int delayMs = -1) => Line(delayMs < 0 ? ResponseDelayMs : delayMs, ok ? "OK" : "ERROR");

    private void Cme(int code, string text) => Line(
        ResponseDelayMs,
        Cmee switch
        {
            0 => "ERROR",
            1 => "+CME ERROR: " + code.ToString(CultureInfo.InvariantCulture),
            _ => "+CME ERROR: " + text,
        });

    /// <summary>Sends one framed line (CR LF text CR LF), possibly preceded by noise.</summary>
    private void Line(int delayMs, string text)
    {
        long due = Clock.NowMs + delayMs;
        if (UrcNoise > 0 && _random.NextDouble() < UrcNoise)
        {
            Schedule(due, "\r\n" + HarmlessUrcs[_random.Next(HarmlessUrcs.Length)] + "\r\n");
        }

        if (GarbageNoise > 0 && _random.NextDouble() < GarbageNoise)
        {
            Schedule(due, Garbage());
        }

        Schedule(due, "\r\n" + text + "\r\n");
    }

    /// <summary>Line noise: non-printable bytes, or a junk fragment that the next CR LF ends.</summary>
    private byte[] Garbage()
    {
        int n = _random.Next(1, 12);
        var bytes = new byte[n];
        bool printable = _random.Next(2) == 0;
        const string junk = "abcdefghijklmnopqrstuvwxyz0123456789#%&~";
        for (int i = 0; i < n; i++)
        {
            bytes[i] = printable ? (byte)junk[_random.Next(junk.Length)] : (byte)(_random.Next(2) == 0 ? _random.Next(0, 9) : _random.Next(0x80, 0x100));
        }

        return bytes;
    }

    private void Schedule(long due, string text) => Schedule(due, text.Select(c => (byte)c).ToArray());

    private void Schedule(long due, byte[] data)
    {
        BytesToHost += data.Length;
        long at = Math.Max(due, _out.Count > 0 ? _out[^1].Due : 0);
        _out.Add((at, data));
    }
}
