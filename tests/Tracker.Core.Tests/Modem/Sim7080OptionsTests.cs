using Tracker.Core.Modem;

namespace Tracker.Core.Tests.Modem;

/// <summary>Options are validated at construction, and each failure names its setting.</summary>
public class Sim7080OptionsTests
{
    private static Sim7080Options Make(
        string apn = "iot.example",
        string? user = null,
        string? password = null,
        RadioAccess radio = RadioAccess.LteM,
        string? pin = null,
        string endpoint = "x-ats.iot.eu-west-1.amazonaws.com",
        int port = 8883,
        string ca = "ca.pem",
        string cert = "dev.crt",
        string key = "dev.key",
        int registration = 180000,
        int pdp = 60000,
        int connect = 60000,
        int publish = 20000,
        int poll = 30000) =>
        new(apn, user, password, radio, pin, endpoint, port, ca, cert, key, registration, pdp, connect, publish, poll);

    [Fact]
    public void TheShortConstructor_UsesTheDocumentedDefaults()
    {
        var o = new Sim7080Options("", RadioAccess.NbIot, "1234", "broker.local", 8883, "ca.pem", "dev.crt", "dev.key");

        Assert.Equal("", o.Apn);
        Assert.Null(o.ApnUser);
        Assert.Equal(RadioAccess.NbIot, o.Radio);
        Assert.Equal("1234", o.SimPin);
        Assert.Equal(Sim7080Options.DefaultRegistrationTimeoutMs, o.RegistrationTimeoutMs);
        Assert.Equal(Sim7080Options.DefaultConnectTimeoutMs, o.ConnectTimeoutMs);
        Assert.Equal(Sim7080Options.DefaultStatePollMs, o.StatePollMs);
    }

    public static TheoryData<string, Func<Sim7080Options>> Bad => new()
    {
        { "modem.apn", () => Make(apn: "a\"b") },
        { "modem.apn", () => Make(apn: new string('a', 101)) },
        { "modem.apnUser", () => Make(user: "") },
        { "modem.apnPassword", () => Make(password: "secret") },
        { "modem.rat", () => Make(radio: (RadioAccess)7) },
        { "modem.pin", () => Make(pin: "12") },
        { "modem.pin", () => Make(pin: "12a4") },
        { "mqtt.endpoint", () => Make(endpoint: "") },
        { "mqtt.endpoint", () => Make(endpoint: "a b") },
        { "mqtt.endpoint", () => Make(endpoint: new string('h', 247)) },
        { "mqtt.port", () => Make(port: 0) },
        { "mqtt.port", () => Make(port: 65536) },
        { "modem.caFile", () => Make(ca: "a/b.pem") },
        { "modem.certFile", () => Make(cert: "a-very-long-file-name.crt") },
        { "modem.keyFile", () => Make(key: Sim7080Options.StampFileName) },
        { "modem.keyFile", () => Make(key: "dev.crt") },
        { "modem.registrationTimeoutMs", () => Make(registration: 5000) },
        { "modem.pdpTimeoutMs", () => Make(pdp: 999_999) },
        { "modem.connectTimeoutMs", () => Make(connect: 1) },
        { "modem.publishTimeoutMs", () => Make(publish: 500) },
        { "modem.statePollMs", () => Make(poll: 10) },
    };

    [Theory]
    [MemberData(nameof(Bad))]
    public void ABadSetting_FailsFast_NamingIt(string setting, Func<Sim7080Options> make)
    {
        ArgumentException e = Assert.ThrowsAny<ArgumentException>(make);

        Assert.Contains(setting, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AStatePollOfZero_TurnsThePollOff()
    {
        Assert.Equal(0, Make(poll: 0).StatePollMs);
    }

    [Fact]
    public void Certificates_AreCopied_AndStamped()
    {
        byte[] ca = [1, 2, 3];
        var c = new ModemCertificates(ca, [4], [5]);
        ca[0] = 9;

        Assert.Equal(new byte[] { 1, 2, 3 }, c.GetCa());
        Assert.Equal(new ModemCertificates([1, 2, 3], [4], [5]).Stamp, c.Stamp);
        Assert.NotEqual(new ModemCertificates([1, 2, 3], [4], [6]).Stamp, c.Stamp);
        Assert.Throws<ArgumentException>(() => new ModemCertificates([], [4], [5]));
        Assert.Throws<ArgumentNullException>(() => new ModemCertificates(null!, [4], [5]));
    }
}
