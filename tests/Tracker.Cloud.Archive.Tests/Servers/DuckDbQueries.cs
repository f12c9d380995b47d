using System.Diagnostics;
using System.Text.Json;

namespace Tracker.Cloud.Archive.Tests.Servers;

/// <summary>
/// Runs an Athena query of cloud/analytics/queries over an archive folder with DuckDB
/// (<c>node cloud/analytics/run-query.mjs</c>), returning the rows. Needs node and DuckDB (<c>npm ci</c> in
/// cloud/analytics); the tests that use it skip without them (tests/Tracker.Testing's rule).
/// </summary>
public static class DuckDbQueries
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    /// <summary>The rows of <paramref name="queryFile"/> (a file name in cloud/analytics/queries) over <paramref name="archive"/>.</summary>
    public static async Task<IReadOnlyList<JsonElement>> RunAsync(string archive, string queryFile)
    {
        string analytics = Repository.PathOf("cloud", "analytics");
        PartCatalog.Current.Locate(Part.DuckDb);
        var start = new ProcessStartInfo(PartCatalog.Current.Locate(Part.Node))
        {
            WorkingDirectory = analytics,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("run-query.mjs");
        start.ArgumentList.Add(archive);
        start.ArgumentList.Add(Path.Combine(analytics, "queries", queryFile));
        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(s_timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{queryFile} did not finish within {s_timeout.TotalSeconds} s");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{queryFile} failed ({process.ExitCode}): {await errors}");
        }

        using JsonDocument rows = JsonDocument.Parse(await output);
        return rows.RootElement.EnumerateArray().Select(r => r.Clone()).ToList();
    }

    /// <summary>A numeric column as a double (DuckDB's JSON gives BIGINT and DECIMAL as strings).</summary>
    public static double Number(this JsonElement row, string column)
    {
        JsonElement value = row.GetProperty(column);
        return value.ValueKind == JsonValueKind.String ? double.Parse(value.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : value.GetDouble();
    }

    /// <summary>A text column.</summary>
    public static string Text(this JsonElement row, string column) => row.GetProperty(column).GetString()!;
}
