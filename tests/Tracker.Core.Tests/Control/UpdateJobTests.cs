using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Tracker.Core.Common;
using Tracker.Core.Control;
using Xunit.Abstractions;

namespace Tracker.Core.Tests.Control;

/// <summary>An IoT Jobs execution naming an application update, read by the car: fields checked, bad bytes refused.</summary>
public class UpdateJobTests(ITestOutputHelper output)
{
    private static readonly byte[] Digest = SHA256.HashData("image"u8);

    private static JsonObject Document(int sigBytes = 384) => new()
    {
        ["op"] = "app-update",
        ["version"] = "1.4.0",
        ["size"] = 104857,
        ["sha256"] = Convert.ToHexStringLower(Digest),
        ["sig"] = Convert.ToBase64String(new byte[sigBytes]),
    };

    private static byte[] Notify(JsonObject document) => Encoding.UTF8.GetBytes(new JsonObject
    {
        ["timestamp"] = 1_800_000_000,
        ["execution"] = new JsonObject
        {
            ["jobId"] = "rollout-2026-12-06-a",
            ["status"] = "QUEUED",
            ["queuedAt"] = 1_800_000_000,
            ["lastUpdatedAt"] = 1_800_000_000,
            ["versionNumber"] = 1,
            ["executionNumber"] = 1,
            ["jobDocument"] = document,
        },
    }.ToJsonString());

    [Fact]
    public void ANotifyNextMessage_IsRead_AndFitsTheModemLimit_WithA3072BitSignature()
    {
        byte[] message = Notify(Document());
        output.WriteLine($"notify-next with a 3,072-bit signature and no URL: {message.Length} bytes of {ShadowLimits.MaxMessageBytes}");

        Assert.True(UpdateJob.TryParse(message, 0, message.Length, out UpdateJob? job, out string problem), problem);
        Assert.Equal(("rollout-2026-12-06-a", 1, "1.4.0", 104857, string.Empty), (job!.JobId, job.ExecutionVersion, job.Version, job.Size, job.Url));
        Assert.Equal(Digest, job.Sha256);
        Assert.Equal(384, job.Signature.Length);
        Assert.True(message.Length <= ShadowLimits.MaxMessageBytes);
    }

    [Theory]
    [InlineData("1.4.0", true)]
    [InlineData(".1", false)]
    [InlineData(".", false)]
    [InlineData("1.", true)]
    [InlineData("1..2", true)]
    [InlineData("01.2", true)]
    [InlineData("-1", true)]
    [InlineData("1.4.0-rc.1+build.5", true)]
    [InlineData("99999999999999999999999999999999", true)]
    [InlineData("999999999999999999999999999999999", false)]
    [InlineData("\u0661\u0662", false)]
    [InlineData("\uff11.\uff12", false)]
    [InlineData("1\u00b2", false)]
    [InlineData("", false)]
    [InlineData("1/2", false)]
    public void AVersion_IsReadByTheCar_ExactlyWhenTheSharedRuleTakesIt(string version, bool valid)
    {
        // The car's reader owns the rule: both hosts' upload check (UploadCheckTests) and codesign use the same one.
        JsonObject document = Document();
        document["version"] = version;
        byte[] message = Notify(document);

        bool read = UpdateJob.TryParse(message, 0, message.Length, out UpdateJob? job, out string problem);

        Assert.Equal(valid, UpdateLimits.IsValidVersion(version));
        Assert.Equal(valid, read && problem.Length == 0 && job is not null && job.Version == version);
        if (!valid)
        {
            Assert.Contains("version", problem, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void NoExecution_MeansNothingIsQueued()
    {
        byte[] message = "{\"timestamp\":1800000000}"u8.ToArray();
        Assert.True(UpdateJob.TryParse(message, 0, message.Length, out UpdateJob? job, out string problem));
        Assert.Null(job);
        Assert.Equal(string.Empty, problem);
    }

    [Theory]
    [InlineData("op", "\"factory-reset\"")]
    [InlineData("version", "\"1.4.0; rm -rf\"")]
    [InlineData("size", "0")]
    [InlineData("size", "99999999")]
    [InlineData("sha256", "\"abc\"")]
    [InlineData("sig", "\"not base64!\"")]
    [InlineData("sig", "\"AAAA\"")]
    [InlineData("url", "\"http://plain.example/image\"")]
    public void ABadField_IsRefused_NamingIt(string field, string json)
    {
        JsonObject document = Document();
        document[field] = JsonNode.Parse(json);
        byte[] message = Notify(document);

        Assert.False(UpdateJob.TryParse(message, 0, message.Length, out UpdateJob? job, out string problem));
        Assert.Null(job);
        Assert.Contains(field, problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("op", "\"factory-reset\"")]
    [InlineData("size", "-1")]
    [InlineData("size", "\"big\"")]
    [InlineData("sha256", "\"abc\"")]
    [InlineData("url", "\"https://images.example/a\\\"b\"")]
    [InlineData("url", "\"https://images.example/a b\"")]
    [InlineData("url", "\"https://user@images.example/image\"")]
    [InlineData("url", "\"https://images.example:0/image\"")]
    [InlineData("url", "\"https://images.example\"")]
    [InlineData("version", "{}")]
    public void ADocumentTheCarCannotRun_NamesItsExecution_SoTheCarCanRejectIt(string field, string json)
    {
        JsonObject document = Document();
        document[field] = JsonNode.Parse(json);
        byte[] message = Notify(document);

        Assert.False(UpdateJob.TryParse(message, 0, message.Length, out UpdateJob? job, out string problem, out string refused, out int version));
        Assert.Null(job);
        Assert.Equal(("rollout-2026-12-06-a", 1), (refused, version));
        Assert.Contains(field, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void AMessageThatIsNotWellFormed_NamesNoExecution_ForItMayBeAGarbledGoodJob()
    {
        byte[] good = Notify(Document());
        for (int cut = 0; cut < good.Length; cut++)
        {
            Assert.False(UpdateJob.TryParse(good, 0, cut, out UpdateJob? job, out _, out string refused, out _));
            Assert.Null(job);
            Assert.Equal(string.Empty, refused);
        }
    }

    [Fact]
    public void AMessageOverTheModemLimit_IsRefused_NamingItsSize_AndItsExecutionWhenReadable()
    {
        JsonObject document = Document();
        document["note"] = new string('x', 1200);
        byte[] message = Notify(document);

        Assert.False(UpdateJob.TryParse(message, 0, message.Length, out _, out string problem, out string refused, out _));
        Assert.Contains("1024", problem, StringComparison.Ordinal);
        Assert.Equal("rollout-2026-12-06-a", refused);

        byte[] huge = new byte[UpdateJob.MaxEnvelopeBytes + 1];
        Assert.False(UpdateJob.TryParse(huge, 0, huge.Length, out _, out problem, out refused, out _));
        Assert.Contains("1024", problem, StringComparison.Ordinal);
        Assert.Equal(string.Empty, refused);
    }

    [Theory]
    [InlineData("https://images.example/app", true)]
    [InlineData("https://127.0.0.1:65535/images/1.4.0.img?e=9999999999&t=00", true)]
    [InlineData("https://bucket.s3.eu-west-1.amazonaws.com/app/1.4.0.img?X-Amz-Signature=ab%2Bcd", true)]
    [InlineData("http://images.example/app", false)]
    [InlineData("https://images.example", false)]
    [InlineData("https:///app", false)]
    [InlineData("https://images.example:65536/app", false)]
    [InlineData("https://images.example:/app", false)]
    [InlineData("https://-images.example/app", false)]
    [InlineData("https://images.example/a\tb", false)]
    [InlineData("https://images.example/caf\u00e9", false)]
    [InlineData("https://images.example/a\\b", false)]
    public void AnImageUrl_IsHttpsHostPath_WithNothingAnAtCommandCannotQuote(string url, bool valid)
    {
        Assert.Equal(valid, ImageUrl.IsValid(url));
        Assert.False(ImageUrl.IsValid("https://images.example/" + new string('a', ImageUrl.MaxLength)));
    }

    [Fact]
    public void TruncatedRandomAndMutatedMessages_NeverThrow_AndNeverInventAJob()
    {
        byte[] good = Notify(Document());
        var random = new Random(18);
        for (int i = 0; i < 3000; i++)
        {
            byte[] bytes = (i % 3) switch
            {
                0 => good[..random.Next(good.Length)],
                1 => RandomBytes(random),
                _ => Mutate(good, random),
            };

            if (UpdateJob.TryParse(bytes, 0, bytes.Length, out UpdateJob? job, out _) && job is not null)
            {
                // Whatever got through is a whole, well-formed job.
                Assert.Equal(32, job.Sha256.Length);
                Assert.InRange(job.Size, 1, UpdateJob.MaxImageBytes);
            }
        }
    }

    private static byte[] RandomBytes(Random random)
    {
        byte[] bytes = new byte[random.Next(0, 100)];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Mutate(byte[] good, Random random)
    {
        byte[] bytes = (byte[])good.Clone();
        for (int e = random.Next(1, 4); e > 0; e--)
        {
            bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
        }

        return bytes;
    }
}
