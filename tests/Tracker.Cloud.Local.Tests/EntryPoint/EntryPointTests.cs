using System.Net;
using System.Net.Sockets;
using Tracker.Testing;

namespace Tracker.Cloud.Local.Tests.EntryPoint;

/// <summary>The README's main command where a new user meets it: where the data goes, and a port already taken.</summary>
public sealed class EntryPointTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    private readonly TempFolder _folder = new("tracker-entry-");

#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    [Fact]
    public async Task DotnetRun_KeepsItsData_InTheFolderItWasTypedIn_AsTheHelpSays()
    {
        string project = Repository.PathOf("cloud", "Tracker.Cloud.Local", "Tracker.Cloud.Local.csproj");
        using TestProcess run = TestProcess.Start(
            _folder.Path, "dotnet", "run", "--no-build", "-c", Configuration, "--project", project, "--", "--cars", "0", "--http-port", "0", "--mqtt-port", "0", "--progress", "0", "--duration", "1s");

        Assert.True(await run.WaitForExitAsync(Bound) == 0, run.Output);
        string data = _folder.Combine(".tracker-local");
        Assert.Contains("data in " + data, run.Output, StringComparison.Ordinal);
        Assert.True(Directory.Exists(Path.Combine(data, "pki")), "no .tracker-local/pki where dotnet run was typed:\n" + run.Output);
    }

    [Theory]
    [InlineData("--http-port", "the web app and API")]
    [InlineData("--mqtt-port", "the cars' MQTT")]
    public async Task APortAlreadyTaken_IsOneClearLine_WithoutAStackTrace(string option, string what)
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;
        string other = option == "--http-port" ? "--mqtt-port" : "--http-port";
        using TestProcess host = BuiltHost.Start(_folder.Path, "--data", _folder.Combine("data"), "--cars", "0", option, port.ToString(System.Globalization.CultureInfo.InvariantCulture), other, "0");

        Assert.Equal(1, await host.WaitForExitAsync(Bound));
        Assert.Contains($"tracker-local: port {port} on 127.0.0.1 ({what}) is taken", host.Output, StringComparison.Ordinal);
        Assert.Contains(option, host.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", host.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", host.Output, StringComparison.Ordinal);
    }

    public void Dispose() => _folder.Dispose();
}
