using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.S3;
using Amazon.S3.Model;
using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Core.Query;
using Tracker.Cloud.Lambda.Api;
using Tracker.Cloud.Lambda.Updates;
using Tracker.Core.Common;
using Tracker.Core.Control;

namespace Tracker.Cloud.Tests.Lambda;

/// <summary>
/// Issue 18's image route on AWS (<c>GET /images/{version}?e=&amp;t=</c>), through the API handler as API Gateway's HTTP
/// API passes a car's requests (<see cref="HttpApiConnection"/>), over s3rver: a real image downloads byte for byte with
/// the car's own range client in the car's chunks; a missing, malformed, wrong or expired token is 403, an unknown
/// version 404, a range past the end or a garbage Range header 416, and no answer ever carries other bytes than its
/// Content-Range names.
/// </summary>
public sealed class ImagesApiTests(S3rverServer s3rver) : IClassFixture<S3rverServer>, IAsyncLifetime
{
    private const string Origin = "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com";
    private const string Version = "2.3.0+car.1";

    private readonly ManualClock _clock = new(LambdaEvents.SampleNowMs);
    private AmazonS3Client? _s3;
    private string _bucket = string.Empty;
    private ImageUrls? _urls;
    private ApiHandler? _api;
    private byte[] _image = [];

    public async Task InitializeAsync()
    {
        if (s3rver.ServiceUrl.Port == 0)
        {
            return; // s3rver is missing: the tests that need it are skipped
        }

        _s3 = s3rver.CreateClient();
        _bucket = await s3rver.CreateBucketAsync();
        var images = new ImageBucket(_s3, _bucket);
        _urls = new ImageUrls(images, new Uri(Origin), _clock);
        _api = new ApiHandler(new QueryService(new InMemoryFixStore(), new AccessPolicy(new InMemoryRentalStore(), _clock)), _clock)
        {
            Images = new ImagesApi(_urls, images),
        };
        _image = UpdateImages.Pack(Version, 150_001, new Random(18));
        using var body = new MemoryStream(_image);
        await _s3.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = ImageBucket.ImageKey(Version), InputStream = body, UseChunkEncoding = false });
    }

    public Task DisposeAsync()
    {
        _s3?.Dispose();
        return Task.CompletedTask;
    }

    [FactNeeding(Part.S3rver)]
    public async Task ARealImage_DownloadsThroughTheCarsRangeClient_InTheCarsChunks_ByteForByte()
    {
        string url = await _urls!.MintAsync(Version, _clock.GetUtcNow().AddHours(1), CancellationToken.None);
        var connection = new HttpApiConnection(_api!);
        var client = new HttpRangeClient(url, connection);
        byte[] received = new byte[_image.Length];
        byte[] chunk = new byte[StagedDownload.DefaultChunkBytes];

        for (int offset = 0; offset < _image.Length; offset += chunk.Length)
        {
            int want = Math.Min(chunk.Length, _image.Length - offset);
            Assert.Equal(RangeResult.Ok, client.Read(offset, chunk, want, out int read));
            Assert.Equal(want, read);
            Array.Copy(chunk, 0, received, offset, read);
        }

        Assert.Equal(SHA256.HashData(_image), SHA256.HashData(received));
        Assert.Equal((_image.Length + chunk.Length - 1) / chunk.Length, client.Requests);
        Assert.Equal(0, client.Drops);
        Assert.All(connection.Statuses, s => Assert.Equal(206, s));
        Assert.Equal("bytes=147456-150000", connection.Ranges[^1]);
        Assert.True(url.Length <= 110, url.Length + ": " + url);
        Assert.StartsWith(Origin + "/images/2.3.0%2Bcar.1?e=", url, StringComparison.Ordinal);
    }

    [FactNeeding(Part.S3rver)]
    public async Task BadMissingAndExpiredTokens_AreForbidden_AndTheCarReadsARefusal()
    {
        string good = await _urls!.MintAsync(Version, _clock.GetUtcNow().AddMinutes(10), CancellationToken.None);
        string query = good[(good.IndexOf('?', StringComparison.Ordinal) + 1)..];
        string e = query.Split('&')[0][2..];
        string t = query.Split('&')[1][2..];
        string other = await _urls.MintAsync("2.3.1", _clock.GetUtcNow().AddMinutes(10), CancellationToken.None);
        string[] queries =
        [
            string.Empty, "e=" + e, "t=" + t, "e=" + e + "&t=" + t[..15], "e=" + e + "&t=" + t + "0",
            "e=" + (long.Parse(e) + 1) + "&t=" + t, "e=+" + e + "&t=" + t, "e=-1&t=" + t, "e=1e9&t=" + t, "e=99999999999999&t=" + t,
            "e=" + e + "&t=" + new string('A', ImageUrls.TokenLength), "e=" + e + "&t=" + new string('0', 32), other[(other.IndexOf('?', StringComparison.Ordinal) + 1)..], "e=" + e + "&e=" + e + "&t=" + t,
            "e=&t=", "e=" + e + "&t=" + (t[0] == 'a' ? 'b' : 'a') + t[1..], "e=" + e + "&t=" + t.Replace('-', '+').Replace('_', '/') + "x",
        ];

        foreach (string q in queries)
        {
            (int status, JsonObject problem, _) = Get("/images/" + Uri.EscapeDataString(Version) + "?" + q, "bytes=0-9");
            Assert.True(status == 403, status + " for " + q);
            Assert.Equal("/problems/bad-image-token", (string?)problem["type"]);
        }

        Assert.Equal(206, Get("/images/" + Uri.EscapeDataString(Version) + "?" + query, "bytes=0-9").Status);
        _clock.Now = _clock.Now.AddMinutes(11);
        var client = new HttpRangeClient(good, new HttpApiConnection(_api!));
        Assert.Equal(RangeResult.Refused, client.Read(0, new byte[16], 16, out int read));
        Assert.Equal(0, read);
        Assert.Equal("refused: 403", client.LastProblem);
        Assert.Contains("expired", (string?)Get("/images/" + Uri.EscapeDataString(Version) + "?" + query, "bytes=0-9").Problem["detail"], StringComparison.Ordinal);
    }

    [FactNeeding(Part.S3rver)]
    public async Task UnknownVersionsAndOtherPaths_AreNotFound_AndOnlyGetIsAllowed()
    {
        string unknown = await _urls!.MintAsync("9.9.9", _clock.GetUtcNow().AddHours(1), CancellationToken.None);
        Assert.Equal(404, Get(unknown[Origin.Length..], "bytes=0-9").Status);
        var client = new HttpRangeClient(unknown, new HttpApiConnection(_api!));
        Assert.Equal(RangeResult.Refused, client.Read(0, new byte[16], 16, out _));

        string good = await _urls.MintAsync(Version, _clock.GetUtcNow().AddHours(1), CancellationToken.None);
        string query = good[good.IndexOf('?', StringComparison.Ordinal)..];
        foreach (string path in new[] { "/images", "/images/", "/images/..%2Fkeys%2Fimage-url.key", "/images/" + Uri.EscapeDataString(Version) + "/x", "/images/" + new string('1', 33), "/images/a%20b" })
        {
            Assert.Equal(404, Get(path + query, "bytes=0-9").Status);
        }

        (int post, _, Dictionary<string, string> headers) = Get("/images/" + Uri.EscapeDataString(Version) + query, "bytes=0-9", "POST");
        Assert.Equal(405, post);
        Assert.Equal("GET", headers["allow"]);
    }

    [FactNeeding(Part.S3rver)]
    public async Task RangesPastTheEndAndGarbageRangeHeaders_AreRefused_AndNoAnswerCarriesOtherBytesThanItNames()
    {
        string good = await _urls!.MintAsync(Version, _clock.GetUtcNow().AddHours(1), CancellationToken.None);
        string target = good[Origin.Length..];
        int size = _image.Length;

        (int past, _, Dictionary<string, string> pastHeaders) = Get(target, "bytes=" + size + "-" + (size + 10));
        Assert.True(past == 416, Get(target, "bytes=" + size + "-" + (size + 10)).Problem.ToJsonString());
        Assert.Equal("bytes */" + size, pastHeaders["content-range"]);
        var client = new HttpRangeClient(good, new HttpApiConnection(_api!));
        Assert.Equal(RangeResult.Refused, client.Read(size, new byte[16], 16, out _));

        // A range running past the end is cut to the image (RFC 9110 §14.1.2) and says so; the car, which asks exactly, drops it.
        Assert.Equal(RangeResult.LinkDown, client.Read(size - 8, new byte[16], 16, out int cut));
        Assert.Equal(0, cut);
        Assert.Equal("bytes " + (size - 8) + "-" + (size - 1) + "/" + size, Get(target, "bytes=" + (size - 8) + "-" + (size + 7)).Headers["content-range"]);

        (int whole, _, _) = Get(target, null);
        Assert.Equal(200, whole);
        Assert.Equal(416, Get(target, "bytes=0-" + ImagesApi.MaxRangeBytes).Status); // one byte more than an answer carries

        string[] garbage =
        [
            string.Empty, "bytes", "bytes=", "bytes=-", "bytes=5", "bytes=-5", "bytes=5-", "bytes=9-5", "bytes=0-4,10-14", "bytes=0-4, 6-9",
            "bytes=a-b", "bytes= 0-4", "bytes=0 -4", "bytes=+0-4", "bytes=0x10-0x20", "items=0-4", "bytes=00000000000000000000000-1",
            "bytes=99999999999999999999-99999999999999999999", "bytes=0-99999999999999999999", "bytes=0-4\u0000", "bytes=٠-٤", "bytes=0--4",
        ];
        var random = new Random(416);
        IEnumerable<string> fuzzed = Enumerable.Range(0, 60).Select(_ =>
        {
            char[] text = ("bytes=" + random.Next(size + 100) + "-" + random.Next(size + 100)).ToCharArray();
            if (random.Next(3) == 0)
            {
                text[random.Next(text.Length)] = (char)random.Next(32, 127);
            }

            return new string(text);
        });

        foreach (string range in garbage.Concat(fuzzed))
        {
            (int status, JsonObject problem, Dictionary<string, string> headers, byte[] body) = GetBytes(target, range);
            Assert.True(status is 206 or 416, status + " for '" + range + "'");
            if (status == 416)
            {
                Assert.Equal("bytes */" + size, headers["content-range"]);
                Assert.Equal("/problems/range-not-satisfiable", (string?)problem["type"]);
                continue;
            }

            string[] named = headers["content-range"]["bytes ".Length..].Split('/');
            int first = int.Parse(named[0].Split('-')[0]);
            int last = int.Parse(named[0].Split('-')[1]);
            Assert.Equal(size.ToString(), named[1]);
            Assert.Equal(_image[first..(last + 1)], body);
        }
    }

    private (int Status, JsonObject Problem, Dictionary<string, string> Headers) Get(string target, string? range, string method = "GET")
    {
        (int status, JsonObject problem, Dictionary<string, string> headers, _) = GetBytes(target, range, method);
        return (status, problem, headers);
    }

    private (int Status, JsonObject Problem, Dictionary<string, string> Headers, byte[] Body) GetBytes(string target, string? range, string method = "GET")
    {
        var headers = new Dictionary<string, string> { ["host"] = new Uri(Origin).Host };
        if (range is not null)
        {
            headers["range"] = range;
        }

        byte[] answer = new HttpApiConnection(_api!).Answer(method, target, headers);
        int end = answer.AsSpan().IndexOf("\r\n\r\n"u8);
        string[] lines = Encoding.ASCII.GetString(answer, 0, end).Split("\r\n");
        var named = lines.Skip(1).Select(l => l.Split(": ", 2)).ToDictionary(p => p[0].ToLowerInvariant(), p => p[1]);
        byte[] body = answer[(end + 4)..];
        int status = int.Parse(lines[0].Split(' ')[1]);
        JsonObject problem = named.GetValueOrDefault("content-type") == "application/problem+json" ? (JsonObject)JsonNode.Parse(body)! : [];
        return (status, problem, named, body);
    }
}
