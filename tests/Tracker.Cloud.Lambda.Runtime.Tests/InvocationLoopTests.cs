using System.Text;
using System.Text.Json;
using Tracker.Cloud.Lambda.Cli.Runtime;
using Tracker.Cloud.Lambda.Events;
using Tracker.Cloud.Lambda.Functions;
using Tracker.Cloud.Lambda.Runtime.RuntimeApi;

namespace Tracker.Cloud.Lambda.Runtime.Tests;

/// <summary>The runtime loop in process, against the local Runtime API, with stand-in functions: the deadline, the trace header, the limits.</summary>
public sealed class InvocationLoopTests : IAsyncLifetime
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);
    private readonly StringWriter _stdout = new();
    private LocalRuntimeApi _api = null!;
    private RuntimeApiClient _client = null!;
    private CancellationTokenSource _shutdown = null!;

    public async Task InitializeAsync()
    {
        _api = await LocalRuntimeApi.StartAsync(CancellationToken.None);
        _client = new RuntimeApiClient(_api.Endpoint);
        _shutdown = new CancellationTokenSource();
    }

    public async Task DisposeAsync()
    {
        await _shutdown.CancelAsync();
        _client.Dispose();
        _shutdown.Dispose();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task EachInvocation_SeesItsOwnTraceHeader_AndTheLoopEchoesItsResponse()
    {
        string? seen = null;
        Task<int> loop = Run(new Function((input, _) =>
        {
            seen = Environment.GetEnvironmentVariable(InvocationLoop.TraceIdVariable);
            return Task.FromResult<Stream>(input);
        }));

        RuntimeApiResult first = await _api.InvokeAsync("{\"n\":1}", new RuntimeApiInvocation { TraceId = "Root=1-aaaaaaaa-000000000000000000000001" }, Bound());
        Assert.Equal("Root=1-aaaaaaaa-000000000000000000000001", seen);
        Assert.Equal("{\"n\":1}", first.Text);
        _ = await _api.InvokeAsync("{\"n\":2}", new RuntimeApiInvocation { TraceId = null }, Bound());
        Assert.Null(seen);
        Assert.False(loop.IsCompleted);
    }

    [Fact]
    public async Task AFunctionPastItsDeadline_IsCancelledAndReportedAsATimeout()
    {
        Task<int> loop = Run(new Function(async (_, token) =>
        {
            await Task.Delay(Timeout.Infinite, token);
            throw new InvalidOperationException("unreachable");
        }));

        RuntimeApiResult result = await _api.InvokeAsync("{}", new RuntimeApiInvocation { Timeout = TimeSpan.FromMilliseconds(400) }, Bound());

        Assert.True(result.IsError);
        Assert.Equal("Function.Timeout", result.ErrorCategory);
        Assert.InRange(result.Latency, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(400));
        Assert.False(loop.IsCompleted);
    }

    [Fact]
    public async Task AnInvocationWithLessTimeLeftThanTheMargin_IsATimeout_AndTheFunctionIsNotRun()
    {
        int runs = 0;
        Task<int> loop = Run(new Function((input, _) =>
        {
            Interlocked.Increment(ref runs);
            return Task.FromResult<Stream>(input);
        }));

        RuntimeApiResult result = await _api.InvokeAsync("{}", new RuntimeApiInvocation { Timeout = TimeSpan.FromMilliseconds(100) }, Bound());

        Assert.True(result.IsError, result.Text);
        Assert.Equal("Function.Timeout", result.ErrorCategory);
        Assert.Equal(0, Volatile.Read(ref runs));
        Assert.False(loop.IsCompleted);
    }

    [Fact]
    public async Task AResponseOverSixMegabytes_IsReportedAsAnError_NotSent()
    {
        _ = Run(new Function((_, _) => Task.FromResult<Stream>(new MemoryStream(new byte[(6 * 1024 * 1024) + 1]))));

        RuntimeApiResult result = await _api.InvokeAsync("{}", null, Bound());

        Assert.True(result.IsError);
        Assert.Equal("Function.ResponseSizeTooLarge", result.ErrorCategory);
        Assert.Empty(_api.Refusals);
    }

    [Fact]
    public async Task ExceptionsAreReportedWithTypeMessageAndStack_AndLoggedAsJson()
    {
        _ = Run(new Function((_, _) => throw new InvalidEventException("IoT rule event: 'topic' is missing")));

        RuntimeApiResult result = await _api.InvokeAsync("{}", new RuntimeApiInvocation { RequestId = "req-1" }, Bound());

        Assert.Equal("Function.InvalidEvent", result.ErrorCategory);
        using JsonDocument error = JsonDocument.Parse(result.Body);
        Assert.Equal("InvalidEventException", error.RootElement.GetProperty("errorType").GetString());
        Assert.Equal("IoT rule event: 'topic' is missing", error.RootElement.GetProperty("errorMessage").GetString());
        Assert.NotEmpty(error.RootElement.GetProperty("stackTrace").EnumerateArray());
        using JsonDocument line = JsonDocument.Parse(_stdout.ToString().Trim().Split('\n')[^1]);
        Assert.Equal("ERROR", line.RootElement.GetProperty("level").GetString());
        Assert.Equal("req-1", line.RootElement.GetProperty("requestId").GetString());
    }

    [Fact]
    public async Task AnAnswerForAnInvocationNotInFlight_IsRefusedByTheApi()
    {
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, await _client.RespondAsync("no-such-request", "{}"u8.ToArray(), CancellationToken.None));
    }

    [Fact]
    public void LogWriter_KeepsAHandlersJsonLineAnObject_AndWrapsPlainText()
    {
        var writer = new JsonLogWriter(_stdout, TimeProvider.System) { RequestId = "r-9" };
        writer.WriteLine("{\"outcome\":\"stored\",\"rejected\":{\"zero\":2},\"level\":\"ignored\"}");
        writer.Write("plain ");
        writer.Write("text\nsecond");
        writer.Flush();

        string[] lines = _stdout.ToString().Trim().Split('\n');
        Assert.Equal(3, lines.Length);
        using JsonDocument summary = JsonDocument.Parse(lines[0]);
        Assert.Equal("INFO", summary.RootElement.GetProperty("level").GetString());
        Assert.Equal("r-9", summary.RootElement.GetProperty("requestId").GetString());
        Assert.Equal(2, summary.RootElement.GetProperty("rejected").GetProperty("zero").GetInt32());
        Assert.Equal("plain text", JsonDocument.Parse(lines[1]).RootElement.GetProperty("message").GetString());
        Assert.Equal("second", JsonDocument.Parse(lines[2]).RootElement.GetProperty("message").GetString());
    }

    private Task<int> Run(ILambdaFunction function) =>
        new InvocationLoop(_client, function, new JsonLogWriter(_stdout, TimeProvider.System), TimeProvider.System).RunAsync(_shutdown.Token);

    private static CancellationToken Bound() => new CancellationTokenSource(s_wait).Token;

    private sealed class Function(Func<Stream, CancellationToken, Task<Stream>> handle) : ILambdaFunction
    {
        public Task<Stream> HandleAsync(Stream input, CancellationToken cancellationToken) => handle(input, cancellationToken);
    }
}
