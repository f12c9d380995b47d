using System.Globalization;
using Tracker.Cloud.Smoke;

const string Usage = """
    usage: tracker-smoke car --bundle <dir> [--seconds 180] [--server-name <name>]
           tracker-smoke api --url <WebUrl> --token <token> --car <car> [--newer-than <epoch ms>] [--timeout 120]
      car  drives one simulated car with the bundle's identity through the bundle's broker (IoT Core);
           passes when fixes were recorded and every one was acknowledged
      api  polls GET <url>/cars/<car>/location with the token until the car's fix is at least --newer-than
           (default: 10 minutes ago)
    exit codes: 0 passed, 1 failed, 2 bad command line
    """;

if (args.Length == 0 || args[0] is not ("car" or "api") || args.Length % 2 == 0)
{
    Console.Error.WriteLine(Usage);
    return 2;
}

var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (int i = 1; i < args.Length; i += 2)
{
    if (!args[i].StartsWith("--", StringComparison.Ordinal) || !options.TryAdd(args[i][2..], args[i + 1]))
    {
        Console.Error.WriteLine("tracker-smoke: bad option " + args[i]);
        Console.Error.WriteLine(Usage);
        return 2;
    }
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

try
{
    if (args[0] == "car")
    {
        string bundle = options.GetValueOrDefault("bundle") ?? throw new SmokeException("--bundle is required");
        int seconds = Number(options, "seconds", 180, 10, 3600);
        SmokeCarResult result = SmokeCar.Run(bundle, TimeSpan.FromSeconds(seconds), options.GetValueOrDefault("server-name"), Console.Out, cancel.Token);
        return result.Ok ? 0 : 1;
    }

    string url = options.GetValueOrDefault("url") ?? throw new SmokeException("--url is required");
    string token = options.GetValueOrDefault("token") ?? throw new SmokeException("--token is required");
    string car = options.GetValueOrDefault("car") ?? throw new SmokeException("--car is required");
    if (!Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out Uri? baseUrl) || baseUrl.Scheme is not ("https" or "http"))
    {
        throw new SmokeException("--url must be an http(s) URL, e.g. the stack's WebUrl");
    }

    long newerThan = options.TryGetValue("newer-than", out string? text)
        ? long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long ms) ? ms : throw new SmokeException("--newer-than must be epoch milliseconds")
        : DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeMilliseconds();
    using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
    bool ok = await ApiProbe.WaitForFixAsync(http, baseUrl, token, car, newerThan, TimeSpan.FromSeconds(Number(options, "timeout", 120, 5, 3600)), Console.Out, cancel.Token);
    return ok ? 0 : 1;
}
catch (SmokeException e)
{
    Console.Error.WriteLine("tracker-smoke: " + e.Message);
    return 2;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("tracker-smoke: stopped");
    return 1;
}

static int Number(Dictionary<string, string> options, string name, int fallback, int min, int max) =>
    !options.TryGetValue(name, out string? text) ? fallback
    : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value >= min && value <= max ? value
    : throw new SmokeException($"--{name} must be {min} to {max}");
