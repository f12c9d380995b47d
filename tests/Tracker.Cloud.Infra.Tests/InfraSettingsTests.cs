namespace Tracker.Cloud.Infra.Tests;

/// <summary>The context is checked before anything is defined, and every refusal names its key.</summary>
public sealed class InfraSettingsTests : IDisposable
{
    private readonly TempFolder _scratch = new("tracker-infra-settings-");
    private readonly Dictionary<string, object?> _context = [];

    public InfraSettingsTests()
    {
        FakePackage.Create(_scratch.Combine("lambda"));
        _context[InfraSettings.StageKey] = "dev";
        _context[InfraSettings.LambdaPackageKey] = "lambda";
    }

    public void Dispose() => _scratch.Dispose();

    private InfraSettings Read() => InfraSettings.Read(k => _context.GetValueOrDefault(k), _scratch.Path);

    private string Refusal() => Assert.Throws<InfraConfigException>(Read).Message;

    [Fact]
    public void Dev_WithOnlyTheRequiredKeys_HasTheDevDefaults()
    {
        InfraSettings settings = Read();

        Assert.Equal("dev", settings.Stage);
        Assert.False(settings.IsProduction);
        Assert.Equal(_scratch.Combine("lambda"), settings.LambdaPackage);
        Assert.Equal(0, settings.IngestReservedConcurrency);
        Assert.Equal(10, settings.OfflineAlarmThreshold);
        Assert.Null(settings.FleetCaPem);
        Assert.Equal("tracker-dev-fixes", settings.Names.FixesTable);
        Assert.Equal("tracker_dev_fixes", settings.Names.FixesRule);
    }

    [Fact]
    public void Prod_HasTheProdDefaults()
    {
        _context[InfraSettings.StageKey] = "prod";

        InfraSettings settings = Read();

        Assert.True(settings.IsProduction);
        Assert.Equal(100, settings.IngestReservedConcurrency);
        Assert.Equal(50, settings.OfflineAlarmThreshold);
    }

    [Fact]
    public void CodeSigningKey_IsReadFromCodesignPub_AndAFileThatIsNotOneIsRefusedNamingTheKey()
    {
        Assert.Null(Read().CodeSigningKey);
        using var rsa = System.Security.Cryptography.RSA.Create(3072);
        byte[] modulus = rsa.ExportParameters(false).Modulus!;
        File.WriteAllBytes(_scratch.Combine("codesign.pub"), modulus);
        _context[InfraSettings.CodeSigningKeyKey] = "codesign.pub";
        Assert.Equal(modulus, Read().CodeSigningKey);

        File.WriteAllBytes(_scratch.Combine("codesign.pub"), modulus[..100]);
        Assert.Contains("'" + InfraSettings.CodeSigningKeyKey + "'", Refusal(), StringComparison.Ordinal);
        _context[InfraSettings.CodeSigningKeyKey] = "missing.pub";
        Assert.Contains("'" + InfraSettings.CodeSigningKeyKey + "'", Refusal(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("staging")]
    [InlineData("Dev")]
    public void Stage_MissingOrUnknown_IsRefusedNamingTheKey(string? stage)
    {
        _context[InfraSettings.StageKey] = stage;

        Assert.Contains("'stage'", Refusal(), StringComparison.Ordinal);
    }

    [Fact]
    public void LambdaPackage_Missing_IsRefusedWithThePublishCommand()
    {
        _context[InfraSettings.LambdaPackageKey] = null;

        string message = Refusal();
        Assert.Contains("'lambdaPackage'", message, StringComparison.Ordinal);
        Assert.Contains("dotnet publish cloud/Tracker.Cloud.Lambda.Runtime -c Release -r linux-arm64", message, StringComparison.Ordinal);
    }

    [Fact]
    public void LambdaPackage_WithoutTheBootstrap_IsRefused()
    {
        _context[InfraSettings.LambdaPackageKey] = _scratch.Path;

        Assert.Contains("holds no " + InfraSettings.BootstrapFile, Refusal(), StringComparison.Ordinal);
    }

    [Fact]
    public void LambdaPackage_WithABootstrapThatIsNotExecutable_IsRefused()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        File.SetUnixFileMode(_scratch.Combine("lambda", InfraSettings.BootstrapFile), UnixFileMode.UserRead | UnixFileMode.UserWrite);

        Assert.Contains("is not executable", Refusal(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(InfraSettings.IngestConcurrencyKey, "-1")]
    [InlineData(InfraSettings.IngestConcurrencyKey, "ten")]
    [InlineData(InfraSettings.IngestConcurrencyKey, "1e3")]
    [InlineData(InfraSettings.OfflineAlarmKey, "0")]
    [InlineData(InfraSettings.AlarmEmailKey, "not-an-address")]
    public void OptionalKey_WithABadValue_IsRefusedNamingIt(string key, string value)
    {
        _context[key] = value;

        Assert.Contains("'" + key + "'", Refusal(), StringComparison.Ordinal);
    }

    [Fact]
    public void Integers_FromCdkJson_MayBeNumbers()
    {
        _context[InfraSettings.IngestConcurrencyKey] = 0L;

        Assert.Equal(0, Read().IngestReservedConcurrency);
    }

    [Fact]
    public void FleetCa_WithItsVerificationCertificate_IsRead()
    {
        (string ca, string verification, _) = TestCertificates.Create();
        UseCa(ca, verification);

        InfraSettings settings = Read();

        Assert.Equal(ca, settings.FleetCaPem);
        Assert.Equal(verification, settings.FleetCaVerificationPem);
    }

    [Fact]
    public void FleetCa_WithoutItsVerificationCertificate_IsRefused()
    {
        (string ca, _, _) = TestCertificates.Create();
        UseCa(ca, null);

        Assert.Contains("go together", Refusal(), StringComparison.Ordinal);
    }

    [Fact]
    public void FleetCa_ThatIsNotACa_IsRefused()
    {
        (_, string verification, string other) = TestCertificates.Create();
        UseCa(other, verification);

        Assert.Contains("not a CA certificate", Refusal(), StringComparison.Ordinal);
    }

    [Fact]
    public void VerificationCertificate_NotSignedByTheCa_IsRefused()
    {
        (string ca, _, string other) = TestCertificates.Create();
        UseCa(ca, other);

        Assert.Contains("not by the fleet CA", Refusal(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not a certificate")]
    [InlineData("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")]
    public void FleetCa_NotAPemCertificate_IsRefused(string text)
    {
        (_, string verification, _) = TestCertificates.Create();
        UseCa(text, verification);

        Assert.Contains("'" + InfraSettings.FleetCaPemKey + "'", Refusal(), StringComparison.Ordinal);
    }

    [Fact]
    public void FleetCa_FileMissing_IsRefused()
    {
        _context[InfraSettings.FleetCaPemKey] = "nowhere.pem";
        _context[InfraSettings.FleetCaVerificationPemKey] = "nowhere-either.pem";

        Assert.Contains("does not exist", Refusal(), StringComparison.Ordinal);
    }

    private void UseCa(string ca, string? verification)
    {
        File.WriteAllText(_scratch.Combine("ca.pem"), ca);
        _context[InfraSettings.FleetCaPemKey] = "ca.pem";
        if (verification is not null)
        {
            File.WriteAllText(_scratch.Combine("verification.pem"), verification);
            _context[InfraSettings.FleetCaVerificationPemKey] = "verification.pem";
        }
    }
}
