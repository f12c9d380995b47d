using Tracker.Cloud.Lambda.Cli;

namespace Tracker.Cloud.Tests.Lambda;

public sealed class LambdaCliTests
{
    [Fact]
    public async Task IngestThenApi_OnOneStore_PrintsTheResponses()
    {
        using var folder = new TempFolder("tracker-lambda-cli-");
        string db = folder.Combine("store.db");
        try
        {
            var (ingestCode, ingestOut, _) = await RunAsync("ingest", LambdaEvents.SamplePath("ingest-fixes.json"), "--store", "sqlite:" + db, "--now", "2025-06-10T08:01:00Z");
            var (apiCode, apiOut, _) = await RunAsync("api", LambdaEvents.SamplePath("api-latest.json"), "--store", "sqlite:" + db, "--now", LambdaEvents.SampleNowMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--rental", "car-0042,4c8e2a1f-renter-0001,2025-06-10T07:00:00Z,2025-06-10T12:00:00Z");

            Assert.Equal(LambdaCli.Ok, ingestCode);
            Assert.Contains("\"accepted\":6", ingestOut, StringComparison.Ordinal);
            Assert.Equal(LambdaCli.Ok, apiCode);
            Assert.Contains("\"statusCode\":200", apiOut, StringComparison.Ordinal);
        }
        finally
        {
            // SQLite's pool holds the file open; the folder goes with everything in it (-wal, -shm) on dispose.
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
    }

    [Theory]
    [InlineData(new string[0], "expected a handler")]
    [InlineData(new[] { "lambda", "x.json" }, "unknown handler")]
    [InlineData(new[] { "api", "/no/such/event.json" }, "cannot read event file")]
    [InlineData(new[] { "api", "x.json", "--store", "postgres:x" }, "--store must be sqlite:")]
    [InlineData(new[] { "api", "x.json", "--now" }, "--now needs a value")]
    [InlineData(new[] { "api", "x.json", "--now", "noon" }, "'--now'")]
    [InlineData(new[] { "api", "x.json", "--rental", "car,renter" }, "--rental must be")]
    [InlineData(new[] { "api", "x.json", "--verbose" }, "unknown option")]
    public async Task BadArguments_ExitTwo_WithAClearMessage(string[] args, string expected)
    {
        var (code, _, err) = await RunAsync(args);

        Assert.Equal(LambdaCli.Usage, code);
        Assert.Contains(expected, err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedEventFile_ExitsOne_NamingTheFile()
    {
        using var folder = new TempFolder("tracker-lambda-bad-");
        string file = folder.Combine("event.json");
        await File.WriteAllTextAsync(file, "{\"version\": \"2.0\",");

        var (code, _, err) = await RunAsync("api", file);

        Assert.Equal(LambdaCli.HandlerFailed, code);
        Assert.Contains("invalid event in '" + file + "'", err, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        StringWriter stdout = new();
        StringWriter stderr = new();
        int code = await LambdaCli.RunAsync(args, stdout, stderr, CancellationToken.None);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
