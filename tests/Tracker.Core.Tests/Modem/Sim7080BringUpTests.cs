using System.Text;
using Tracker.Core.Modem;
using Tracker.Core.Uplink;

namespace Tracker.Core.Tests.Modem;

/// <summary>Bring-up against the simulated SIM7080G: power, SIM, radio, registration, PDP, time, files, TLS, MQTT.</summary>
public class Sim7080BringUpTests
{
    /// <summary>Asserts that <paramref name="expected"/> appear in <paramref name="actual"/> in this order (others may come between).</summary>
    private static void AssertInOrder(IReadOnlyList<string> actual, params string[] expected)
    {
        int at = 0;
        foreach (string e in expected)
        {
            bool prefix = e.EndsWith('*');
            string want = prefix ? e[..^1] : e;
            while (at < actual.Count && !(prefix ? actual[at].StartsWith(want, StringComparison.Ordinal) : actual[at] == want))
            {
                at++;
            }

            Assert.True(at < actual.Count, "missing or out of order: " + e + "\nsent:\n" + string.Join("\n", actual));
            at++;
        }
    }

    [Fact]
    public void FromPoweredOff_TheFullSequence_RunsInTheManualsOrder_AndConnects()
    {
        var rig = new ModemRig(poweredOn: false, setup: s => s.Clts = false);

        rig.ConnectOk();

        const string ep = "\"" + ModemRig.Endpoint + "\"";
        AssertInOrder(
            rig.Sim.Commands,
            "AT",
            "ATE0",
            "AT+CMEE=2",
            "AT+CPIN?",
            "AT+CNMP?",
            "AT+CMNB?",
            "AT+CGDCONT?",
            "AT+CFUN=0",
            "AT+CNMP=38",
            "AT+CMNB=1",
            "AT+CGDCONT=1,\"IP\",\"iot.example\"",
            "AT+CFUN=1",
            "AT+CLTS?",
            "AT+CLTS=1",
            "AT+CFUN=1,1",
            "AT",
            "ATE0",
            "AT+CMEE=2",
            "AT+CPIN?",
            "AT+CLTS?",
            "AT+CFSINIT",
            "AT+CFSGFIS=3,\"trkcerts.id\"",
            "AT+CFSWFILE=3,\"ca.pem\",0,10000,10000",
            "AT+CFSWFILE=3,\"ca.pem\",1,2345,10000",
            "AT+CFSWFILE=3,\"dev.crt\",0,1200,10000",
            "AT+CFSWFILE=3,\"dev.key\",0,230,10000",
            "AT+CFSWFILE=3,\"trkcerts.id\",0," + rig.Certificates.Stamp.Length + ",10000",
            "AT+CFSTERM",
            "AT+CSSLCFG=\"SSLVERSION\",0,3",
            "AT+CSSLCFG=\"SNI\",0," + ep,
            "AT+CSSLCFG=\"SSLVERSION\",1,3",
            "AT+CSSLCFG=\"SNI\",1," + ep,
            "AT+CSSLCFG=\"CONVERT\",2,\"ca.pem\"",
            "AT+CSSLCFG=\"CONVERT\",1,\"dev.crt\",\"dev.key\"",
            "AT+CEREG?",
            "AT+CNACT?",
            "AT+CNCFG=0,1,\"iot.example\"",
            "AT+CNACT=0,1",
            "AT+CCLK?",
            "AT+SMDISC",
            "AT+SMCONF=\"URL\"," + ep + ",8883",
            "AT+SMCONF=\"CLIENTID\",\"car-42\"",
            "AT+SMCONF=\"KEEPTIME\",60",
            "AT+SMCONF=\"CLEANSS\",1",
            "AT+SMCONF=\"TOPIC\",\"cars/car-42/status\"",
            "AT+SMCONF=\"MESSAGE\",\"offline\"",
            "AT+SMCONF=\"QOS\",1",
            "AT+SMCONF=\"RETAIN\",0",
            "AT+SMCONF=\"SUBHEX\",1",
            "AT+SMSSL=1,\"ca.pem\",\"dev.crt\"",
            "AT+SMCONN",
            "AT+SMSTATE?");

        // Powered on once, restarted once so that AT+CLTS=1 takes effect; the network then set the clock.
        Assert.Equal(2, rig.Sim.Boots);
        Assert.DoesNotContain(rig.Sim.Commands, c => c.StartsWith("AT+CCLK=", StringComparison.Ordinal));
        Assert.Equal(rig.Certificates.GetCa(), rig.Sim.Files["ca.pem"]);
        Assert.Equal(rig.Certificates.GetCertificate(), rig.Sim.Files["dev.crt"]);
        Assert.Equal(rig.Certificates.GetKey(), rig.Sim.Files["dev.key"]);
        Assert.Equal((3, ModemRig.Endpoint), rig.Sim.SslContexts[0]);
        Assert.Equal((3, ModemRig.Endpoint), rig.Sim.SslContexts[1]);
        Assert.Equal("10.94.36.44", rig.Driver.IpAddress);
        Assert.Equal(RegistrationStatus.Home, rig.Driver.Registration);
        Assert.Equal(-74, rig.Driver.SignalDbm);
        Assert.Equal("1951B17SIM7080", rig.Driver.FirmwareVersion);
        Assert.True(rig.Driver.CertificatesWritten);
        Assert.Equal(0, rig.Driver.RestartsDetected);
        Assert.Equal(0, rig.Sim.StrayBytes);

        // Virtual time only: boot, one radio cycle, registration, PDP and SMCONN, well inside a minute.
        Assert.InRange(rig.Clock.NowMs, 10_000, 60_000);
    }

    [Fact]
    public void AModemAlreadyOn_IsNotPulsed()
    {
        var rig = new ModemRig(poweredOn: true);

        rig.ConnectOk();

        Assert.Equal(1, rig.Sim.Boots);
        Assert.Equal("AT", rig.Sim.Commands[0]);
        Assert.Equal("ATE0", rig.Sim.Commands[1]);
    }

    [Fact]
    public void AModemThatNeverAnswers_IsPulsedTwice_ThenNotResponding()
    {
        var rig = new ModemRig(poweredOn: false, setup: s => s.BootMs = 10_000_000);

        Assert.Equal(LinkResult.NetworkDown, rig.Link.Connect(ModemRig.ConnectOptions()));

        Assert.Equal(ModemResult.NotResponding, rig.Link.LastModemResult);
        Assert.False(rig.Sim.Powered); // on with the first pulse, off with the second
        Assert.Equal(1, rig.Sim.Boots);
        Assert.InRange(rig.Clock.NowMs, 2 * Sim7080Timing.BootTimeoutMs, (2 * Sim7080Timing.BootTimeoutMs) + 10_000);
    }

    [Fact]
    public void SavedRadioSettings_AreNotRewritten_AndTheRadioIsNotCycled()
    {
        var rig = new ModemRig(setup: s =>
        {
            s.Cnmp = 38;
            s.Cmnb = 1;
            s.AttachApn = "IOT.EXAMPLE";
        });

        rig.ConnectOk();

        Assert.Equal(0, rig.Sim.RadioCycles);
        Assert.DoesNotContain(rig.Sim.Commands, c => c.StartsWith("AT+CNMP=", StringComparison.Ordinal) || c.StartsWith("AT+CFUN=", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(RadioAccess.NbIot, "AT+CMNB=2")]
    [InlineData(RadioAccess.Both, "AT+CMNB=3")]
    public void TheRadioOption_SelectsCmnb(RadioAccess radio, string expected)
    {
        var rig = new ModemRig(radio: radio, setup: s => s.Cmnb = 1);

        rig.ConnectOk();

        Assert.Single(rig.Sim.Commands, expected);
    }

    [Fact]
    public void ASimPin_IsEnteredOnce_WhenConfigured()
    {
        var rig = new ModemRig(pin: "1234", setup: s => s.SimInitial = "SIM PIN");

        rig.ConnectOk();

        Assert.Single(rig.Sim.Commands, "AT+CPIN=1234");
    }

    [Fact]
    public void ASimPin_WithoutAConfiguredPin_IsSimPinRequired()
    {
        var rig = new ModemRig(setup: s => s.SimInitial = "SIM PIN");

        Assert.Equal(LinkResult.NetworkDown, rig.Link.Connect(ModemRig.ConnectOptions()));
        Assert.Equal(ModemResult.SimPinRequired, rig.Link.LastModemResult);
        Assert.Contains("modem.pin", rig.Driver.LastFailure, StringComparison.Ordinal);
    }

    [Fact]
    public void AWrongPin_IsNeverTriedTwice_SoTheSimDoesNotLock()
    {
        var rig = new ModemRig(pin: "0000", setup: s => s.SimInitial = "SIM PIN");

        Assert.Equal(LinkResult.NetworkDown, rig.Link.Connect(ModemRig.ConnectOptions()));
        Assert.Equal(LinkResult.NetworkDown, rig.Link.Connect(ModemRig.ConnectOptions()));
        Assert.Equal(LinkResult.NetworkDown, rig.Link.Connect(ModemRig.ConnectOptions()));

        Assert.Equal(ModemResult.SimPinRejected, rig.Link.LastModemResult);
        Assert.Single(rig.Sim.Commands, "AT+CPIN=0000");
    }

    [Theory]
    [InlineData("SIM PUK", ModemResult.SimPukRequired)]
    [InlineData("NOSIM", ModemResult.NoSim)]
    public void AnUnusableSim_IsReported(string sim, ModemResult expected)
    {
        var rig = new ModemRig(setup: s => s.SimInitial = sim);

        Assert.Equal(LinkResult.NetworkDown, rig.Link.Connect(ModemRig.ConnectOptions()));
        Assert.Equal(expected, rig.Link.LastModemResult);
    }

    [Fact]
    public void ABusySim_IsWaitedFor()
    {
        var rig = new ModemRig();
        rig.Sim.FailCme("AT+CPIN?", 14, "SIM busy", times: 3);

        rig.ConnectOk();

        Assert.Equal(4, rig.Sim.Commands.Count(c => c == "AT+CPIN?"));
    }

    [Fact]
    public void RegistrationDenied_FailsAtOnce()
    {
        var rig = new ModemRig(setup: s => s.RegistrationResult = 3);

        Assert.Equal(LinkResult.NetworkDown, rig.Link.Connect(ModemRig.ConnectOptions()));

        Assert.Equal(ModemResult.RegistrationDenied, rig.Link.LastModemResult);
        Assert.Equal(RegistrationStatus.Denied, rig.Driver.Registration);
        Assert.True(rig.Clock.NowMs < 30_000);
    }

    [Fact]
    public void Roaming_IsAccepted()
    {
        var rig = new ModemRig(setup: s => s.RegistrationResult = 5);

        rig.ConnectOk();

        Assert.Equal(RegistrationStatus.Roaming, rig.Driver.Registration);
    }

    [Fact]
    public void NoRegistration_FailsAtTheDeadline_ByPollingCereg()
    {
        var rig = new ModemRig(setup: s => s.RegistrationResult = 2, registrationTimeoutMs: 60_000);

        Assert.Equal(LinkResult.NetworkDown, rig.Link.Connect(ModemRig.ConnectOptions()));

        Assert.Equal(ModemResult.NotRegistered, rig.Link.LastModemResult);
        int polls = rig.Sim.Commands.Count(c => c == "AT+CEREG?");
        Assert.InRange(polls, 25, 31); // every 2 s for 60 s
        Assert.InRange(rig.Clock.NowMs, 60_000, 75_000);
    }

    [Fact]
    public void APdpUrcThatNeverComes_IsPdpFailed_AfterItsDeadline()
    {
        var rig = new ModemRig(setup: s => s.PdpActivates = false);

        Assert.Equal(LinkResult.NetworkDown, rig.Link.Connect(ModemRig.ConnectOptions()));

        Assert.Equal(ModemResult.PdpFailed, rig.Link.LastModemResult);
        Assert.Contains("+APP PDP", rig.Driver.LastFailure, StringComparison.Ordinal);
    }

    [Fact]
    public void AnActivePdp_IsReused()
    {
        var rig = new ModemRig();
        rig.ConnectOk();
        rig.Link.Disconnect();
        int from = rig.Sim.Commands.Count;

        rig.ConnectOk();

        List<string> again = rig.CommandsSince(from);
        Assert.DoesNotContain("AT+CNACT=0,1", again);
        Assert.DoesNotContain("ATE0", again);
        Assert.Contains("AT+SMCONN", again);
    }

    [Fact]
    public void ANetworkSynchronisedClock_IsRead_AndNotOverwritten()
    {
        var rig = new ModemRig(setup: s => s.Clts = true);

        rig.ConnectOk();

        Assert.DoesNotContain(rig.Sim.Commands, c => c.StartsWith("AT+CCLK=", StringComparison.Ordinal));
        Assert.Equal(ModemResult.Ok, rig.Driver.ReadNetworkTime(out long utc));
        Assert.InRange(utc, rig.Sim.NetworkUtcAtZero + rig.Clock.NowMs - 1500, rig.Sim.NetworkUtcAtZero + rig.Clock.NowMs);
    }

    [Fact]
    public void NetworkTime_IsTurnedOnOnce_WithOneRestart()
    {
        var rig = new ModemRig(setup: s => s.Clts = false);
        rig.ConnectOk();
        rig.Sim.Reboot();
        rig.Idle(rig.Sim.BootMs);
        rig.ConnectOk();

        Assert.Single(rig.Sim.Commands, "AT+CLTS=1");
        Assert.Single(rig.Sim.Commands, "AT+CFUN=1,1");
        Assert.Equal(3, rig.Sim.Boots);
        Assert.Equal(1, rig.Driver.RestartsDetected); // the test's reboot, not the driver's own
    }

    [Fact]
    public void TheDevice_CanTakeItsClockFromTheNetwork_BeforeConnecting()
    {
        var rig = new ModemRig();

        Assert.True(rig.Link.TryReadNetworkTime(out long utc));

        Assert.InRange(utc, rig.Sim.NetworkUtcAtZero + rig.Clock.NowMs - 1500, rig.Sim.NetworkUtcAtZero + rig.Clock.NowMs);
        Assert.False(rig.Link.IsConnected);
        Assert.DoesNotContain("AT+SMCONN", rig.Sim.Commands);
        Assert.False(new ModemRig(setup: s => s.NetworkProvidesTime = false).Link.TryReadNetworkTime(out _));
    }

    [Fact]
    public void WithoutNetworkTime_TheDeviceClock_IsCopiedIntoTheModem()
    {
        var rig = new ModemRig(setup: s => s.NetworkProvidesTime = false);

        rig.ConnectOk();

        string set = Assert.Single(rig.Sim.Commands, c => c.StartsWith("AT+CCLK=", StringComparison.Ordinal));
        Assert.StartsWith("AT+CCLK=\"26/03/01,12:00:", set, StringComparison.Ordinal);
        Assert.InRange(rig.Sim.RtcUtc!.Value, rig.Wall.UtcAtZero, rig.Wall.UtcNowMs);
    }

    [Fact]
    public void AnUnsynchronisedClock_WithoutAValidWallClock_IsLeft_AndTlsFails()
    {
        var rig = new ModemRig(setup: s => s.NetworkProvidesTime = false);
        rig.Wall.IsValid = false;

        Assert.Equal(LinkResult.TransportFailed, rig.Link.Connect(ModemRig.ConnectOptions()));

        Assert.Equal(ModemResult.ConnectFailed, rig.Link.LastModemResult);
        Assert.Equal(ModemResult.Error, rig.Driver.ReadNetworkTime(out _));
        Assert.Contains("not synchronised", rig.Driver.LastFailure, StringComparison.Ordinal);
    }

    [Fact]
    public void UnchangedCertificates_AreNotWrittenAgain()
    {
        var rig = new ModemRig();
        rig.ConnectOk();
        int writes = rig.Sim.FileWrites;

        Assert.Equal(ModemResult.Ok, rig.Driver.Configure(rig.Certificates));

        Assert.Equal(writes, rig.Sim.FileWrites);
        Assert.False(rig.Driver.CertificatesWritten);
        Assert.False(rig.Sim.CfsOpen);
    }

    [Fact]
    public void ChangedCertificates_AreWrittenAgain()
    {
        var rig = new ModemRig();
        rig.ConnectOk();
        int writes = rig.Sim.FileWrites;
        ModemCertificates renewed = ModemRig.MakeCertificates(12345, 'Z');

        Assert.Equal(ModemResult.Ok, rig.Driver.Configure(renewed));

        Assert.Equal(writes + 5, rig.Sim.FileWrites);
        Assert.Equal(renewed.GetCa(), rig.Sim.Files["ca.pem"]);
        Assert.True(rig.Driver.CertificatesWritten);
    }

    [Fact]
    public void AnInterruptedFileWrite_LeavesNoStamp_SoItIsRedone()
    {
        var rig = new ModemRig();
        rig.Sim.Fail("AT+CFSWFILE=3,\"dev.key\"");

        Assert.Equal(LinkResult.TransportFailed, rig.Link.Connect(ModemRig.ConnectOptions()));
        Assert.Equal(ModemResult.FileWriteFailed, rig.Link.LastModemResult);
        Assert.False(rig.Sim.Files.ContainsKey(Sim7080Options.StampFileName));
        Assert.False(rig.Sim.CfsOpen);

        rig.ConnectOk();
        Assert.Equal(rig.Certificates.GetKey(), rig.Sim.Files["dev.key"]);
    }

    [Fact]
    public void AFileSystemBufferLeftOpen_IsClosedAndReopened()
    {
        var rig = new ModemRig();
        rig.Sim.Fail("AT+CFSINIT");

        rig.ConnectOk();

        AssertInOrder(rig.Sim.Commands, "AT+CFSINIT", "AT+CFSTERM", "AT+CFSINIT", "AT+CFSWFILE=3,\"ca.pem\",0,10000,10000");
    }

    [Fact]
    public void ABadKey_IsCertificateRejected_AndRefused()
    {
        var certs = new ModemCertificates(ModemRig.Pem("CERTIFICATE", 900, 'A'), ModemRig.Pem("CERTIFICATE", 900, 'B'), Encoding.ASCII.GetBytes("not a key"));
        var rig = new ModemRig(certificates: certs);

        Assert.Equal(LinkResult.Refused, rig.Link.Connect(ModemRig.ConnectOptions()));
        Assert.Equal(ModemResult.CertificateRejected, rig.Link.LastModemResult);
    }

    [Fact]
    public void ACmeErrorOnAnSmconf_IsReportedWithTheModemsText()
    {
        var rig = new ModemRig();
        rig.Sim.FailCme("AT+SMCONF=\"CLIENTID\"", 3, "operation not allowed");

        Assert.Equal(LinkResult.TransportFailed, rig.Link.Connect(ModemRig.ConnectOptions()));

        Assert.Equal("AT+SMCONF=\"CLIENTID\",\"car-42\" -> +CME ERROR: operation not allowed", rig.Driver.LastFailure);
        Assert.False(rig.Link.IsConnected);
    }

    [Fact]
    public void AnSmconnError_IsConnectFailed()
    {
        var rig = new ModemRig(setup: s => s.RefuseConnect = true);

        Assert.Equal(LinkResult.TransportFailed, rig.Link.Connect(ModemRig.ConnectOptions()));
        Assert.Equal(ModemResult.ConnectFailed, rig.Link.LastModemResult);
    }

    [Fact]
    public void AnSmconnWithoutAnswer_TimesOutAfterItsAllowance_ThenTheNextConnectWorks()
    {
        var rig = new ModemRig();
        rig.Sim.Mute("AT+SMCONN");

        long before = rig.Clock.NowMs;
        Assert.Equal(LinkResult.Timeout, rig.Link.Connect(ModemRig.ConnectOptions()));
        Assert.True(rig.Clock.NowMs - before >= rig.Options.ConnectTimeoutMs);

        rig.ConnectOk();
    }

    [Fact]
    public void TheSslContextThatSmsslUses_IsConfiguredEitherWay()
    {
        var rig = new ModemRig(setup: s => s.SmsslContext = 1);

        rig.ConnectOk();
    }

    [Fact]
    public void ABinaryWill_CannotBeCarried_SoTheLinkConnectsWithoutIt()
    {
        var rig = new ModemRig();

        Assert.Equal(LinkResult.Ok, rig.Link.Connect(ModemRig.ConnectOptions([0x01, 0x22, 0x00, 0x7F, 0x0D, 0x0A])));

        Assert.Equal(1, rig.Driver.WillsOmitted);
        Assert.False(rig.Sim.SmConf.ContainsKey("MESSAGE"));
        Assert.Contains("will", rig.Driver.LastFailure, StringComparison.Ordinal);
    }

    [Fact]
    public void AClientIdThatCannotBeQuoted_IsInvalid()
    {
        var rig = new ModemRig();

        Assert.Equal(LinkResult.Invalid, rig.Link.Connect(new MqttConnectOptions("car\"42", 60, null, null, true)));
    }

    [Fact]
    public void ModemWithoutSubhex_StillConnects_AndFallsBackToTextPayloads()
    {
        var rig = new ModemRig(setup: s => s.SupportsSubHex = false);
        rig.ConnectOk();
        Assert.Equal(LinkResult.Ok, rig.Link.Subscribe("cars/car-42/live"));

        rig.Sim.Deliver("cars/car-42/live", Encoding.ASCII.GetBytes("watch 60"));

        Assert.True(rig.Link.TryTakeMessage(out string topic, out byte[] payload));
        Assert.Equal("cars/car-42/live", topic);
        Assert.Equal("watch 60", Encoding.ASCII.GetString(payload));
    }

    [Fact]
    public void SignalCellAndFirmware_AreRead()
    {
        var rig = new ModemRig();
        rig.ConnectOk();

        Assert.Equal(ModemResult.Ok, rig.Driver.ReadCellInfo(out CellInfo cell));
        Assert.Equal("EUTRAN-BAND20", cell.Band);
        rig.Sim.Rssi = 99;
        Assert.Equal(ModemResult.Ok, rig.Driver.ReadSignal(out int dbm));
        Assert.Equal(SignalQuality.UnknownDbm, dbm);
    }

    [Fact]
    public void PowerOff_IsConfirmedByNormalPowerDown()
    {
        var rig = new ModemRig();
        rig.ConnectOk();

        Assert.Equal(ModemResult.Ok, rig.Driver.PowerOff());

        Assert.False(rig.Sim.Powered);
        Assert.False(rig.Link.IsConnected);
        Assert.Equal(0, rig.Driver.RestartsDetected);
        rig.ConnectOk();
        Assert.Equal(2, rig.Sim.Boots);
    }
}
