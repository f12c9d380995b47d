using Tracker.Cloud.Archive.Sinks;

namespace Tracker.Cloud.Archive.Tests;

/// <summary>The sinks' options and the directory sink.</summary>
public sealed class SinkTests : IDisposable
{
    private readonly TempFolder _folder = new("tracker-archive-sink-");

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("tracker-archive")]
    [InlineData("a.b-c")]
    [InlineData("abc")]
    [InlineData("tracker-archive-123456789012-eu-west-1")]
    public void S3Options_WithAValidBucket_Validate(string bucket) =>
        new S3ArchiveSinkOptions { Bucket = bucket }.Validate();

    [Theory]
    [InlineData("", "required")]
    [InlineData("ab", "3 to 63")]
    [InlineData("Tracker-Archive", "lower-case")]
    [InlineData("tracker_archive", "lower-case")]
    [InlineData("-tracker", "begin and end")]
    [InlineData("tracker.", "begin and end")]
    [InlineData("a..b", "adjacent dots")]
    [InlineData("192.168.5.4", "IP address")]
    [InlineData("xn--tracker", "reserved")]
    [InlineData("tracker-s3alias", "reserved")]
    [InlineData("a234567890123456789012345678901234567890123456789012345678901234", "3 to 63")]
    public void S3Options_WithABadBucket_FailNamingTheKeyAndTheRule(string bucket, string rule)
    {
        var e = Assert.Throws<ArgumentException>(() => new S3ArchiveSinkOptions { Bucket = bucket }.Validate());
        Assert.Contains("Archive:Bucket", e.Message, StringComparison.Ordinal);
        Assert.Contains(rule, e.Message, StringComparison.Ordinal);
        Assert.Equal(nameof(S3ArchiveSinkOptions.Bucket), e.ParamName);
    }

    [Theory]
    [InlineData("")]
    [InlineData("fixes/")]
    [InlineData("archive/v1/")]
    [InlineData("env=prod/fixes/")]
    public void S3Options_WithAValidPrefix_Validate(string prefix) =>
        new S3ArchiveSinkOptions { Bucket = "tracker-archive", Prefix = prefix }.Validate();

    [Theory]
    [InlineData("fixes", "end with '/'")]
    [InlineData("/fixes/", "not start with '/'")]
    [InlineData("fixes//", "empty")]
    [InlineData("a/../b/", "'..'")]
    [InlineData("fix es/", "only letters")]
    [InlineData("fixés/", "only letters")]
    public void S3Options_WithABadPrefix_FailNamingTheKey(string prefix, string rule)
    {
        var e = Assert.Throws<ArgumentException>(() => new S3ArchiveSinkOptions { Bucket = "tracker-archive", Prefix = prefix }.Validate());
        Assert.Contains("Archive:Prefix", e.Message, StringComparison.Ordinal);
        Assert.Contains(rule, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("alias/with space")]
    public void S3Options_WithABadKmsKey_FailNamingTheKey(string key)
    {
        var e = Assert.Throws<ArgumentException>(() => new S3ArchiveSinkOptions { Bucket = "tracker-archive", KmsKeyId = key }.Validate());
        Assert.Contains("Archive:KmsKeyId", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void S3Sink_ValidatesItsOptionsWhenBuilt()
    {
        using var client = new Amazon.S3.AmazonS3Client(new Amazon.Runtime.AnonymousAWSCredentials(), new Amazon.S3.AmazonS3Config { ServiceURL = "http://127.0.0.1:9" });
        Assert.Throws<ArgumentException>(() => new S3ArchiveSink(client, new S3ArchiveSinkOptions { Bucket = "BAD" }));
        Assert.Equal("s3://tracker-archive/fixes/dt=2025-06-10/_manifest.json", new S3ArchiveSink(client, new S3ArchiveSinkOptions { Bucket = "tracker-archive" }).Describe("dt=2025-06-10/_manifest.json"));
    }

    [Fact]
    public async Task DirectorySink_PutsListsReplacesAndDeletes()
    {
        var sink = new DirectoryArchiveSink(_folder.Path);
        await sink.PutAsync("dt=2025-06-10/part-00000.parquet", new byte[] { 1, 2 }, "x", CancellationToken.None);
        await sink.PutAsync("dt=2025-06-10/_manifest.json", new byte[] { 3 }, "x", CancellationToken.None);
        await sink.PutAsync("dt=2025-06-11/part-00000.parquet", new byte[] { 4 }, "x", CancellationToken.None);
        await sink.PutAsync("dt=2025-06-10/part-00000.parquet", new byte[] { 5 }, "x", CancellationToken.None);

        Assert.Equal(["dt=2025-06-10/_manifest.json", "dt=2025-06-10/part-00000.parquet"], await sink.ListAsync("dt=2025-06-10/", CancellationToken.None));
        Assert.Equal(3, (await sink.ListAsync("", CancellationToken.None)).Count);
        Assert.Equal([5], await File.ReadAllBytesAsync(Path.Combine(_folder.Path, "dt=2025-06-10", "part-00000.parquet")));

        await sink.DeleteAsync("dt=2025-06-10/part-00000.parquet", CancellationToken.None);
        await sink.DeleteAsync("dt=2025-06-10/part-00000.parquet", CancellationToken.None);
        await sink.DeleteAsync("dt=2030-01-01/nothing.parquet", CancellationToken.None);
        Assert.Equal(["dt=2025-06-10/_manifest.json"], await sink.ListAsync("dt=2025-06-10/", CancellationToken.None));
        Assert.Empty(await sink.ListAsync("dt=2030-01-01/", CancellationToken.None));
        Assert.Empty(Directory.GetFiles(_folder.Path, "*.tmp-*", SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData("../escape.parquet")]
    [InlineData("dt=2025-06-10/../../escape")]
    [InlineData("/absolute")]
    [InlineData("dt=2025-06-10/")]
    [InlineData("a//b")]
    [InlineData("a\\b")]
    [InlineData("")]
    public async Task DirectorySink_RefusesKeysThatAreNotRelativeObjectKeys(string key)
    {
        var sink = new DirectoryArchiveSink(_folder.Path);
        await Assert.ThrowsAnyAsync<ArgumentException>(() => sink.PutAsync(key, new byte[] { 1 }, "x", CancellationToken.None));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => sink.DeleteAsync(key, CancellationToken.None));
        Assert.Empty(Directory.GetFileSystemEntries(_folder.Path));
    }

    [Fact]
    public async Task DirectorySink_WhenTheDirectoryCannotBeWritten_ThrowsArchiveSinkException()
    {
        string blocked = Path.Combine(_folder.Path, "blocked");
        await File.WriteAllBytesAsync(blocked, [0]);
        var sink = new DirectoryArchiveSink(_folder.Path);
        var e = await Assert.ThrowsAsync<ArchiveSinkException>(() => sink.PutAsync("blocked/part-00000.parquet", new byte[] { 1 }, "x", CancellationToken.None));
        Assert.Contains("blocked", e.Message, StringComparison.Ordinal);
    }
}
