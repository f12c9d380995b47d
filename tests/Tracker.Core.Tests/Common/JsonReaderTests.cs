using System.Text;
using System.Text.Json;
using Tracker.Core.Common;

namespace Tracker.Core.Tests.Common;

/// <summary>
/// The firmware's JSON reader against System.Text.Json, the host's strict RFC 8259 reader: the same
/// documents accepted, the same tokens read from them, and never an exception on any bytes.
/// </summary>
public class JsonReaderTests
{
    private static List<(JsonToken Token, string Text)> Read(byte[] bytes, out bool ok, int maxDepth = 64)
    {
        var reader = new JsonReader(bytes, 0, bytes.Length, maxDepth);
        var tokens = new List<(JsonToken, string)>();
        while (true)
        {
            JsonToken t = reader.Next();
            if (t == JsonToken.End)
            {
                ok = true;
                return tokens;
            }

            if (t == JsonToken.Error)
            {
                Assert.NotEqual(string.Empty, reader.Problem);
                ok = false;
                return tokens;
            }

            tokens.Add((t, reader.Text));
            Assert.True(tokens.Count < 100000, "the reader does not advance");
        }
    }

    private static List<(JsonToken, string)>? Reference(byte[] bytes)
    {
        var tokens = new List<(JsonToken, string)>();
        try
        {
            var r = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = 64 });
            while (r.Read())
            {
                if ((r.TokenType == JsonTokenType.String || r.TokenType == JsonTokenType.PropertyName) && !IsUtf8(r.ValueSpan))
                {
                    return null; // Utf8JsonReader leaves this check to GetString; RFC 8259 §8.1 requires UTF-8
                }

                tokens.Add(r.TokenType switch
                {
                    JsonTokenType.StartObject => (JsonToken.StartObject, ""),
                    JsonTokenType.EndObject => (JsonToken.EndObject, ""),
                    JsonTokenType.StartArray => (JsonToken.StartArray, ""),
                    JsonTokenType.EndArray => (JsonToken.EndArray, ""),
                    JsonTokenType.PropertyName => (JsonToken.PropertyName, r.GetString()!),
                    JsonTokenType.String => (JsonToken.String, r.GetString()!),
                    JsonTokenType.Number => (JsonToken.Number, Encoding.UTF8.GetString(r.ValueSpan)),
                    JsonTokenType.True => (JsonToken.True, ""),
                    JsonTokenType.False => (JsonToken.False, ""),
                    JsonTokenType.Null => (JsonToken.Null, ""),
                    _ => throw new InvalidOperationException(r.TokenType.ToString()),
                });
            }

            return r.BytesConsumed == bytes.Length || bytes.AsSpan((int)r.BytesConsumed).Trim(" \t\r\n"u8).Length == 0 ? tokens : null;
        }
        catch (JsonException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            // GetString on a lone surrogate escape: the document is valid JSON, but the host refuses the text.
            return [];
        }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    private static bool IsUtf8(ReadOnlySpan<byte> bytes)
    {
        try
        {
            StrictUtf8.GetCharCount(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private static void AgreesWithReference(byte[] bytes)
    {
        List<(JsonToken, string)> ours = Read(bytes, out bool ok);
        List<(JsonToken, string)>? reference = Reference(bytes);
        if (reference is { Count: 0 } && ok && ours.Count > 0)
        {
            return; // a lone-surrogate escape: both accept, the host cannot show the text
        }

        Assert.True(ok == (reference != null), $"ours {(ok ? "accepts" : "refuses")}, System.Text.Json {(reference != null ? "accepts" : "refuses")}: {Encoding.UTF8.GetString(bytes)}");
        if (ok)
        {
            Assert.Equal(reference, ours);
        }
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("[]")]
    [InlineData(" { \"a\" : [ 1 , -0.5e+3 , true , false , null , \"x\\\"y\\\\z\\u00e9\\/\" ] } ")]
    [InlineData("{\"version\":18,\"state\":{\"cfg\":{\"uplink.normalPeriodS\":600}},\"metadata\":{\"cfg\":{\"uplink.normalPeriodS\":{\"timestamp\":1733500000}}}}")]
    [InlineData("\"caf\u00e9 \U0001F697\"")]
    [InlineData("0")]
    [InlineData("[[[[]]],{}]")]
    public void ValidDocuments_ReadAsTheHostReadsThem(string text) => AgreesWithReference(Encoding.UTF8.GetBytes(text));

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("{\"a\":1,}")]
    [InlineData("[1,]")]
    [InlineData("[,1]")]
    [InlineData("{\"a\" 1}")]
    [InlineData("{a:1}")]
    [InlineData("01")]
    [InlineData("1.")]
    [InlineData("-")]
    [InlineData("1e")]
    [InlineData("+1")]
    [InlineData("\"tab\there\"")]
    [InlineData("\"\\x\"")]
    [InlineData("\"\\u12G4\"")]
    [InlineData("tru")]
    [InlineData("nul")]
    [InlineData("{} {}")]
    [InlineData("[1 2]")]
    [InlineData("{\"a\":1 \"b\":2}")]
    [InlineData("/* c */ {}")]
    [InlineData("NaN")]
    public void BadDocuments_AreRefusedAsTheHostRefusesThem(string text) => AgreesWithReference(Encoding.UTF8.GetBytes(text));

    [Theory]
    [InlineData(new byte[] { 0x22, 0xC0, 0x80, 0x22 })] // overlong NUL
    [InlineData(new byte[] { 0x22, 0xED, 0xA0, 0x80, 0x22 })] // an encoded surrogate
    [InlineData(new byte[] { 0x22, 0xE2, 0x82, 0x22 })] // a truncated sequence
    [InlineData(new byte[] { 0x22, 0xF5, 0x80, 0x80, 0x80, 0x22 })] // above U+10FFFF
    [InlineData(new byte[] { 0x22, 0xFF, 0x22 })]
    public void InvalidUtf8InAString_IsRefused(byte[] bytes)
    {
        Read(bytes, out bool ok);
        Assert.False(ok);
        Assert.Null(Reference(bytes));
    }

    [Fact]
    public void Nesting_DeeperThanTheLimit_IsRefused_AndTheLimitItselfIsRead()
    {
        byte[] eight = Encoding.UTF8.GetBytes(new string('[', 8) + new string(']', 8));
        byte[] nine = Encoding.UTF8.GetBytes(new string('[', 9) + new string(']', 9));
        Read(eight, out bool okEight, maxDepth: 8);
        var reader = new JsonReader(nine, 0, nine.Length, 8);
        JsonToken t;
        while ((t = reader.Next()) != JsonToken.Error && t != JsonToken.End)
        {
        }

        Assert.True(okEight);
        Assert.Equal(JsonToken.Error, t);
        Assert.Contains("deeper than 8", reader.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void AfterAnError_EveryCallReturnsError()
    {
        byte[] bytes = "[1,,2]"u8.ToArray();
        var reader = new JsonReader(bytes, 0, bytes.Length, 8);
        Assert.Equal(JsonToken.StartArray, reader.Next());
        Assert.Equal(JsonToken.Number, reader.Next());
        Assert.Equal(JsonToken.Error, reader.Next());
        Assert.Contains("byte 3", reader.Problem, StringComparison.Ordinal);
        Assert.Equal(JsonToken.Error, reader.Next());
    }

    [Fact]
    public void SkipValue_SkipsAWholeObject_AndReadingGoesOn()
    {
        byte[] bytes = "{\"metadata\":{\"a\":[1,{\"b\":2}]},\"version\":3}"u8.ToArray();
        var reader = new JsonReader(bytes, 0, bytes.Length, 8);
        Assert.Equal(JsonToken.StartObject, reader.Next());
        Assert.Equal(JsonToken.PropertyName, reader.Next());
        Assert.True(reader.SkipValue(reader.Next()));
        Assert.Equal(JsonToken.PropertyName, reader.Next());
        Assert.Equal("version", reader.Text);
        Assert.Equal(JsonToken.Number, reader.Next());
        Assert.Equal("3", reader.Text);
        Assert.Equal(JsonToken.EndObject, reader.Next());
        Assert.Equal(JsonToken.End, reader.Next());
    }

    [Fact]
    public void AnOffsetAndCount_BoundWhatIsRead()
    {
        byte[] bytes = "xx[1]yy"u8.ToArray();
        var reader = new JsonReader(bytes, 2, 3, 8);
        Assert.Equal(JsonToken.StartArray, reader.Next());
        Assert.Equal(JsonToken.Number, reader.Next());
        Assert.Equal(JsonToken.EndArray, reader.Next());
        Assert.Equal(JsonToken.End, reader.Next());
    }

    [Fact]
    public void RandomAndMutatedDocuments_ReadAsTheHostReadsThem_AndNeverThrow()
    {
        var random = new Random(18);
        string[] seeds =
        [
            "{\"version\":18,\"timestamp\":1733500000,\"state\":{\"cfg\":{\"uplink.normalPeriodS\":600,\"cell.rat\":\"nbiot\",\"uplink.liveWhenMoving\":false}},\"metadata\":{\"cfg\":{\"uplink.normalPeriodS\":{\"timestamp\":1733500000}}}}",
            "[1,-2.5e-3,\"a\\\"b\\u0041\",true,null,{\"k\":[]}]",
            "{\"s\":\"caf\u00e9 \U0001F697\"}",
        ];
        const string alphabet = "{}[]:,\"\\ 0123456789.-+eEtruefalsnl\t\n\u00e9";
        for (int i = 0; i < 20000; i++)
        {
            byte[] bytes;
            if (i % 4 == 0)
            {
                var sb = new StringBuilder();
                int length = random.Next(0, 40);
                for (int j = 0; j < length; j++)
                {
                    sb.Append(alphabet[random.Next(alphabet.Length)]);
                }

                bytes = Encoding.UTF8.GetBytes(sb.ToString());
            }
            else
            {
                bytes = Encoding.UTF8.GetBytes(seeds[random.Next(seeds.Length)]);
                int edits = random.Next(1, 4);
                for (int e = 0; e < edits && bytes.Length > 0; e++)
                {
                    int at = random.Next(bytes.Length);
                    switch (random.Next(4))
                    {
                        case 0: bytes[at] = (byte)random.Next(256); break;
                        case 1: bytes[at] = (byte)alphabet[random.Next(alphabet.Length)]; break;
                        case 2: bytes = bytes[..at]; break;
                        default: bytes = [.. bytes[..at], .. bytes[(at + 1)..]]; break;
                    }
                }
            }

            if (bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF)
            {
                continue; // a byte order mark: outside RFC 8259's JSON text, and the host's reader differs on it
            }

            AgreesWithReference(bytes);
        }
    }
}
