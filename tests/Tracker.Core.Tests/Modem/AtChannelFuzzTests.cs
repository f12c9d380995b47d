using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Tracker.Core.Modem;

namespace Tracker.Core.Tests.Modem;

/// <summary>
/// Bytes from the modem never make the channel throw, and never produce a result the bytes did not
/// say: the channel agrees with a small reference model of the framing on every input.
/// </summary>
public class AtChannelFuzzTests
{
    private static readonly string[] Tokens =
    [
        "OK", "ERROR", "\r", "\n", "\r\n", "\r\n", "\r\n", "+CME ERROR: 3", "+CME ERROR: SIM busy", "+CMS ERROR: 1",
        "RDY", "AT+CSQ", "+CSQ: 1,2", "> ", " ", "+SMSTATE: 0", "O", "K", "E", "R", "NORMAL POWER DOWN",
        "+APP PDP: 0,ACTIVE", "DOWNLOAD", "OKAY", "XOK", "\0", "\u00ff",
    ];

    private static readonly string[] Urcs =
    [
        "+SMSTATE: 0", "+APP PDP: 0,DEACTIVE", "+APP PDP: 0,ACTIVE", "*PSUTTZ: 2026,3,1,11,59,58,\"+32\",0",
        "+SMSUB: \"cars/c/cmd\",\"4F4B0D0A\"", "SMS Ready", "+CPIN: READY", "+CFUN: 1", "DST: 0", "+CGEV: ME PDN ACT 0",
    ];

    /// <summary>Lines without a '+' that are URCs (MAN §1 boot and power URCs).</summary>
    private static readonly string[] BareUrcs = ["RDY", "SMS Ready", "Call Ready", "NORMAL POWER DOWN", "UNDER-VOLTAGE", "OVER-VOLTAGE", "DST:"];

    private static byte[] Bytes(string s) => s.Select(c => (byte)c).ToArray();

    /// <summary>Random byte strings made of AT-looking tokens and raw bytes.</summary>
    private static Arbitrary<byte[]> Streams() =>
        Gen.ArrayOf(Gen.OneOf(
                Gen.Elements(Tokens).Select(Bytes),
                Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>()).Select(a => a.Take(8).ToArray())))
            .Select(parts => parts.Take(60).SelectMany(p => p).ToArray())
            .ToArbitrary();

    /// <summary>The reference model: how the first final line of the stream ends the command.</summary>
    private static AtStatus Reference(byte[] stream, out List<string> lines)
    {
        lines = [];
        var cur = new List<char>();
        foreach (byte b in stream)
        {
            if (b is 13 or 10)
            {
                string line = new string([.. cur]).Trim(' ');
                cur.Clear();
                if (line.Length == 0 || line.StartsWith("AT", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                if (line == "OK")
                {
                    return AtStatus.Ok;
                }

                if (line == "ERROR")
                {
                    return AtStatus.Error;
                }

                if (line.StartsWith("+CME ERROR:", StringComparison.Ordinal))
                {
                    return AtStatus.CmeError;
                }

                if (line.StartsWith("+CMS ERROR:", StringComparison.Ordinal))
                {
                    return AtStatus.CmsError;
                }

                if (line == "RDY" || line.StartsWith("NORMAL POWER DOWN", StringComparison.Ordinal))
                {
                    return AtStatus.Restarted;
                }

                if (line.StartsWith("+CSQ:", StringComparison.Ordinal) || (line[0] != '+' && line[0] != '*'
                    && !BareUrcs.Any(u => line.StartsWith(u, StringComparison.Ordinal))))
                {
                    lines.Add(line);
                }

                continue;
            }

            if (b is >= 0x20 and <= 0x7E)
            {
                cur.Add((char)b);
            }
        }

        return AtStatus.Timeout;
    }

    [Property(MaxTest = 500)]
    public Property RandomBytes_NeverThrow_AndGiveExactlyTheResultTheBytesSaid() =>
        Prop.ForAll(Streams(), Gen.Choose(1, 40).ToArbitrary(), (stream, chunk) =>
        {
            var clock = new VirtualClock();
            var serial = new ScriptedSerial(clock) { MaxChunk = chunk };
            serial.Add(stream, 1);
            var at = new AtChannel(serial, clock);

            AtResult r = at.Execute("AT+CSQ", "+CSQ:", 1000);

            AtStatus expected = Reference(stream, out List<string> lines);
            Assert.Equal(expected, r.Status);
            if (expected != AtStatus.Timeout)
            {
                Assert.Equal(lines, r.Lines);
            }
        });

    [Property(MaxTest = 300)]
    public Property RandomBytes_AroundAPromptWait_NeverThrow_NorSendDataWithoutAPrompt() =>
        Prop.ForAll(Streams(), Gen.Choose(1, 40).ToArbitrary(), (stream, chunk) =>
        {
            var clock = new VirtualClock();
            var serial = new ScriptedSerial(clock) { MaxChunk = chunk };
            serial.Add(stream, 1);
            var at = new AtChannel(serial, clock);
            byte[] payload = [0xAA, 0xBB, 0xCC];

            AtResult r = at.ExecuteWithData("AT+SMPUB=\"t\",3,1,0", null, AtPrompt.Chevron, payload, 0, 3, 1000, 1000);

            bool sent = serial.Written.Count > "AT+SMPUB=\"t\",3,1,0\r".Length;
            Assert.Equal(sent, r.PayloadSent);
            if (sent)
            {
                // Only a '>' first on a line (after noise bytes and spaces at most) opens the data phase.
                string text = new([.. stream.Where(b => b is >= 0x20 and <= 0x7E or 13 or 10).Select(b => (char)b)]);
                Assert.Matches(@"(^|[\r\n]) *>", text);
            }
        });

    /// <summary>A response: intermediate lines and a final code, with URCs and noise bytes inserted anywhere between lines.</summary>
    private static Gen<(string[] Lines, string Final, string[] Injected, byte[] Stream)> Responses() =>
        from lineCount in Gen.Choose(0, 4)
        from values in Gen.ArrayOf(Gen.Choose(0, 99), lineCount)
        from final in Gen.Elements("ERROR", "+CME ERROR: operation not allowed", "+CME ERROR: 30", "+CMS ERROR: 304", "OK")
        from injections in Gen.ArrayOf(Gen.Choose(0, Urcs.Length - 1), lineCount + 2)
        from injectWhere in Gen.ArrayOf(Gen.Elements(true, false), lineCount + 2)
        from noise in Gen.ArrayOf(Gen.Elements<byte>(0, 1, 7, 0x80, 0xC3, 0xFF, 0xFE))
        from noiseWhere in Gen.ArrayOf(Gen.Elements(true, false), lineCount + 2)
        select Build(values.Select(v => "+CSQ: " + v + ",99").ToArray(), final, injections, injectWhere, noise, noiseWhere);

    private static (string[] Lines, string Final, string[] Injected, byte[] Stream) Build(
        string[] lines, string final, int[] urcs, bool[] injectWhere, byte[] noise, bool[] noiseWhere)
    {
        var stream = new List<byte>(Bytes("AT+CSQ\r"));
        var injected = new List<string>();
        string[] all = [.. lines, final];
        for (int i = 0; i <= all.Length; i++)
        {
            if (i < injectWhere.Length && injectWhere[i])
            {
                injected.Add(Urcs[urcs[i]]);
                stream.AddRange(Bytes("\r\n" + Urcs[urcs[i]] + "\r\n"));
            }

            if (i < noiseWhere.Length && noiseWhere[i])
            {
                stream.AddRange(noise.Take(5));
            }

            if (i < all.Length)
            {
                stream.AddRange(Bytes("\r\n" + all[i] + "\r\n"));
            }
        }

        // Only URCs sent before the final belong to this command's exchange; the rest stay unread.
        int beforeFinal = Enumerable.Range(0, all.Length).Count(i => i < injectWhere.Length && injectWhere[i]);
        return (lines, final, [.. injected.Take(beforeFinal)], [.. stream]);
    }

    [Property(MaxTest = 400)]
    public Property UrcsAndNoise_InterleavedWithAResponse_NeverChangeItsResult() =>
        Prop.ForAll(Responses().ToArbitrary(), Gen.Choose(1, 30).ToArbitrary(), (resp, chunk) =>
        {
            var clock = new VirtualClock();
            var serial = new ScriptedSerial(clock) { MaxChunk = chunk };
            serial.Add(resp.Stream, 1);
            var at = new AtChannel(serial, clock);

            AtResult r = at.Execute("AT+CSQ", "+CSQ:", 1000);

            AtStatus expected = resp.Final switch
            {
                "OK" => AtStatus.Ok,
                "ERROR" => AtStatus.Error,
                _ when resp.Final.StartsWith("+CME", StringComparison.Ordinal) => AtStatus.CmeError,
                _ => AtStatus.CmsError,
            };
            Assert.Equal(expected, r.Status);
            Assert.Equal(resp.Lines, r.Lines);
            var urcs = new List<string>();
            while (at.TryTakeUrc(out string u))
            {
                urcs.Add(u);
            }

            Assert.Equal(resp.Injected, urcs);
            Assert.Equal(1, at.EchoLines);
        });
}
