using System.Text.Json;
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
        Assert.Contains("arn:aws:iot:*:*:topic/tracker/${iot:Connection.Thing.ThingName}/fixes", statements["iot:Publish"]);
        Assert.Contains("arn:aws:iot:*:*:topic/tracker/${iot:Connection.Thing.ThingName}/status", statements["iot:Publish"]);
        Assert.Contains("arn:aws:iot:*:*:topic/$aws/rules/*/tracker/${iot:Connection.Thing.ThingName}/fixes", statements["iot:Publish"]);
        Assert.Equal(["arn:aws:iot:*:*:topicfilter/tracker/${iot:Connection.Thing.ThingName}/live"], statements["iot:Subscribe"]);
        Assert.Equal(["arn:aws:iot:*:*:topic/tracker/${iot:Connection.Thing.ThingName}/live"], statements["iot:Receive"]);
        Assert.All(statements.Values.SelectMany(r => r), r => Assert.Contains(IotPolicyDocument.ThingNameVariable, r));
    }
}
