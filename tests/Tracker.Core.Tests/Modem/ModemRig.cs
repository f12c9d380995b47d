using System.Text;
using Tracker.Core.Modem;
using Tracker.Core.Time;
using Tracker.Core.Uplink;

namespace Tracker.Core.Tests.Modem;

/// <summary>A device clock for the link: valid unless told otherwise.</summary>
public sealed class TestWallClock(VirtualClock clock) : IWallClock
{
    /// <summary>UTC at virtual time 0.</summary>
    public long UtcAtZero { get; set; } = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    /// <inheritdoc/>
    public bool IsValid { get; set; } = true;

    /// <inheritdoc/>
    public long UtcNowMs => UtcAtZero + clock.NowMs;
}

/// <summary>The simulated modem, the channel, the driver and the link, wired as the device wires them.</summary>
public sealed class ModemRig
{
    public const string Endpoint = "a1b2c3d4e5-ats.iot.eu-west-1.amazonaws.com";
    public const string ClientId = "car-42";
    public const string WillTopic = "cars/car-42/status";

    public ModemRig(
        bool poweredOn = true,
        int seed = 1,
        string? pin = null,
        RadioAccess radio = RadioAccess.LteM,
        ModemCertificates? certificates = null,
        Action<Sim7080Simulator>? setup = null,
        int registrationTimeoutMs = 60000,
        int statePollMs = 30000)
    {
        Clock = new VirtualClock();
        // Network time already on (a modem that was set up before); tests of the first set-up turn it off.
        Sim = new Sim7080Simulator(Clock, seed) { BrokerHost = Endpoint, Clts = true };
        setup?.Invoke(Sim);
        if (poweredOn)
        {
            Sim.PowerOnNow();
        }

        Options = new Sim7080Options(
            "iot.example", null, null, radio, pin, Endpoint, 8883, "ca.pem", "dev.crt", "dev.key",
            registrationTimeoutMs, 30000, 60000, 20000, statePollMs);
        Channel = new AtChannel(Sim, Clock);
        Driver = new Sim7080Modem(Channel, Sim, Options);
        Certificates = certificates ?? MakeCertificates();
        Wall = new TestWallClock(Clock);
        Link = new Sim7080MqttLink(Driver, Certificates, Wall);
    }

    public VirtualClock Clock { get; }

    public Sim7080Simulator Sim { get; }

    public Sim7080Options Options { get; }

    public AtChannel Channel { get; }

    public Sim7080Modem Driver { get; }

    public ModemCertificates Certificates { get; }

    public TestWallClock Wall { get; }

    public Sim7080MqttLink Link { get; }

    /// <summary>Connect options with a text will (the modem can only carry text).</summary>
    public static MqttConnectOptions ConnectOptions(byte[]? will = null) =>
        new(ClientId, 60, WillTopic, will ?? Encoding.ASCII.GetBytes("offline"), true);

    /// <summary>A CA large enough to need two CFSWFILE chunks, and a small certificate and key.</summary>
    public static ModemCertificates MakeCertificates(int caBytes = 12345, char fill = 'A') =>
        new(Pem("CERTIFICATE", caBytes, fill), Pem("CERTIFICATE", 1200, 'B'), Pem("EC PRIVATE KEY", 230, 'C'));

    public static byte[] Pem(string label, int size, char fill)
    {
        string head = "-----BEGIN " + label + "-----\n";
        string tail = "\n-----END " + label + "-----\n";
        var body = new StringBuilder();
        while (head.Length + body.Length + tail.Length < size)
        {
            body.Append(body.Length % 65 == 64 ? '\n' : fill);
        }

        return Encoding.ASCII.GetBytes(head + body + tail);
    }

    /// <summary>Connects and asserts it worked.</summary>
    public void ConnectOk()
    {
        LinkResult r = Link.Connect(ConnectOptions());
        Assert.True(r == LinkResult.Ok, "connect: " + r + " / " + Driver.LastFailure);
        Assert.True(Link.IsConnected);
    }

    /// <summary>Commands the simulator received from index <paramref name="from"/> on.</summary>
    public List<string> CommandsSince(int from) => Sim.Commands.Skip(from).ToList();

    /// <summary>Lets virtual time pass with the line idle (the modem may send URCs meanwhile).</summary>
    public void Idle(int ms) => Clock.Sleep(ms);
}
