using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Core.Ingest;
using Tracker.Cloud.Core.Query;
using static Tracker.Cloud.Tests.Core.TestFixes;

namespace Tracker.Cloud.Tests.Core;

public sealed class QueryValidationTests
{
    private const string Car = "car-0001";
    private static readonly Identity Operator = new("user-olga", Role.Operator);

    private readonly InMemoryFixStore _fixes = new();
    private readonly ManualClock _clock = new(Now);

    private QueryService Queries => new(_fixes, new AccessPolicy(new InMemoryRentalStore(), _clock));

    private static HistoryRequest Request(string? start = "1748779200000", string? end = null, string? limit = null, string? cursor = null) =>
        new(start, end, limit, cursor);

    [Theory]
    [InlineData(null, null, null, null, "start")]
    [InlineData("yesterday", null, null, null, "start")]
    [InlineData("2025-06-01 12:00", null, null, null, "start")]
    [InlineData("2025-06-01T12:00:00", null, null, null, "start")]
    [InlineData("1748779200000", "soon", null, null, "end")]
    [InlineData("1748779200000", "1748779200000", null, null, "end")]
    [InlineData("1748779200000", "1748770000000", null, null, "end")]
    [InlineData("1748779200000", null, "0", null, "limit")]
    [InlineData("1748779200000", null, "1001", null, "limit")]
    [InlineData("1748779200000", null, "ten", null, "limit")]
    [InlineData("1748779200000", null, "-5", null, "limit")]
    [InlineData("1748779200000", null, null, "", "cursor")]
    public async Task History_BadParameter_IsABadRequestNamingIt(string? start, string? end, string? limit, string? cursor, string parameter)
    {
        var result = await Queries.GetHistoryAsync(Operator, Car, new HistoryRequest(start, end, limit, cursor), default);

        Assert.Equal(QueryStatus.BadRequest, result.Status);
        ParameterError error = Assert.Single(result.Errors);
        Assert.Equal(parameter, error.Name);
        Assert.Contains(parameter, result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task History_SeveralBadParameters_AreAllReported()
    {
        var result = await Queries.GetHistoryAsync(Operator, "bad car", Request(start: "x", limit: "0"), default);

        Assert.Equal(["carId", "start", "limit"], result.Errors.Select(e => e.Name));
    }

    [Theory]
    [InlineData("")]
    [InlineData("car/0001")]
    [InlineData(null)]
    public async Task Latest_BadCarId_IsABadRequest(string? carId)
    {
        var result = await Queries.GetLatestAsync(Operator, carId, default);

        Assert.Equal(QueryStatus.BadRequest, result.Status);
        Assert.Equal("carId", Assert.Single(result.Errors).Name);
    }

    [Theory]
    [InlineData("1748779200000", 1748779200000L)]
    [InlineData("2025-06-01T12:00:00Z", 1748779200000L)]
    [InlineData("2025-06-01T14:00:00+02:00", 1748779200000L)]
    [InlineData("2025-06-01T12:00:00.250Z", 1748779200250L)]
    public void HistoryParameters_AcceptEpochMillisecondsAndIso8601(string start, long expected)
    {
        Assert.True(HistoryParameters.TryParse(Request(start), out HistoryParameters? p, out _));
        Assert.Equal(expected, p!.StartMs);
        Assert.Equal(expected + 86_400_000, p.EndMs);
        Assert.Equal(100, p.Limit);
        Assert.Null(p.Cursor);
    }

    [Fact]
    public async Task History_PagesWithTheCursor_UntilEveryFixIsRead()
    {
        await new IngestService(_fixes, new IngestOptions(), _clock).IngestFixesAsync(Car, Drive(250, NowMs), NowMs, default);
        var request = Request(start: (NowMs - 3_600_000).ToString(), end: (NowMs + 1).ToString(), limit: "100");
        var seen = new List<long>();
        int pages = 0;

        for (string? cursor = null; ; pages++)
        {
            var page = await Queries.GetHistoryAsync(Operator, Car, request with { Cursor = cursor }, default);
            Assert.Equal(QueryStatus.Ok, page.Status);
            seen.AddRange(page.Value!.Fixes.Select(f => f.Ts));
            cursor = page.Value.NextCursor;
            if (cursor is null)
            {
                break;
            }
        }

        Assert.Equal(2, pages);
        Assert.Equal(Drive(250, NowMs).Select(f => f.TimeMs), seen);
    }

    [Fact]
    public async Task History_CursorOfAnotherQuery_IsABadRequest()
    {
        await new IngestService(_fixes, new IngestOptions(), _clock).IngestFixesAsync(Car, Drive(20, NowMs), NowMs, default);
        var first = await Queries.GetHistoryAsync(Operator, Car, Request(start: (NowMs - 60_000).ToString(), limit: "5"), default);

        var result = await Queries.GetHistoryAsync(Operator, Car, Request(start: (NowMs - 50_000).ToString(), cursor: first.Value!.NextCursor), default);

        Assert.Equal(QueryStatus.BadRequest, result.Status);
        Assert.Equal("cursor", Assert.Single(result.Errors).Name);
    }
}
