using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace AccessTokenGateway.Infra.Tests;

/// <summary>
/// Policy survives a deployment: every setting the app reads from <c>Policy:*</c>, <c>Approvals:*</c> and
/// <c>Authentication:*</c> (found by reflecting over Gateway.Core's options classes) is an app setting fed by a
/// main.bicep parameter that main.parameters.json gives an azd environment value. The template's list of app settings
/// replaces the app's settings on every provisioning, so a setting set by hand would be erased by the next one.
/// </summary>
public sealed partial class PolicyParametersTests
{
    private static readonly string[] PolicySections = ["Policy", "Approvals", "Authentication"];

    public static TheoryData<string> PolicySettings() => new(PolicySettingNames());

    private static IEnumerable<string> PolicySettingNames() =>
        from type in RequiredSettings.OptionsClasses()
        let section = RequiredSettings.SectionName(type)
        where PolicySections.Contains(section)
        from property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
        where property.CanWrite
        select $"{section}__{property.Name}";

    [Fact]
    public void The_reflection_finds_every_policy_section()
    {
        // Guards the theory below against passing vacuously if the options classes move or are renamed.
        var settings = PolicySettingNames().ToList();
        Assert.Contains("Policy__ProtectedTokenIds", settings);
        Assert.Contains("Policy__GatewayTokenId", settings);
        Assert.Contains("Approvals__TrustedCallers", settings);
        Assert.Contains("Authentication__TrustAppServicePrincipal", settings);
        Assert.True(settings.Count >= 9, string.Join(", ", settings));
    }

    [Theory]
    [MemberData(nameof(PolicySettings))]
    [InlineData("Signatures__Senders")]   // who may sign decides who may approve: as much policy as the rest
    public void Every_policy_option_the_app_reads_is_set_from_a_parameter_azd_fills(string setting)
    {
        var settings = FunctionApp.AppSettings();
        Assert.True(settings.ContainsKey(setting), $"{setting} is not an app setting: the next provisioning would erase it");

        // api.bicep: the value comes from the gateway object, not a literal.
        var member = GatewayMember().Match(settings[setting].GetString() ?? "");
        Assert.True(member.Success, $"{setting} is not set from the gateway parameter: {settings[setting]}");

        // main.bicep: that member is one of its own parameters…
        var api = ArmTemplate.Main.OfType("Microsoft.Resources/deployments").Single(d => d.Name == "api");
        var passed = api.ModuleArgument("gateway").GetProperty(member.Groups["member"].Value).GetString() ?? "";
        var parameter = MainParameter().Match(passed);
        Assert.True(parameter.Success, $"main.bicep passes {member.Groups["member"].Value} as {passed}, not as a parameter");
        var name = parameter.Groups["name"].Value;
        Assert.True(ArmTemplate.Main.Root.GetProperty("parameters").TryGetProperty(name, out _));

        // …that azd fills from an environment value.
        Assert.True(AzdParameters().TryGetProperty(name, out var value), $"main.parameters.json has no value for {name}");
        Assert.Matches(@"^\$\{GATEWAY_[A-Z_]+(=[^}]*)?\}$", value.GetProperty("value").GetString()!);
    }

    [Theory]
    [InlineData("policyRequireDistinctApproverForEscalation", true)]
    [InlineData("policyQueueMayGrant", false)]
    [InlineData("approvalsRequireApproverIsCaller", false)]
    [InlineData("authenticationTrustAppServicePrincipal", false)]
    public void The_templates_switches_default_to_the_safe_side(string parameter, bool expected)
    {
        Assert.Equal(expected, ArmTemplate.Main.Root.GetProperty("parameters").GetProperty(parameter).GetProperty("defaultValue").GetBoolean());
    }

    [Theory]
    [InlineData("privateNetworking", "true")]
    [InlineData("policyRequireDistinctApproverForEscalation", "true")]
    [InlineData("policyQueueMayGrant", "false")]
    [InlineData("approvalsRequireApproverIsCaller", "false")]
    [InlineData("authenticationTrustAppServicePrincipal", "false")]
    [InlineData("approvalsTrustedCallers", null)]   // no caller may assert approvals until the operator names one
    [InlineData("policyProtectedTokenIds", null)]
    public void The_production_parameters_azd_deploys_have_safe_defaults(string parameter, string? expected)
    {
        var value = AzdParameters().GetProperty(parameter).GetProperty("value").GetString()!;
        var fallback = Regex.Match(value, @"=(?<d>[^}]*)\}$");
        Assert.Equal(expected, fallback.Success ? fallback.Groups["d"].Value : null);
    }

    [Fact]
    public void The_docs_no_longer_tell_operators_to_set_policy_by_hand()
    {
        foreach (var doc in new[] { "README.md", "SECURITY.md", Path.Combine("docs", "deploy.md") })
        {
            var text = File.ReadAllText(Path.Combine(Repository.Root, doc));
            Assert.DoesNotMatch(@"appsettings set[^\n]*(Policy|Approvals|Authentication)__", text);
        }
    }

    private static JsonElement AzdParameters() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Root, "infra", "main.parameters.json"))).RootElement.GetProperty("parameters");

    [GeneratedRegex(@"parameters\('gateway'\)\.(?<member>[A-Za-z0-9]+)")]
    private static partial Regex GatewayMember();

    [GeneratedRegex(@"^\[parameters\('(?<name>[A-Za-z0-9]+)'\)\]$")]
    private static partial Regex MainParameter();
}
