using Tracker.Core.Modem;

namespace Tracker.Core.Tests.Modem;

/// <summary>The AT channel against hand-written byte scripts (MAN §1 framing: CR LF text CR LF).</summary>
public class AtChannelTests
{
    private readonly VirtualClock _clock = new();
    private readonly ScriptedSerial _serial;
    private readonly AtChannel _at;

    public AtChannelTests()
    {
        _serial = new ScriptedSerial(_clock);
        _at = new AtChannel(_serial, _clock);
    }

    private static byte[] Bytes(string s) => s.Select(c => (byte)c).ToArray();

    [Fact]
    public void Execute_WritesTheCommandWithCr_AndCollectsLinesUntilOk()
    {
        _serial.Add("\r\n+CSQ: 20,99\r\n\r\nOK\r\n", 5);

        AtResult r = _at.Execute("AT+CSQ", "+CSQ:", 1000);

        Assert.Equal("AT+CSQ\r", _serial.WrittenText);
        Assert.Equal(AtStatus.Ok, r.Status);
        Assert.Equal(["+CSQ: 20,99"], r.Lines);
        Assert.Equal("20,99", r.FindValue("+CSQ:"));
        Assert.Equal(5, _clock.NowMs);
    }

    [Theory]
    [InlineData("ERROR", AtStatus.Error, -1, "")]
    [InlineData("+CME ERROR: 3", AtStatus.CmeError, 3, "3")]
    [InlineData("+CME ERROR: operation not allowed", AtStatus.CmeError, 3, "operation not allowed")]
    [InlineData("+CME ERROR: SIM not inserted", AtStatus.CmeError, 10, "SIM not inserted")]
    [InlineData("+CME ERROR: something new", AtStatus.CmeError, -1, "something new")]
    [InlineData("+CMS ERROR: 500", AtStatus.CmsError, 500, "500")]
    public void Execute_ReportsErrorFinals_AsValues(string final, AtStatus status, int code, string text)
    {
        _serial.Add("\r\n" + final + "\r\n", 1);

        AtResult r = _at.Execute("AT+SMCONN", null, 1000);

        Assert.Equal(status, r.Status);
        Assert.Equal(code, r.ErrorCode);
        Assert.Equal(text, r.ErrorText);
        Assert.False(r.IsOk);
    }

    [Fact]
    public void Execute_ToleratesEcho_AndCountsIt()
    {
        _serial.Add("AT+CSQ\r\r\n+CSQ: 5,99\r\n\r\nOK\r\n", 1);

        AtResult r = _at.Execute("AT+CSQ", "+CSQ:", 1000);

        Assert.Equal(AtStatus.Ok, r.Status);
        Assert.Equal(["+CSQ: 5,99"], r.Lines);
        Assert.Equal(1, _at.EchoLines);
    }

    [Fact]
    public void NoiseThatLooksLikeEcho_IsSkipped_ButNotCountedAsEcho()
    {
        _serial.Add("\r\natx3\r\nAT+CSQ\r\r\n+CSQ: 5,99\r\n\r\nOK\r\n", 1);

        AtResult r = _at.Execute("AT+CSQ", "+CSQ:", 1000);

        Assert.Equal(["+CSQ: 5,99"], r.Lines);
        Assert.Equal(1, _at.EchoLines);
    }

    [Fact]
    public void UrcsBetweenCommandAndResponse_AreQueued_NeverTakenForTheResponse()
    {
        _serial.Add("\r\n+SMSTATE: 0\r\n\r\n+CSQ: 7,99\r\n\r\n*PSUTTZ: 2026,3,1,11,0,0,\"+8\",0\r\n\r\nSMS Ready\r\n\r\nOK\r\n", 1);

        AtResult r = _at.Execute("AT+CSQ", "+CSQ:", 1000);

        Assert.Equal(["+CSQ: 7,99"], r.Lines);
        Assert.Equal(3, _at.PendingUrcs);
        Assert.True(_at.TryTakeUrc(out string a));
        Assert.True(_at.TryTakeUrc(out string b));
        Assert.True(_at.TryTakeUrc(out string c));
        Assert.Equal(["+SMSTATE: 0", "*PSUTTZ: 2026,3,1,11,0,0,\"+8\",0", "SMS Ready"], new[] { a, b, c });
        Assert.False(_at.TryTakeUrc(out _));
    }

    [Fact]
    public void BareLines_AreIntermediate_WhenNoPrefixIsGiven()
    {
        _serial.Add("\r\nRevision:1951B17SIM7080\r\n\r\n+SMSTATE: 1\r\n\r\nOK\r\n", 1);

        AtResult r = _at.Execute("AT+CGMR", null, 1000);

        Assert.Equal(["Revision:1951B17SIM7080"], r.Lines);
        Assert.Equal(1, _at.PendingUrcs);
    }

    [Fact]
    public void NonPrintableBytes_AreDropped_AndCounted()
    {
        _serial.Add(Bytes("\0\u00ff\u00fe\r\n+CSQ: 1\u00802,99\r\n\u0001\r\nO\u0000K\r\n"), 1);

        AtResult r = _at.Execute("AT+CSQ", "+CSQ:", 1000);

        Assert.Equal(AtStatus.Ok, r.Status);
        Assert.Equal(["+CSQ: 12,99"], r.Lines);
        Assert.Equal(6, _at.GarbageBytes);
    }

    [Fact]
    public void AnOverlongLine_IsDroppedWhole_SoItsTailIsNeverAnOk()
    {
        var at = new AtChannel(_serial, _clock, 64, 8);
        _serial.Add("\r\n" + new string('x', 100) + "OK\r\n", 1);

        AtResult r = at.Execute("AT+CSQ", "+CSQ:", 1000);

        Assert.Equal(AtStatus.Timeout, r.Status);
        Assert.Equal(1, at.OverlongLines);
    }

    [Fact]
    public void AfterAnOverlongLine_TheNextLineIsRead()
    {
        var at = new AtChannel(_serial, _clock, 64, 8);
        _serial.Add("\r\n+SMSUB: \"t\",\"" + new string('A', 200) + "\"\r\n\r\nOK\r\n", 1);

        Assert.Equal(AtStatus.Ok, at.Execute("AT+CSQ", "+CSQ:", 1000).Status);
        Assert.Equal(0, at.PendingUrcs);
    }

    [Fact]
    public void NoAnswer_IsATimeout_AfterExactlyTheDeadline_WithoutSleeping()
    {
        AtResult r = _at.Execute("AT+SMCONN", null, 60000);

        Assert.Equal(AtStatus.Timeout, r.Status);
        Assert.Equal(60000, _clock.NowMs);
        Assert.Equal(1, _at.Timeouts);
    }

    [Fact]
    public void ALateAnswer_ArrivingBeforeTheNextCommand_IsDroppedAsStray()
    {
        AtResult first = _at.Execute("AT+SMCONN", null, 1000);
        _serial.Add("\r\nOK\r\n", 1500);
        _clock.Sleep(1000);
        _serial.Add("\r\nERROR\r\n", 2500);

        AtResult second = _at.Execute("AT+SMSTATE?", "+SMSTATE:", 1000);

        Assert.Equal(AtStatus.Timeout, first.Status);
        Assert.Equal(AtStatus.Error, second.Status);
        Assert.Equal(1, _at.StrayResults);
    }

    [Fact]
    public void RdyWhileACommandIsPending_EndsItAsRestarted_AndIsQueued()
    {
        _serial.Add("\r\nRDY\r\n", 3000);

        AtResult r = _at.Execute("AT+SMCONN", null, 60000);

        Assert.Equal(AtStatus.Restarted, r.Status);
        Assert.Equal(3000, _clock.NowMs);
        Assert.True(_at.TryTakeUrc(out string urc));
        Assert.Equal("RDY", urc);
    }

    [Fact]
    public void Prompt_ThenExactPayloadBytes_ThenTheFinalResult()
    {
        byte[] payload = [0x00, 0x0D, 0x0A, (byte)'O', (byte)'K', 0x0D, 0x0A, 0x22, 0xFF, 0x3E];
        _serial.Add("\r\n> ", 2);
        int writes = 0;
        _serial.OnWrite = _ =>
        {
            if (++writes == 2)
            {
                _serial.Add("\r\nOK\r\n", _clock.NowMs + 100);
            }
        };

        AtResult r = _at.ExecuteWithData("AT+SMPUB=\"t\",10,1,0", null, AtPrompt.Chevron, payload, 0, payload.Length, 1000, 5000);

        Assert.Equal(AtStatus.Ok, r.Status);
        Assert.True(r.PayloadSent);
        byte[] command = Bytes("AT+SMPUB=\"t\",10,1,0\r");
        Assert.Equal([.. command, .. payload], _serial.Written.ToArray());
    }

    [Fact]
    public void AFinalInsteadOfThePrompt_WritesNoPayload()
    {
        _serial.Add("\r\nERROR\r\n", 2);

        AtResult r = _at.ExecuteWithData("AT+SMPUB=\"t\",3,1,0", null, AtPrompt.Chevron, [1, 2, 3], 0, 3, 1000, 5000);

        Assert.Equal(AtStatus.Error, r.Status);
        Assert.False(r.PayloadSent);
        Assert.Equal("AT+SMPUB=\"t\",3,1,0\r", _serial.WrittenText);
    }

    [Fact]
    public void NoPrompt_IsATimeout_AndNoPayloadIsWritten()
    {
        AtResult r = _at.ExecuteWithData("AT+SMPUB=\"t\",3,1,0", null, AtPrompt.Chevron, [1, 2, 3], 0, 3, 1000, 5000);

        Assert.Equal(AtStatus.Timeout, r.Status);
        Assert.False(r.PayloadSent);
        Assert.Equal(1000, _clock.NowMs);
    }

    [Fact]
    public void ADownloadPrompt_IsALine()
    {
        _serial.Add("\r\n+CGEV: ME PDN ACT 0\r\n\r\nDOWNLOAD\r\n", 2);
        _serial.OnWrite = data =>
        {
            if (data.Length == 4)
            {
                _serial.Add("\r\nOK\r\n", _clock.NowMs + 50);
            }
        };

        AtResult r = _at.ExecuteWithData("AT+CFSWFILE=3,\"a\",0,4,10000", null, AtPrompt.Download, Bytes("PEM\n"), 0, 4, 1000, 11000);

        Assert.Equal(AtStatus.Ok, r.Status);
        Assert.EndsWith("\rPEM\n", _serial.WrittenText, StringComparison.Ordinal);
        Assert.Equal(1, _at.PendingUrcs);
    }

    [Fact]
    public void AChevronOutsideAPromptWait_IsJustALine()
    {
        _serial.Add("\r\n> \r\n\r\nOK\r\n", 1);

        AtResult r = _at.Execute("AT", null, 1000);

        Assert.Equal(AtStatus.Ok, r.Status);
        Assert.Equal([">"], r.Lines);
    }

    [Fact]
    public void EverySplitPoint_GivesTheSameResult()
    {
        const string script = "AT+CEREG?\r\r\n+CEREG: 0,5\r\n\r\n+APP PDP: 0,ACTIVE\r\n\r\nOK\r\n";
        for (int chunk = 1; chunk <= script.Length; chunk++)
        {
            var clock = new VirtualClock();
            var serial = new ScriptedSerial(clock) { MaxChunk = chunk };
            serial.Add(script, 1);
            var at = new AtChannel(serial, clock);

            AtResult r = at.Execute("AT+CEREG?", "+CEREG:", 1000);

            Assert.Equal(AtStatus.Ok, r.Status);
            Assert.Equal(["+CEREG: 0,5"], r.Lines);
            Assert.Equal(1, at.PendingUrcs);
        }
    }

    [Fact]
    public void Poll_QueuesWhatArrived_WithoutWaiting()
    {
        _serial.Add("\r\n+SMSTATE: 0\r\n\r\nOK\r\n", 0);
        _serial.Add("\r\n+APP PDP: 0,DEACTIVE\r\n", 500);

        _at.Poll();

        Assert.Equal(0, _clock.NowMs);
        Assert.Equal(1, _at.PendingUrcs);
        Assert.Equal(1, _at.StrayResults);
    }

    [Fact]
    public void WaitForUrc_ReturnsWhenOneArrives()
    {
        _serial.Add("\r\n+APP PDP: 0,ACTIVE\r\n", 800);

        Assert.True(_at.WaitForUrc(5000));
        Assert.Equal(800, _clock.NowMs);
        Assert.False(new AtChannel(new ScriptedSerial(_clock), _clock).WaitForUrc(100));
    }

    [Fact]
    public void AFullUrcQueue_DropsTheOldest()
    {
        var at = new AtChannel(_serial, _clock, 128, 2);
        _serial.Add("\r\n+A: 1\r\n\r\n+A: 2\r\n\r\n+A: 3\r\n", 0);

        at.Poll();

        Assert.Equal(1, at.DroppedUrcs);
        Assert.True(at.TryTakeUrc(out string first));
        Assert.Equal("+A: 2", first);
    }

    [Fact]
    public void ProgrammerErrors_AreExceptions()
    {
        Assert.Throws<ArgumentException>(() => _at.Execute("CSQ", null, 10));
        Assert.Throws<ArgumentException>(() => _at.Execute("AT\r", null, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => _at.ExecuteWithData("AT", null, AtPrompt.Chevron, [1], 0, 2, 10, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AtChannel(_serial, _clock, 8, 4));
    }
}
