using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Tracker.Cloud.Local.Options;

namespace Tracker.Cloud.Local.Tests.Unit;

public sealed class LocalCommandLineTests
{
    [Theory]
    [InlineData(new[] { "--cars", "-1" }, "--cars must be 0 to 5000")]
    [InlineData(new[] { "--cars", "many" }, "many")]
    [InlineData(new[] { "--http-port", "70000" }, "--http-port must be 0 to 65535")]
    [InlineData(new[] { "--http-port", "9000", "--mqtt-port", "9000" }, "--mqtt-port must differ")]
    [InlineData(new[] { "--store", "postgres" }, "--store must be sqlite or dynamodb")]
    [InlineData(new[] { "--store", "dynamodb" }, "--dynamodb-url is required")]
    [InlineData(new[] { "--dynamodb-url", "http://127.0.0.1:8000" }, "--dynamodb-url applies only with --store dynamodb")]
    [InlineData(new[] { "--store", "dynamodb", "--dynamodb-url", "ftp://x" }, "must be an http or https URL")]
    [InlineData(new[] { "--bind", "localhost.example" }, "--bind must be an IP address")]
    [InlineData(new[] { "--duration", "10 minutes" }, "--duration must be a whole number with a unit")]
    [InlineData(new[] { "--live-period", "500ms" }, "--live-period must be 1 s to 5 min")]
    [InlineData(new[] { "--replay", "/no/such/file.nmea" }, "--replay file not found")]
    [InlineData(new[] { "--no-such-option" }, "--no-such-option")]
    [InlineData(new[] { "--auth", "cognito" }, "--auth must be local or oidc")]
    [InlineData(new[] { "--auth", "oidc" }, "--oidc-issuer is required")]
    [InlineData(new[] { "--auth", "oidc", "--oidc-issuer", "http://127.0.0.1:9000" }, "--oidc-client-id is required")]
    [InlineData(new[] { "--auth", "oidc", "--oidc-issuer", "http://idp.example.com", "--oidc-client-id", "web" }, "--oidc-issuer is not usable")]
    [InlineData(new[] { "--auth", "oidc", "--oidc-issuer", "mailto:x@y", "--oidc-client-id", "web" }, "--oidc-issuer must be an http or https URL")]
    [InlineData(new[] { "--oidc-issuer", "https://idp.example.com" }, "--auth must be oidc")]
    [InlineData(new[] { "--smtp-host", "127.0.0.1" }, "--smtp-from is required with --smtp-host")]
    [InlineData(new[] { "--smtp-host", "mail server", "--smtp-from", "t@fleet.example" }, "--smtp-host must be a host name or an IP address")]
    [InlineData(new[] { "--smtp-host", "127.0.0.1", "--smtp-port", "0", "--smtp-from", "t@fleet.example" }, "--smtp-port must be 1 to 65535")]
    [InlineData(new[] { "--smtp-host", "127.0.0.1", "--smtp-port", "x", "--smtp-from", "t@fleet.example" }, "x")]
    [InlineData(new[] { "--smtp-host", "127.0.0.1", "--smtp-from", "Tracker <t@fleet.example>" }, "--smtp-from must be a plain e-mail address")]
    [InlineData(new[] { "--smtp-host", "127.0.0.1", "--smtp-from", "not-an-address" }, "--smtp-from must be a plain e-mail address")]
    [InlineData(new[] { "--smtp-from", "t@fleet.example" }, "--smtp-from applies only with --smtp-host")]
    [InlineData(new[] { "--smtp-port", "2525" }, "--smtp-port applies only with --smtp-host")]
    [InlineData(new[] { "--overspeed-kmh", "5" }, "--overspeed-kmh must be 10 to 300 km/h")]
    [InlineData(new[] { "--overspeed-kmh", "fast" }, "fast")]
    public void BadCommandLine_ExitsWithUsageError_NamingTheOption(string[] args, string expected)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        bool ran = false;

        int code = LocalCommandLine.Invoke(args, output, error, _ => { ran = true; return 0; });

        Assert.Equal(LocalCommandLine.UsageError, code);
        Assert.False(ran);
        Assert.Contains(expected, error.ToString() + output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void SmtpAndOverspeed_AreRead()
    {
        LocalOptions? seen = null;

        int code = LocalCommandLine.Invoke(["--smtp-host", "127.0.0.1", "--smtp-port", "2525", "--smtp-from", "tracker@fleet.example", "--overspeed-kmh", "110"], TextWriter.Null, TextWriter.Null, o => { seen = o; return 0; });

        Assert.Equal(0, code);
        Assert.Equal("127.0.0.1", seen!.SmtpHost);
        Assert.Equal(2525, seen.SmtpPort);
        Assert.Equal("tracker@fleet.example", seen.SmtpFrom);
        Assert.Equal(110, seen.OverspeedKmh);
    }

    [Fact]
    public void Defaults_AreTheDocumentedOnes()
    {
        LocalOptions? seen = null;

        int code = LocalCommandLine.Invoke([], TextWriter.Null, TextWriter.Null, o => { seen = o; return 0; });

        Assert.Equal(0, code);
        Assert.NotNull(seen);
        Assert.Equal(25, seen.Cars);
        Assert.Equal(8080, seen.HttpPort);
        Assert.Equal(8883, seen.MqttPort);
        Assert.Equal(System.Net.IPAddress.Loopback, seen.BindAddress);
        Assert.Equal(StoreKind.Sqlite, seen.Store);
        Assert.Equal(1000, seen.LivePeriodMs);
        Assert.Null(seen.Duration);
        Assert.Equal(AuthMode.Local, seen.Auth);
    }

    [Fact]
    public void OidcAuth_TakesTheProvider()
    {
        LocalOptions? seen = null;

        int code = LocalCommandLine.Invoke(
            ["--auth", "oidc", "--oidc-issuer", "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_X", "--oidc-client-id", "web", "--oidc-sign-in-url", "https://x.auth.us-east-1.amazoncognito.com"],
            TextWriter.Null,
            TextWriter.Null,
            o => { seen = o; return 0; });

        Assert.Equal(0, code);
        Assert.Equal(AuthMode.Oidc, seen!.Auth);
        Assert.Equal("web", seen.OidcClientId);
        Assert.Equal("x.auth.us-east-1.amazoncognito.com", seen.OidcSignInUrl!.Host);
    }

    [Theory]
    [InlineData("90s", 90_000)]
    [InlineData("5m", 300_000)]
    [InlineData("2h", 7_200_000)]
    [InlineData("250ms", 250)]
    [InlineData("0", 0)]
    public void Durations_ReadWithTheirUnit(string text, long ms) =>
        Assert.Equal(ms, (long)LocalCommandLine.ParseDuration("--x", text).TotalMilliseconds);

    [Property(MaxTest = 300)]
    public void AnyArguments_NeverThrow_AndEitherRunOrExitTwo(NonNull<string>[] words)
    {
        string[] args = [.. words.Select(w => w.Get)];
        int code = LocalCommandLine.Invoke(args, TextWriter.Null, TextWriter.Null, _ => 7);
        Assert.Contains(code, new[] { 0, 7, LocalCommandLine.UsageError });
    }
}
