using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Tracker.Provisioning.Bundles;
using Tracker.Provisioning.Cloud;
using Tracker.Provisioning.Pki;
using Tracker.Provisioning.Tests.Support;

namespace Tracker.Provisioning.Tests;

public sealed class TemplateTests
{
    [Fact]
    public void JitpTemplate_NamesTheThingByCn_RegistersActive_AttachesThePolicy()
    {
        using var fleet = new Fleet();
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(CaFiles.PathOf(fleet.CaDir, CaFiles.JitpTemplate)));
        JsonElement resources = doc.RootElement.GetProperty("Resources");
        Assert.Equal("AWS::IoT::Thing", resources.GetProperty("thing").GetProperty("Type").GetString());
        Assert.Equal(JitpTemplate.CommonNameParameter, resources.GetProperty("thing").GetProperty("Properties").GetProperty("ThingName").GetProperty("Ref").GetString());
        Assert.Equal("ACTIVE", resources.GetProperty("certificate").GetProperty("Properties").GetProperty("Status").GetString());
        Assert.Equal(JitpTemplate.CertificateIdParameter, resources.GetProperty("certificate").GetProperty("Properties").GetProperty("CertificateId").GetProperty("Ref").GetString());
        Assert.Equal("tracker-device", resources.GetProperty("policy").GetProperty("Properties").GetProperty("PolicyName").GetString());
        Assert.True(doc.RootElement.GetProperty("Parameters").TryGetProperty(JitpTemplate.CommonNameParameter, out _));
    }

    [Fact]
    public void Policy_BindsConnectAndTopicsToTheThingName()
    {
        using var fleet = new Fleet();
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(CaFiles.PathOf(fleet.CaDir, CaFiles.IotPolicy)));
        Assert.Equal("2012-10-17", doc.RootElement.GetProperty("Version").GetString());
        var statements = doc.RootElement.GetProperty("Statement").EnumerateArray()
            .ToDictionary(s => s.GetProperty("Action").GetString()!, s => s.GetProperty("Resource").EnumerateArray().Select(r => r.GetString()!).ToArray());
        Assert.Equal(["arn:aws:iot:*:*:client/${iot:Connection.Thing.ThingName}"], statements["iot:Connect"]);
        Assert.Equal(
            [
                "arn:aws:iot:*:*:topic/tracker/${iot:Connection.Thing.ThingName}/fixes", "arn:aws:iot:*:*:topic/tracker/${iot:Connection.Thing.ThingName}/status",
                "arn:aws:iot:*:*:topic/$aws/things/${iot:Connection.Thing.ThingName}/shadow/*", "arn:aws:iot:*:*:topic/$aws/things/${iot:Connection.Thing.ThingName}/jobs/*",
            ],
            statements["iot:Publish"]);
        Assert.Equal(
            [
                "arn:aws:iot:*:*:topicfilter/tracker/${iot:Connection.Thing.ThingName}/live",
                "arn:aws:iot:*:*:topicfilter/$aws/things/${iot:Connection.Thing.ThingName}/shadow/*", "arn:aws:iot:*:*:topicfilter/$aws/things/${iot:Connection.Thing.ThingName}/jobs/*",
            ],
            statements["iot:Subscribe"]);
        Assert.Equal(
            [
                "arn:aws:iot:*:*:topic/tracker/${iot:Connection.Thing.ThingName}/live",
                "arn:aws:iot:*:*:topic/$aws/things/${iot:Connection.Thing.ThingName}/shadow/*", "arn:aws:iot:*:*:topic/$aws/things/${iot:Connection.Thing.ThingName}/jobs/*",
            ],
            statements["iot:Receive"]);
        Assert.All(statements.Values.SelectMany(r => r), r => Assert.Contains(IotPolicyDocument.ThingNameVariable, r));
    }

    [Fact]
    public void Policy_WithABasicIngestRule_AllowsFixesThroughThatRuleOnly()
    {
        using JsonDocument doc = JsonDocument.Parse(IotPolicyDocument.Build("tracker_dev_fixes"));

        string[] publish = doc.RootElement.GetProperty("Statement").EnumerateArray()
            .Single(s => s.GetProperty("Action").GetString() == "iot:Publish")
            .GetProperty("Resource").EnumerateArray().Select(r => r.GetString()!).ToArray();
        Assert.Equal(
            [
                "arn:aws:iot:*:*:topic/$aws/rules/tracker_dev_fixes/tracker/${iot:Connection.Thing.ThingName}/fixes", "arn:aws:iot:*:*:topic/tracker/${iot:Connection.Thing.ThingName}/status",
                "arn:aws:iot:*:*:topic/$aws/things/${iot:Connection.Thing.ThingName}/shadow/*", "arn:aws:iot:*:*:topic/$aws/things/${iot:Connection.Thing.ThingName}/jobs/*",
            ],
            publish);
        Assert.DoesNotContain(publish, r => r.Contains('*', StringComparison.Ordinal) && !r.StartsWith("arn:aws:iot:*:*:", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("")]
    [InlineData("*")]
    [InlineData("tracker-dev-fixes")]
    [InlineData("tracker_dev_fixes/tracker/#")]
    public void Policy_WithABadRuleName_IsRefused(string rule)
    {
        Assert.Throws<ArgumentException>(() => IotPolicyDocument.Build(rule));
    }

    [Fact]
    public void JitpTemplate_UsesOnlyCertificateParametersACliIssuedCertificateCarries()
    {
        // The certificate exactly as a car gets it: the CLI's own 'ca create' and 'device create'.
        using var temp = new TempFolder();
        string caDir = temp.Combine("ca");
        string bundles = temp.Combine("bundles");
        string rootCa = temp.Combine("root.pem");
        File.WriteAllText(rootCa, StandInRoot());
        Assert.Equal(0, CliRun.Of(Fleet.Pass, "ca", "create", "--out", caDir, "--json").ExitCode);
        CliRun created = CliRun.Of(Fleet.Pass, "device", "create", "--car", "car-0042", "--ca", caDir, "--out", bundles, "--endpoint", "a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com", "--apn", "iot", "--root-ca", rootCa, "--json");
        Assert.True(created.ExitCode == 0, created.Error);
        using X509Certificate2 certificate = X509Certificate2.CreateFromPem(File.ReadAllText(Directory.GetFiles(bundles, BundleFiles.CertificatePem, SearchOption.AllDirectories).Single()));

        HashSet<string> carried = CarriedParameters(certificate);
        Assert.Contains(JitpTemplate.CommonNameParameter, carried);

        using JsonDocument template = JsonDocument.Parse(File.ReadAllText(CaFiles.PathOf(caDir, CaFiles.JitpTemplate)));
        List<string> used = [.. template.RootElement.GetProperty("Parameters").EnumerateObject().Select(p => p.Name), .. Refs(template.RootElement)];
        Assert.All(used.Where(p => p.StartsWith(JitpTemplate.CertificateParameterPrefix, StringComparison.Ordinal)), p => Assert.Contains(p, carried));
        Assert.All(JitpTemplate.CertificateParameters, p => Assert.Contains(p, carried));
        Assert.All(Refs(template.RootElement), r => Assert.True(template.RootElement.GetProperty("Parameters").TryGetProperty(r, out _), r + " is not declared"));
    }

    /// <summary>
    /// The JITP parameters a certificate gives values for (AWS IoT developer guide, "Just-in-time
    /// provisioning"): one per attribute of the subject that JITP reads, and the certificate id, which
    /// IoT Core assigns to every certificate.
    /// </summary>
    private static HashSet<string> CarriedParameters(X509Certificate2 certificate)
    {
        var byOid = new Dictionary<string, string>
        {
            ["2.5.4.6"] = "Country",
            ["2.5.4.10"] = "Organization",
            ["2.5.4.11"] = "OrganizationalUnit",
            ["2.5.4.46"] = "DistinguishedNameQualifier",
            ["2.5.4.8"] = "StateName",
            ["2.5.4.3"] = "CommonName",
            ["2.5.4.5"] = "SerialNumber",
        };
        var carried = new HashSet<string>(StringComparer.Ordinal) { JitpTemplate.CertificateIdParameter };
        foreach (X500RelativeDistinguishedName rdn in certificate.SubjectName.EnumerateRelativeDistinguishedNames())
        {
            if (byOid.TryGetValue(rdn.GetSingleElementType().Value!, out string? name) && !string.IsNullOrEmpty(rdn.GetSingleElementValue()))
            {
                carried.Add(JitpTemplate.CertificateParameterPrefix + name);
            }
        }

        return carried;
    }

    private static IEnumerable<string> Refs(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty property in element.EnumerateObject())
            {
                if (property.Name == "Ref" && property.Value.ValueKind == JsonValueKind.String)
                {
                    yield return property.Value.GetString()!;
                }

                foreach (string inner in Refs(property.Value))
                {
                    yield return inner;
                }
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (string inner in element.EnumerateArray().SelectMany(Refs))
            {
                yield return inner;
            }
        }
    }

    private static string StandInRoot()
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Stand-in Root CA 1", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using X509Certificate2 root = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(10));
        return root.ExportCertificatePem() + "\n";
    }
}
