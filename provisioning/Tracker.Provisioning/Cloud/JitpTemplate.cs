using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tracker.Provisioning.Cloud;

/// <summary>
/// The AWS IoT Just-in-Time Provisioning template (AWS IoT Developer Guide, "Just-in-time
/// provisioning" and "Provisioning templates"). When a car first connects with a certificate of the
/// registered fleet CA, IoT Core runs it: a thing named by the certificate's CN (the car id), the
/// certificate registered as ACTIVE, and the fleet's policy attached. The cloud stack registers the CA
/// with it as the registration config's <c>templateBody</c>, with a role that may create things
/// (AWSIoTThingsRegistration).
/// </summary>
/// <remarks>
/// JITP fills the <c>AWS::IoT::Certificate::*</c> parameters from the certificate's subject (Country,
/// Organization, OrganizationalUnit, DistinguishedNameQualifier, StateName, CommonName, SerialNumber) and
/// its registration (Id), and fails the whole provisioning, on the car's first connection, when the
/// template refers to one the certificate does not carry. The car certificates carry only
/// <c>CN=&lt;car&gt;</c>, so the template uses CommonName and Id and nothing else;
/// <see cref="CertificateParameters"/> is the list the tests hold it to. (SerialNumber is the subject's
/// serialNumber attribute, not the certificate's serial number.)
/// </remarks>
public static class JitpTemplate
{
    /// <summary>The template parameter JITP fills with the certificate's subject CN.</summary>
    public const string CommonNameParameter = "AWS::IoT::Certificate::CommonName";

    /// <summary>The template parameter JITP fills with the certificate's id.</summary>
    public const string CertificateIdParameter = "AWS::IoT::Certificate::Id";

    /// <summary>The prefix of the parameters JITP fills from the certificate.</summary>
    public const string CertificateParameterPrefix = "AWS::IoT::Certificate::";

    /// <summary>Every certificate parameter the template uses; each must be one the car certificates carry.</summary>
    public static IReadOnlyList<string> CertificateParameters { get; } = [CommonNameParameter, CertificateIdParameter];

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
                    },
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
