using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tracker.Provisioning.Cloud;

/// <summary>
/// The AWS IoT Just-in-Time Provisioning template (AWS IoT Developer Guide, "Just-in-time
/// provisioning" and "Provisioning templates"). When a car first connects with a certificate of the
/// registered fleet CA, IoT Core runs it: a thing named by the certificate's CN (the car id), the
/// certificate registered as ACTIVE, and the fleet's policy attached. The cloud stack (issue 7)
/// registers the CA with it as the registration config's <c>templateBody</c>, with a role that may
/// create things (AWSIoTThingsRegistration).
/// </summary>
public static class JitpTemplate
{
    /// <summary>The template parameter JITP fills with the certificate's subject CN.</summary>
    public const string CommonNameParameter = "AWS::IoT::Certificate::CommonName";

    /// <summary>The template parameter JITP fills with the certificate's id.</summary>
    public const string CertificateIdParameter = "AWS::IoT::Certificate::Id";

    /// <summary>The template parameter JITP fills with the certificate's serial number.</summary>
    public const string SerialNumberParameter = "AWS::IoT::Certificate::SerialNumber";

    /// <summary>The template as indented JSON.</summary>
    /// <param name="policyName">The existing IoT policy to attach (created from <see cref="IotPolicyDocument"/>).</param>
    /// <returns>The JSON text.</returns>
    public static string Build(string policyName)
    {
        var template = new JsonObject
        {
            ["Parameters"] = new JsonObject
            {
                [CommonNameParameter] = new JsonObject { ["Type"] = "String" },
                [SerialNumberParameter] = new JsonObject { ["Type"] = "String" },
                [CertificateIdParameter] = new JsonObject { ["Type"] = "String" },
            },
            ["Resources"] = new JsonObject
            {
                ["thing"] = new JsonObject
                {
                    ["Type"] = "AWS::IoT::Thing",
                    ["Properties"] = new JsonObject
                    {
                        ["ThingName"] = new JsonObject { ["Ref"] = CommonNameParameter },
                        ["AttributePayload"] = new JsonObject
                        {
                            ["certificateSerial"] = new JsonObject { ["Ref"] = SerialNumberParameter },
                        },
                    },
                    ["OverrideSettings"] = new JsonObject { ["AttributePayload"] = "MERGE" },
                },
                ["certificate"] = new JsonObject
                {
                    ["Type"] = "AWS::IoT::Certificate",
                    ["Properties"] = new JsonObject
                    {
                        ["CertificateId"] = new JsonObject { ["Ref"] = CertificateIdParameter },
                        ["Status"] = "ACTIVE",
                    },
                },
                ["policy"] = new JsonObject
                {
                    ["Type"] = "AWS::IoT::Policy",
                    ["Properties"] = new JsonObject { ["PolicyName"] = policyName },
                },
            },
        };
        return template.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }
}
